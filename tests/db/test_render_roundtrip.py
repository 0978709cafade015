"""render(diff(A, B)) executed on a real database holding A leaves exactly B.

Each case builds A from nothing with the engine itself, then moves to B, then reads the
database back (introspection + normalize) and requires an empty diff against B. Rows are
inserted between the two steps where a change must keep them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from schemalens import dialects
from schemalens.changes import Change, Renames, Statement
from schemalens.diff import diff
from schemalens.dialects.postgresql.catalog import introspect_postgresql
from schemalens.dialects.sqlite.catalog import introspect_sqlite
from schemalens.model import (
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
)
from schemalens.normalize import normalize_schema
from tests.schemas import pg

NO_RENAMES = Renames({}, {})

# --- PostgreSQL ---------------------------------------------------------------------------


def pg_read(url: str, schemas: list[str]) -> Schema:
    with psycopg.connect(url) as conn:
        return normalize_schema(introspect_postgresql(conn, schemas=schemas))


def pg_apply(url: str, statements: list[Statement]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            if not s.transactional:
                conn.execute(s.sql)  # type: ignore[arg-type]
        with conn.transaction():
            for s in statements:
                if s.transactional:
                    conn.execute(s.sql)  # type: ignore[arg-type]


def pg_push(url: str, desired: Schema, renames: Renames = NO_RENAMES) -> list[Change]:
    schemas = ["public"] + [n.name for n in desired.namespaces]
    want = normalize_schema(desired)
    have = pg_read(url, schemas)
    changes = diff(have, want, renames)
    pg_apply(url, dialects.get(want.dialect).render(changes, have, want))
    left = diff(pg_read(url, schemas), want)
    assert left == [], [c.description for c in left]
    return changes


def pg_sql(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def col(name: str, type_: str, nullable: bool = True, **kw: object) -> Column:
    return Column(name, type_, nullable, **kw)  # type: ignore[arg-type]


def users(*extra: Column, **kw: object) -> Table:
    return Table("public", "users", [col("id", "integer", False), *extra],
                 primary_key=PrimaryKey(None, ["id"]), **kw)  # type: ignore[arg-type]


def test_pg_column_changes_keep_rows(pg_url: str) -> None:
    a = pg(users(col("name", "varchar(50)"), col("age", "integer", default="0"), col("note", "text"),
                 col("code", "text")))
    pg_push(pg_url, a)
    pg_sql(pg_url, "INSERT INTO users (id, name, age, note, code) VALUES (1, 'ann', 30, 'x', '12'), (2, 'bob', 40, NULL, '7')")
    b = pg(users(col("name", "character varying(100)", False, default="'anon'"), col("age", "bigint"),
                 col("score", "numeric(10,2)", default="1.5"), col("code", "integer"),
                 col("created", "timestamp with time zone", False, default="now()")))
    changes = pg_push(pg_url, b)
    kinds = {(c.kind, c.name) for c in changes}
    assert ("drop_column", "note") in kinds and ("add_column", "score") in kinds
    assert pg_sql(pg_url, "SELECT id, name, age, code, score FROM users ORDER BY id") == [
        (1, "ann", 30, 12, pytest.approx(1.5)), (2, "bob", 40, 7, pytest.approx(1.5))]


def test_pg_names_ending_in_a_newline_round_trip(pg_url: str) -> None:
    """Bug 3: a name ending in a newline was written bare (`$` matches before a final
    newline), so PostgreSQL made `note`, and every later check reported drift."""
    text = 'CREATE TABLE "note\n" (id int, "body\n" text);\n'
    desired = dialects.get("postgresql").read_files([("schema.sql", text)], "public").schema
    assert [(t.name, [c.name for c in t.columns]) for t in desired.tables] == [("note\n", ["id", "body\n"])]
    pg_push(pg_url, desired)
    assert pg_sql(pg_url, "SELECT attname FROM pg_attribute WHERE attrelid = '\"note\n\"'::regclass AND attnum > 0"
                  " ORDER BY attnum") == [("id",), ("body\n",)]
    assert pg_push(pg_url, desired) == []


def test_pg_foreign_key_cycle_created_and_dropped(pg_url: str) -> None:
    a_tab = Table("public", "a", [col("id", "integer", False), col("b_id", "integer")],
                  primary_key=PrimaryKey(None, ["id"]),
                  foreign_keys=[ForeignKey(None, ["b_id"], "public", "b", ["id"])])
    b_tab = Table("public", "b", [col("id", "integer", False), col("a_id", "integer")],
                  primary_key=PrimaryKey(None, ["id"]),
                  foreign_keys=[ForeignKey("b_a_fk", ["a_id"], "public", "a", ["id"], on_delete="CASCADE")])
    self_ref = Table("public", "node", [col("id", "integer", False), col("parent", "integer")],
                     primary_key=PrimaryKey(None, ["id"]),
                     foreign_keys=[ForeignKey(None, ["parent"], "public", "node", ["id"])])
    pg_push(pg_url, pg(a_tab, b_tab, self_ref))
    changes = pg_push(pg_url, pg())
    assert [c.kind for c in changes].count("drop_table") == 3


def test_pg_constraints_and_indexes_on_existing_tables(pg_url: str) -> None:
    org = Table("public", "org", [col("id", "integer", False), col("slug", "text")], primary_key=PrimaryKey(None, ["id"]))
    a = pg(org, users(col("org_id", "integer"), col("email", "text"), col("age", "integer")))
    pg_push(pg_url, a)
    pg_sql(pg_url, "INSERT INTO org VALUES (1, 's'); INSERT INTO users VALUES (1, 1, 'a@x', 20)")
    org_b = Table("public", "org", org.columns, primary_key=org.primary_key, uniques=[Unique(None, ["slug"])])
    b = pg(org_b, users(
        col("org_id", "integer"), col("email", "text"), col("age", "integer"),
        foreign_keys=[ForeignKey(None, ["org_id"], "public", "org", ["id"], on_delete="SET NULL")],
        checks=[Check(None, "age > 0"), Check("users_age_max", "age < 200")],
        uniques=[Unique("users_email_key", ["email"])],
        indexes=[Index(None, ["lower(email)"]), Index("users_age_idx", ["age DESC"], where="age > 10", include=["email"])],
    ))
    changes = pg_push(pg_url, b)
    fk = next(c for c in changes if c.kind == "add_constraint" and isinstance(c.after, ForeignKey))
    assert fk.lock is not None
    sql = [s.sql for s in dialects.get(b.dialect).render(changes, a, b)]
    assert any("NOT VALID" in s for s in sql) and any("VALIDATE CONSTRAINT" in s for s in sql)
    # and back: every constraint and index dropped again
    pg_push(pg_url, a)


def test_pg_enums_add_reorder_remove(pg_url: str) -> None:
    def schema(values: list[str]) -> Schema:
        return pg(users(col("mood", "public.mood", default="'a'::public.mood"), col("moods", "public.mood[]")),
                  enums=[Enum("public", "mood", values)])
    pg_push(pg_url, schema(["a", "b"]))
    pg_sql(pg_url, "INSERT INTO users VALUES (1, 'b', '{a,b}')")
    changes = pg_push(pg_url, schema(["z", "a", "c", "b", "d"]))
    assert [c.kind for c in changes] == ["add_enum_value"] * 3
    assert pg_sql(pg_url, "SELECT enum_range(NULL::mood)::text") == [("{z,a,c,b,d}",)]
    changes = pg_push(pg_url, schema(["b", "a", "d"]))
    assert [c.kind for c in changes] == ["recreate_enum"] and changes[0].data_loss
    assert pg_sql(pg_url, "SELECT mood::text, moods::text FROM users") == [("b", "{a,b}")]


def test_pg_removing_the_enum_value_a_default_names(pg_url: str) -> None:
    def schema(values: list[str], default: str) -> Schema:
        return pg(users(col("mood", "public.mood", default=default)), enums=[Enum("public", "mood", values)])
    pg_push(pg_url, schema(["a", "b"], "'a'"))
    pg_push(pg_url, schema(["a", "b", "c"], "'c'"))
    # back: 'c' goes, and the old default 'c' must not be set again on the new type
    changes = pg_push(pg_url, schema(["a", "b"], "'b'"))
    assert [c.kind for c in changes] == ["recreate_enum", "alter_column"]
    assert pg_sql(pg_url, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef") == [("'b'::mood",)]


def test_pg_serial_identity_sequences_schemas_comments(pg_url: str) -> None:
    a = pg(users(col("n", "integer", False), col("m", "bigint", False)))
    pg_push(pg_url, a)
    pg_sql(pg_url, "INSERT INTO users VALUES (5, 1, 1)")
    b = pg(
        users(col("n", "integer", False, default="nextval('public.users_n_seq'::regclass)"),
              col("m", "bigint", False, identity=Identity(always=True)),
              col("o", "bigint", False, default="nextval('public.users_o_seq'::regclass)"),
              comment="people"),
        Table("s 2", "t", [col("x", "integer", comment="it's x")]),
        namespaces=[Namespace("s 2", comment="second")],
        sequences=[Sequence("s 2", "counter", start=10, increment=5)],
        extensions=[Extension("citext")],
    )
    pg_push(pg_url, b)
    pg_sql(pg_url, "INSERT INTO users (id) VALUES (6)")
    assert pg_sql(pg_url, "SELECT n, m FROM users WHERE id = 6") == [(2, 2)]
    c = pg(users(col("n", "integer", False), col("m", "bigint", False, identity=Identity(True, increment=2))),
           Table("s 2", "t", [col("x", "integer")]),
           namespaces=[Namespace("s 2")], sequences=[Sequence("s 2", "counter", start=10, increment=7)])
    pg_push(pg_url, c)


def test_pg_renames_keep_data_and_hostile_names(pg_url: str) -> None:
    weird = Table("My Schema", 'a"b', [col("Select", "integer", False), col("ünï", "text")],
                  primary_key=PrimaryKey(None, ["Select"]), indexes=[Index(None, ["ünï"])])
    a = pg(users(col("name", "text")), weird, namespaces=[Namespace("My Schema")])
    pg_push(pg_url, a)
    pg_sql(pg_url, """INSERT INTO users VALUES (1, 'ann'); INSERT INTO "My Schema"."a""b" VALUES (1, 'u')""")
    people = Table("public", "people", [col("id", "integer", False), col("full_name", "text")],
                   primary_key=PrimaryKey(None, ["id"]))
    weird_b = Table("My Schema", 'a"b', [col("Select", "integer", False), col("ÜNÏ", "text", renamed_from="ünï")],
                    primary_key=PrimaryKey(None, ["Select"]), indexes=[Index(None, ['"ÜNÏ"'])])
    renames = Renames({("public", "users"): "people"}, {("public", "people", "name"): "full_name"})
    changes = pg_push(pg_url, pg(people, weird_b, namespaces=[Namespace("My Schema")]), renames)
    # the keys and indexes the file leaves unnamed take the names PostgreSQL gives them under
    # the new names (people_pkey, ...), as a database made from the file has them
    assert [c.kind for c in changes if c.kind.startswith("rename")] == [
        "rename_table", "rename_column", "rename_column", "rename_constraint", "rename_index"]
    assert {c.name for c in changes if c.kind in ("rename_constraint", "rename_index")} == {"people_pkey", 'a"b_ÜNÏ_idx'}
    assert pg_sql(pg_url, "SELECT full_name FROM people") == [("ann",)]
    assert pg_sql(pg_url, 'SELECT "ÜNÏ" FROM "My Schema"."a""b"') == [("u",)]


def test_pg_generated_columns(pg_url: str) -> None:
    a = pg(users(col("a", "integer"), col("b", "integer")))
    pg_push(pg_url, a)
    pg_sql(pg_url, "INSERT INTO users VALUES (1, 2, 3)")
    pg_push(pg_url, pg(users(col("a", "integer"), col("b", "integer", generated="a * 2"),
                             col("c", "integer", generated="a + 1"))))
    assert pg_sql(pg_url, "SELECT b, c FROM users") == [(4, 3)]
    pg_push(pg_url, pg(users(col("a", "integer"), col("b", "integer"), col("c", "integer", generated="a + 10"))))
    assert pg_sql(pg_url, "SELECT b, c FROM users") == [(4, 12)]


# --- SQLite -------------------------------------------------------------------------------


def lite(*tables: Table) -> Schema:
    return Schema("sqlite", tables=list(tables))


def lite_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def lite_apply(conn: sqlite3.Connection, statements: list[Statement]) -> None:
    fk_off = any(s.needs_foreign_keys_off for s in statements)
    if fk_off:
        conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    try:
        for s in statements:
            conn.execute(s.sql)
        if fk_off:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def lite_push(conn: sqlite3.Connection, desired: Schema, renames: Renames = NO_RENAMES,
              check: Callable[[list[Statement]], None] | None = None) -> list[Change]:
    want = normalize_schema(desired)
    have = normalize_schema(introspect_sqlite(conn))
    changes = diff(have, want, renames)
    statements = dialects.get(want.dialect).render(changes, have, want)
    if check:
        check(statements)
    lite_apply(conn, statements)
    left = diff(normalize_schema(introspect_sqlite(conn)), want)
    assert left == [], [c.description for c in left]
    return changes


def main(name: str, columns: list[Column], **kw: object) -> Table:
    return Table("main", name, columns, **kw)  # type: ignore[arg-type]


PARENT = main("parent", [col("id", "INTEGER", False), col("name", "TEXT")], primary_key=PrimaryKey(None, ["id"]))
CHILD = main("child", [col("id", "INTEGER", False), col("parent_id", "INTEGER"), col("v", "TEXT")],
             primary_key=PrimaryKey(None, ["id"]),
             foreign_keys=[ForeignKey(None, ["parent_id"], "main", "parent", ["id"], on_delete="CASCADE")],
             indexes=[Index("child_parent_idx", ["parent_id"])])


def test_sqlite_rebuild_keeps_rows_and_cascading_children(sqlite_path: Path) -> None:
    conn = lite_connect(sqlite_path)
    lite_push(conn, lite(PARENT, CHILD))
    conn.execute("INSERT INTO parent VALUES (1, 'a'), (2, NULL)")
    conn.execute("INSERT INTO child VALUES (10, 1, 'x'), (11, 2, 'y')")
    parent_b = main("parent", [col("id", "INTEGER", False), col("name", "TEXT", False, default="'none'"),
                               col("kind", "TEXT", False, default="'k'")],
                    primary_key=PrimaryKey(None, ["id"]), checks=[Check(None, "length(name) > 0")])

    def rebuilds(statements: list[Statement]) -> None:
        assert any("_schemalens_old_parent" in s.sql for s in statements)
        assert all(s.needs_foreign_keys_off for s in statements)

    lite_push(conn, lite(parent_b, CHILD), check=rebuilds)
    assert conn.execute("SELECT id, name, kind FROM parent ORDER BY id").fetchall() == [(1, "a", "k"), (2, "none", "k")]
    assert conn.execute("SELECT id, parent_id FROM child ORDER BY id").fetchall() == [(10, 1), (11, 2)]
    # the child itself rebuilt: its index comes back
    child_b = main("child", [col("id", "INTEGER", False), col("parent_id", "INTEGER", False), col("v", "TEXT")],
                   primary_key=PrimaryKey(None, ["id"]), foreign_keys=CHILD.foreign_keys, indexes=CHILD.indexes)
    lite_push(conn, lite(parent_b, child_b))
    assert conn.execute("SELECT count(*) FROM child").fetchone() == (2,)


def test_sqlite_in_place_alters(sqlite_path: Path) -> None:
    conn = lite_connect(sqlite_path)
    lite_push(conn, lite(PARENT, CHILD))
    conn.execute("INSERT INTO parent VALUES (1, 'a')")
    conn.execute("INSERT INTO child VALUES (10, 1, 'x')")
    parent_b = main("people", [col("id", "INTEGER", False), col("full name", "TEXT", renamed_from="name"),
                               col("age", "INTEGER", default="0")],
                    primary_key=PrimaryKey(None, ["id"]), renamed_from="parent")
    child_b = main("child", [col("id", "INTEGER", False), col("parent_id", "INTEGER")],
                   primary_key=PrimaryKey(None, ["id"]),
                   foreign_keys=[ForeignKey(None, ["parent_id"], "main", "people", ["id"], on_delete="CASCADE")],
                   indexes=[Index("child_parent_idx", ["parent_id"]), Index(None, ["id"], unique=True, where="id > 5")])

    def in_place(statements: list[Statement]) -> None:
        assert not any(s.needs_foreign_keys_off for s in statements), [s.sql for s in statements]

    lite_push(conn, lite(parent_b, child_b), check=in_place)
    assert conn.execute('SELECT id, "full name", age FROM people').fetchall() == [(1, "a", 0)]
    assert conn.execute("SELECT * FROM child").fetchall() == [(10, 1)]


def test_sqlite_unique_and_type_change_rebuild(sqlite_path: Path) -> None:
    conn = lite_connect(sqlite_path)
    t = main("t", [col("id", "INTEGER", False), col("code", "TEXT"), col('we"ird', "TEXT")],
             primary_key=PrimaryKey(None, ["id"]), autoincrement=True)
    lite_push(conn, lite(t))
    conn.execute("""INSERT INTO t VALUES (1, '7', 'w')""")
    t_b = main("t", [col("id", "INTEGER", False), col("code", "INTEGER"), col('we"ird', "TEXT", False, default="''")],
               primary_key=PrimaryKey(None, ["id"]), autoincrement=True, uniques=[Unique(None, ["code"])])
    changes = lite_push(conn, lite(t_b))
    assert any(c.data_loss for c in changes if c.kind == "alter_column")
    assert conn.execute("SELECT * FROM t").fetchall() == [(1, 7, "w")]
    lite_push(conn, lite())


def test_pg_bit_and_empty_array_defaults_and_typed_check_constants(pg_url: str) -> None:
    """Canonical defaults and checks must render to SQL PostgreSQL accepts for the column:
    bit strings stay bit strings, an empty array is '{}', '5' stays a string for text."""
    t = users(col("mask", "bit(8)", default="x'1F'"), col("nibble", "bit(4)", default="B'1010'"),
              col("v", "varbit(5)", default="'101'"), col("ids", "int[]", default="ARRAY[]::int[]"),
              col("m", "text[][]", default="'{}'::text[]"), col("code", "text"), col("n", "integer"),
              checks=[Check(None, "code <> '5'"), Check(None, "n > '5'")])
    pg_push(pg_url, pg(users()))
    pg_push(pg_url, pg(t))
    pg_sql(pg_url, "INSERT INTO users (id) VALUES (1)")
    assert pg_sql(pg_url, "SELECT mask::text, nibble::text, v::text, ids, m FROM users") == [
        ("00011111", "1010", "101", [], [])]
    changed = users(col("mask", "bit(8)", default="B'00000001'"), col("nibble", "bit(4)", default="x'F'"),
                    col("v", "varbit(5)"), col("ids", "int[]", default="'{}'"), col("m", "text[][]"),
                    col("code", "text"), col("n", "integer"), checks=t.checks)
    changes = pg_push(pg_url, pg(changed))
    assert {c.name for c in changes} == {"mask", "nibble", "v", "m"}


def test_pg_timestamp_cast_in_a_zoned_column_default_is_kept(pg_url: str) -> None:
    t = users(col("joined", "timestamptz", False, default="'0001-01-01 00:00:00'::timestamp without time zone"),
              col("at", "timestamptz", default="'2001-01-01 00:00:00+00'"))
    pg_push(pg_url, pg(t))
    changes = pg_push(pg_url, pg(users(col("joined", "timestamptz", False, default="'0001-01-01 00:00:00+00'"),
                                       col("at", "timestamptz", default="'2001-01-01 00:00:00+00'"))))
    assert [c.name for c in changes] == ["joined"]


def test_pg_sequence_bounds_move_past_the_current_value(pg_url: str) -> None:
    def schema(volt: Identity, seq: Sequence) -> Schema:
        return pg(Table("public", "v", [col("id", "integer"), col("volt", "integer", False, identity=volt)]),
                  sequences=[seq])

    pg_push(pg_url, schema(Identity(increment=10, min_value=-200, max_value=200),
                           Sequence("public", "s", max_value=1000)))
    pg_sql(pg_url, "INSERT INTO v (id) SELECT g FROM generate_series(1, 12) g")  # volt -200 .. -90
    pg_sql(pg_url, "SELECT setval('s', 500)")
    pg_push(pg_url, schema(Identity(increment=5, min_value=-100, max_value=100),
                           Sequence("public", "s", max_value=100)))
    pg_sql(pg_url, "INSERT INTO v (id) VALUES (13)")
    # -90 lies inside the new range: the position is kept; 500 does not: s starts again at 1
    assert pg_sql(pg_url, "SELECT volt FROM v WHERE id = 13") == [(-85,)]
    assert pg_sql(pg_url, "SELECT nextval('s')") == [(1,)]


def test_pg_replacing_a_key_that_foreign_keys_use(pg_url: str) -> None:
    org = Table("public", "org", [col("id", "integer", False), col("code", "text", False)],
                primary_key=PrimaryKey(None, ["id"]), uniques=[Unique("org_code_key", ["code"])])
    member = Table("public", "member", [col("org_id", "integer"), col("org_code", "text")],
                   foreign_keys=[ForeignKey(None, ["org_id"], "public", "org", ["id"]),
                                 ForeignKey(None, ["org_code"], "public", "org", ["code"])])
    tagging = Table("public", "tagging", [col("org_id", "integer")],
                    foreign_keys=[ForeignKey(None, ["org_id"], "public", "org", ["id"])])
    pg_push(pg_url, pg(org, member, tagging))
    pg_sql(pg_url, "INSERT INTO org VALUES (1, 'a'); INSERT INTO member VALUES (1, 'a')")
    org_b = Table("public", "org", org.columns, primary_key=PrimaryKey("org_pk", ["id"]),
                  indexes=[Index("org_code_idx", ["code"], unique=True)])
    audit = Table("public", "audit", [col("org_id", "integer")],
                  foreign_keys=[ForeignKey(None, ["org_id"], "public", "org", ["id"])])
    changes = pg_push(pg_url, pg(org_b, member, audit))
    # the key only changes its name (renamed: the FKs that use it stay); the FK on code goes
    # with the unique constraint and comes back on the unique index (the new table's FK is
    # in its CREATE TABLE)
    kinds = [c.kind for c in changes]
    assert kinds.count("rename_constraint") == 1 and kinds.count("add_constraint") == 1, kinds
    assert pg_sql(pg_url, "SELECT * FROM member") == [(1, "a")]
    pg_push(pg_url, pg(org, member))  # and back: the unique index goes, the constraint returns


def test_pg_extension_schema_namespace_drop_and_checks_through_a_rename(pg_url: str) -> None:
    a = pg(Table("old", "t", [col("x", "integer")]),
           users(col("qty", "integer"), checks=[Check("users_qty_check", "qty > 0")],
                 indexes=[Index("users_qty_idx", ["qty"], where="qty > 10")]),
           namespaces=[Namespace("old"), Namespace("ext")], extensions=[Extension("citext")])
    pg_push(pg_url, a)
    b = pg(users(col("amount", "integer", renamed_from="qty"), checks=[Check("users_qty_check", "amount > 0")],
                 indexes=[Index("users_qty_idx", ["amount"], where="amount > 10")]),
           namespaces=[Namespace("ext")], extensions=[Extension("citext", "ext")])
    schemas = ["public", "old", "ext"]
    want = normalize_schema(b)
    have = pg_read(pg_url, schemas)
    changes = diff(have, want)
    assert [c.kind for c in changes] == ["alter_extension", "rename_column", "drop_table", "drop_schema"]
    assert changes[-1].data_loss  # old still holds t when the change is planned
    pg_apply(pg_url, dialects.get(want.dialect).render(changes, have, want))
    assert diff(pg_read(pg_url, schemas), want) == []
    assert pg_sql(pg_url, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                          "WHERE extname = 'citext'") == [("ext",)]
    assert pg_sql(pg_url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'old'") == [(0,)]


def test_sqlite_table_options_and_checks_through_a_rename(sqlite_path: Path) -> None:
    conn = lite_connect(sqlite_path)
    t = main("t", [col("id", "INTEGER", False), col("qty", "INTEGER")], primary_key=PrimaryKey(None, ["id"]),
             checks=[Check(None, "qty > 0")])
    lite_push(conn, lite(t))
    conn.execute("INSERT INTO t VALUES (1, 5)")
    strict = main("t", [col("id", "INTEGER", False), col("qty", "INTEGER")], primary_key=PrimaryKey(None, ["id"]),
                  checks=[Check(None, "qty > 0")], strict=True, autoincrement=True)
    changes = lite_push(conn, lite(strict))
    assert [c.kind for c in changes] == ["alter_table"]
    assert conn.execute("SELECT * FROM t").fetchall() == [(1, 5)]
    assert "STRICT" in conn.execute("SELECT sql FROM sqlite_schema WHERE name = 't'").fetchone()[0]
    rowid = main("t", [col("id", "INTEGER", False), col("n", "INTEGER", renamed_from="qty")],
                 primary_key=PrimaryKey(None, ["id"]), checks=[Check(None, "n > 0")], without_rowid=True)
    changes = lite_push(conn, lite(rowid))
    assert sorted(c.kind for c in changes) == ["alter_table", "rename_column"]
    assert conn.execute("SELECT * FROM t").fetchall() == [(1, 5)]
