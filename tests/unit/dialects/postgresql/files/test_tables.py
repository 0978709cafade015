"""CREATE TABLE and its columns: types as format_type spells them, defaults, serial columns."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import ok, table


def test_columns_types_defaults_and_not_null() -> None:
    t = table(ok("""
        CREATE TABLE t (
          a int NOT NULL DEFAULT 0,
          b varchar(255) DEFAULT 'x'::text,
          c timestamp(3) with time zone DEFAULT now(),
          d numeric(10, 2)[],
          e double precision NULL,
          f "char",
          g interval day to second(3),
          h text COLLATE "C",
          i timestamp
        );"""), "t")
    cols = {c.name: c for c in t.columns}
    assert [c.name for c in t.columns] == list("abcdefghi")
    assert (cols["a"].type, cols["a"].nullable, cols["a"].default) == ("integer", False, "0")
    assert (cols["b"].type, cols["b"].default) == ("character varying(255)", "'x'::text")
    assert (cols["c"].type, cols["c"].default) == ("timestamp(3) with time zone", "now()")
    assert cols["d"].type == "numeric(10,2)[]"
    assert cols["e"].type == "double precision" and cols["e"].nullable
    assert cols["f"].type == '"char"'
    assert cols["g"].type == "interval day to second(3)"
    assert cols["h"].collation == '"C"'
    assert cols["i"].type == "timestamp without time zone"


def test_character_types_are_spelled_as_format_type_prints_them() -> None:
    t = table(ok("""CREATE TABLE t (a bpchar, b bpchar(5), c char, d character, e "char",
        f pg_catalog.bpchar, g bpchar[], h "bpchar", i char(3)[]);"""), "t")
    assert [c.type for c in t.columns] == [
        "bpchar", "character(5)", "character(1)", "character(1)", '"char"', "bpchar", "bpchar[]",
        "bpchar", "character(3)[]"]


def test_serial_columns_get_the_sequence_postgresql_would_create() -> None:
    s = ok("CREATE TABLE shop.orders (id serial PRIMARY KEY, n bigserial, m smallserial);")
    t = table(s, "orders", "shop")
    assert [(c.type, c.default, c.nullable) for c in t.columns] == [
        ("integer", "nextval('shop.orders_id_seq'::regclass)", False),
        ("bigint", "nextval('shop.orders_n_seq'::regclass)", False),
        ("smallint", "nextval('shop.orders_m_seq'::regclass)", False),
    ]
    assert s.sequences == []


def test_serial_sequence_names_are_truncated_like_postgresql() -> None:
    long_table = "t" * 60
    s = ok(f"CREATE TABLE {long_table} (id serial, {'c' * 40} serial);")
    defaults = [c.default for c in table(s, long_table).columns]
    # 63 bytes at most: the longer name is shortened first
    assert defaults[0] == f"nextval('public.{'t' * 56}_id_seq'::regclass)"
    assert defaults[1] == f"nextval('public.{'t' * 29}_{'c' * 29}_seq'::regclass)"


def test_altering_a_serial_sequence_is_accepted() -> None:
    s = ok("CREATE TABLE t (id serial); ALTER SEQUENCE t_id_seq RESTART WITH 100;")
    assert s.sequences == []


def test_serial_sequence_name_collision_gets_a_number() -> None:
    s = ok("CREATE SEQUENCE t_id_seq; CREATE TABLE t (id serial);")
    assert table(s, "t").column("id").default == "nextval('public.t_id_seq1'::regclass)"
    assert [q.name for q in s.sequences] == ["t_id_seq"]
