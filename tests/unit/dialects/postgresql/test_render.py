"""PostgreSQL rendering of each change kind (pure; tests/db/test_render_roundtrip.py runs them)."""

from __future__ import annotations

import pytest

from schemalens import dialects
from schemalens.changes import Renames, RenderError
from schemalens.diff import diff
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
from tests.schemas import table as t

PG = dialects.get("postgresql")


def sql(a: Schema, b: Schema, renames: Renames = Renames({}, {})) -> list[str]:
    return [s.sql for s in PG.render(diff(a, b, renames), a, b)]




def test_create_table_with_inline_constraints_and_serial() -> None:
    table = Table("app", "Order", [
        Column("id", "bigint", False, default="nextval('app.\"Order_id_seq\"'::regclass)"),
        Column("n", "integer", False, identity=Identity(always=True, start=10, increment=5)),
        Column("g", "integer", generated="n * 2"),
        Column("c", "text", collation='"C"', default="'x'"),
        Column("customer", "integer"),
    ], primary_key=PrimaryKey("order_pk", ["id"]), uniques=[Unique(None, ["c"], nulls_not_distinct=True)],
        checks=[Check(None, "n > 0", no_inherit=True)],
        foreign_keys=[ForeignKey(None, ["customer"], "app", "customer", ["id"], on_delete="CASCADE",
                                 match="FULL", deferrable=True, initially_deferred=True)])
    customer = Table("app", "customer", [Column("id", "integer", False)], primary_key=PrimaryKey(None, ["id"]))
    out = sql(pg(), pg(table, customer, namespaces=[Namespace("app")]))
    assert out[0] == "CREATE SCHEMA app"
    assert out[1].startswith("CREATE TABLE app.customer")
    assert out[2] == (
        'CREATE TABLE app."Order" (\n'
        "    id bigserial NOT NULL,\n"
        "    n integer GENERATED ALWAYS AS IDENTITY (INCREMENT BY 5 START WITH 10) NOT NULL,\n"
        "    g integer GENERATED ALWAYS AS (n * 2) STORED,\n"
        "    c text COLLATE \"C\" DEFAULT 'x',\n"
        "    customer integer,\n"
        "    CONSTRAINT order_pk PRIMARY KEY (id),\n"
        "    UNIQUE NULLS NOT DISTINCT (c),\n"
        "    CHECK (n > 0) NO INHERIT,\n"
        "    FOREIGN KEY (customer) REFERENCES app.customer (id) MATCH FULL ON DELETE CASCADE "
        "DEFERRABLE INITIALLY DEFERRED\n)")


def test_cycle_foreign_key_added_after_both_tables_without_validation() -> None:
    a = t("a", Column("id", "integer", False), Column("b", "integer"), primary_key=PrimaryKey(None, ["id"]),
          foreign_keys=[ForeignKey(None, ["b"], "public", "b", ["id"])])
    b = t("b", Column("id", "integer", False), Column("a", "integer"), primary_key=PrimaryKey(None, ["id"]),
          foreign_keys=[ForeignKey(None, ["a"], "public", "a", ["id"])])
    out = sql(pg(), pg(a, b))
    assert "FOREIGN KEY" not in out[0] and "REFERENCES public.a" in out[1]
    assert out[2] == "ALTER TABLE public.a ADD FOREIGN KEY (b) REFERENCES public.b (id)"


def test_constraints_on_existing_tables_are_validated_separately() -> None:
    base = [Column("id", "integer", False), Column("o", "integer")]
    a = pg(t("t", *base))
    b = pg(t("t", *base, checks=[Check(None, "o > 0")], uniques=[Unique(None, ["o"])],
             foreign_keys=[ForeignKey("t_o_fk", ["o"], "public", "t", ["id"])], primary_key=PrimaryKey(None, ["id"])))
    statements = PG.render(diff(a, b), a, b)
    assert [(s.sql, s.after_commit) for s in statements] == [
        ("ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)", False),
        ("ALTER TABLE public.t ADD CONSTRAINT t_o_key UNIQUE (o)", False),
        ("ALTER TABLE public.t ADD CONSTRAINT t_o_check CHECK (o > 0) NOT VALID", False),
        ("ALTER TABLE public.t ADD CONSTRAINT t_o_fk FOREIGN KEY (o) REFERENCES public.t (id) NOT VALID", False),
        # after the batch commits, each in a transaction of its own: the ADDs' locks are gone
        ("ALTER TABLE public.t VALIDATE CONSTRAINT t_o_check", True),
        ("ALTER TABLE public.t VALIDATE CONSTRAINT t_o_fk", True),
    ]
    assert all(s.transactional for s in statements)
    with pytest.raises(RenderError):
        sql(b, a)  # unnamed constraints in `actual` cannot be dropped by name


def test_indexes() -> None:
    cols = [Column("id", "integer", False), Column("Email", "text")]
    b = pg(t("t", *cols, indexes=[
        Index(None, ["lower(\"Email\")"], unique=True, where="id > 0", include=["id"], nulls_not_distinct=True),
        Index("t_gin", ["\"Email\" gin_trgm_ops"], method="gin")]))
    assert sql(pg(t("t", *cols)), b) == [
        'CREATE UNIQUE INDEX ON public.t USING btree (lower("Email")) INCLUDE (id) NULLS NOT DISTINCT WHERE id > 0',
        'CREATE INDEX t_gin ON public.t USING gin ("Email" gin_trgm_ops)']
    a = pg(t("t", *cols, indexes=[Index("Idx", ["id"])]))
    assert sql(a, pg(t("t", *cols))) == ['DROP INDEX public."Idx"']


def test_online_builds_indexes_on_existing_tables_concurrently_after_the_commit() -> None:
    cols = [Column("id", "integer", False), Column("e", "text")]
    a = pg(t("t", *cols))
    b = pg(t("t", *cols, indexes=[Index("t_e", ["e"])]), t("n", *cols, indexes=[Index("n_e", ["e"])]))
    statements = PG.render(diff(a, b), a, b, online=True)
    assert [(s.sql.split(" (")[0], s.transactional, s.after_commit) for s in statements] == [
        ("CREATE TABLE public.n", True, False),
        ("CREATE INDEX n_e ON public.n USING btree", True, False),  # a new table has no rows to wait for
        ("CREATE INDEX CONCURRENTLY t_e ON public.t USING btree", False, True),
    ]
    assert "CREATE INDEX t_e ON public.t USING btree (e)" in sql(a, b)  # not online: in the batch


def test_online_names_an_unnamed_index_so_it_runs_outside_the_transaction() -> None:
    cols = [Column("id", "integer", False), Column("e", "text")]
    a = pg(t("t", *cols))
    b = pg(t("t", *cols, indexes=[Index(None, ["e"])]))
    [statement] = PG.render(diff(a, b), a, b, online=True)
    assert statement.sql == "CREATE INDEX CONCURRENTLY t_e_idx ON public.t USING btree (e)"
    assert (statement.transactional, statement.after_commit) == (False, True)


def test_online_keeps_a_unique_index_a_new_foreign_key_references_in_the_batch() -> None:
    cols = [Column("id", "integer", False), Column("e", "text")]
    a = pg(t("t", *cols), t("r", Column("e", "text")))
    b = pg(t("t", *cols, indexes=[Index("t_e", ["e"], unique=True)]),
           t("r", Column("e", "text"), foreign_keys=[ForeignKey("r_e_fk", ["e"], "public", "t", ["e"])]))
    out = [s.sql for s in PG.render(diff(a, b), a, b, online=True)]
    assert out[0] == "CREATE UNIQUE INDEX t_e ON public.t USING btree (e)"
    assert out[-1] == "ALTER TABLE public.r VALIDATE CONSTRAINT r_e_fk"


def test_a_not_valid_constraint_is_validated_not_dropped_and_added() -> None:
    cols = [Column("id", "integer", False), Column("o", "integer")]
    want = pg(t("t", *cols, checks=[Check("t_o", "o > 0")]))
    pending = pg(t("t", *cols, checks=[Check("t_o", "o > 0", valid=False)]))
    changes = diff(pending, want)
    assert [c.kind for c in changes] == ["validate_constraint"]
    assert "SHARE UPDATE EXCLUSIVE" in (changes[0].lock or "")
    assert sql(pending, want) == ["ALTER TABLE public.t VALIDATE CONSTRAINT t_o"]
    assert sql(want, pending) == []  # the file says NOT VALID; a validated constraint satisfies it


def test_not_valid_in_the_file_is_added_not_valid_and_never_validated() -> None:
    cols = [Column("id", "integer", False), Column("o", "integer")]
    fk = ForeignKey("t_id_fk", ["id"], "public", "t", ["id"], valid=False)
    b = pg(t("t", *cols, primary_key=PrimaryKey(None, ["id"]), checks=[Check("t_o", "o > 0", valid=False)],
             foreign_keys=[fk]))
    out = sql(pg(), b)
    assert out[0] == "CREATE TABLE public.t (\n    id integer NOT NULL,\n    o integer,\n    PRIMARY KEY (id)\n)"
    assert out[1:] == ["ALTER TABLE public.t ADD CONSTRAINT t_o CHECK (o > 0) NOT VALID",
                       "ALTER TABLE public.t ADD CONSTRAINT t_id_fk FOREIGN KEY (id) REFERENCES public.t (id) NOT VALID"]
    assert sql(pg(t("t", *cols, primary_key=PrimaryKey(None, ["id"]))), b) == out[1:]


def test_an_invalid_index_is_dropped_and_built_again() -> None:
    cols = [Column("id", "integer", False), Column("e", "text")]
    a = pg(t("t", *cols, indexes=[Index("t_e", ["e"], valid=False)]))
    b = pg(t("t", *cols, indexes=[Index("t_e", ["e"])]))
    changes = diff(a, b)
    assert [c.kind for c in changes] == ["drop_index", "create_index"]
    assert "INVALID" in changes[0].description
    assert [s.sql for s in PG.render(changes, a, b, online=True)] == [
        "DROP INDEX public.t_e", "CREATE INDEX CONCURRENTLY t_e ON public.t USING btree (e)"]


def test_a_failed_after_commit_statement_says_what_it_left() -> None:
    assert "stays NOT VALID" in PG.left_by_failure("ALTER TABLE public.t VALIDATE CONSTRAINT t_o")
    assert "INVALID" in PG.left_by_failure("CREATE INDEX CONCURRENTLY t_e ON public.t USING btree (e)")
    assert PG.left_by_failure("ALTER TABLE public.t ADD COLUMN c int") is None


def test_alter_column_statements() -> None:
    a = pg(t("t", Column("c", "text", default="'1'::text"), Column("v", "character varying(5)", False)))
    b = pg(t("t", Column("c", "integer", False, default="2"), Column("v", "character varying(9)")))
    assert sql(a, b) == [
        "ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT",
        "ALTER TABLE public.t ALTER COLUMN c TYPE integer USING c::integer",
        "ALTER TABLE public.t ALTER COLUMN c SET NOT NULL",
        "ALTER TABLE public.t ALTER COLUMN c SET DEFAULT 2",
        "ALTER TABLE public.t ALTER COLUMN v TYPE character varying(9)",
        "ALTER TABLE public.t ALTER COLUMN v DROP NOT NULL",
    ]


def test_serial_and_identity_on_existing_columns() -> None:
    a = pg(t("t", Column("id", "integer", False), Column("n", "bigint", False, identity=Identity())))
    b = pg(t("t", Column("id", "integer", False, default="nextval('public.t_id_seq'::regclass)"),
             Column("n", "bigint", False, identity=Identity(always=True, increment=2, cycle=True))))
    assert sql(a, b) == [
        "CREATE SEQUENCE public.t_id_seq AS integer",
        "ALTER TABLE public.t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass)",
        "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id",
        "SELECT setval('public.t_id_seq', COALESCE(MAX(id), 0) + 1, false) FROM public.t",
        "ALTER TABLE public.t ALTER COLUMN n SET GENERATED ALWAYS SET INCREMENT BY 2 SET CYCLE",
    ]
    back = sql(b, a)
    assert back == [
        "ALTER TABLE public.t ALTER COLUMN id DROP DEFAULT",
        "DROP SEQUENCE IF EXISTS public.t_id_seq",
        "ALTER TABLE public.t ALTER COLUMN n SET GENERATED BY DEFAULT SET INCREMENT BY 1 SET NO CYCLE",
    ]
    c = pg(t("t", Column("id", "integer", False, identity=Identity()), Column("n", "bigint", False)))
    assert sql(a, c)[:2] == [
        "ALTER TABLE public.t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY",
        "SELECT setval(pg_get_serial_sequence('public.t', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM public.t"]
    assert sql(a, c)[2] == "ALTER TABLE public.t ALTER COLUMN n DROP IDENTITY"


def test_add_column_as_serial() -> None:
    a = pg(t("t", Column("x", "text")))
    b = pg(t("t", Column("x", "text"), Column("id", "smallint", False, default="nextval('public.t_id_seq'::regclass)")))
    assert sql(a, b) == ["ALTER TABLE public.t ADD COLUMN id smallserial NOT NULL"]


def test_enums() -> None:
    a = pg(t("t", Column("m", "public.mood", default="'a'::public.mood")), enums=[Enum("public", "mood", ["a", "b"])])
    b = pg(t("t", Column("m", "public.mood", default="'a'::public.mood")),
           enums=[Enum("public", "mood", ["z", "a", "it's", "b"])])
    statements = PG.render(diff(a, b), a, b)
    assert [(s.sql, s.transactional) for s in statements] == [
        ("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'z' BEFORE 'a'", False),
        ("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'it''s' AFTER 'a'", False)]
    c = pg(t("t", Column("m", "public.mood", default="'a'::public.mood")), enums=[Enum("public", "mood", ["b", "a"])])
    assert sql(a, c) == [
        "ALTER TYPE public.mood RENAME TO mood_schemalens_old",
        "CREATE TYPE public.mood AS ENUM ('b', 'a')",
        "ALTER TABLE public.t ALTER COLUMN m DROP DEFAULT",
        "ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood",
        "ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'a'::public.mood",
        "DROP TYPE public.mood_schemalens_old",
    ]
    assert sql(c, pg()) == ["DROP TABLE public.t", "DROP TYPE public.mood"]


def test_sequences_extensions_comments_renames() -> None:
    a = pg(t("users", Column("name", "text")), sequences=[Sequence("public", "old")])
    b = pg(t("people", Column("full_name", "text", comment="it's"), comment=None),
           sequences=[Sequence("public", "s", data_type="integer", start=5, cycle=True,
                               owned_by=("public", "people", "full_name"))],
           extensions=[Extension("citext", schema="public")])
    renames = Renames({("public", "users"): "people"}, {("public", "people", "name"): "full_name"})
    assert sql(a, b, renames) == [
        "CREATE EXTENSION IF NOT EXISTS citext SCHEMA public",
        "CREATE SEQUENCE public.s AS integer START WITH 5 CYCLE",
        "ALTER TABLE public.users RENAME TO people",
        "ALTER TABLE public.people RENAME COLUMN name TO full_name",
        "ALTER SEQUENCE public.s OWNED BY public.people.full_name",
        "COMMENT ON COLUMN public.people.full_name IS 'it''s'",
        "DROP SEQUENCE IF EXISTS public.old",
    ]
    c = pg(t("people", Column("full_name", "text")), sequences=[Sequence("public", "s", increment=3, max_value=9)])
    assert sql(b, c) == [
        # the new MAXVALUE may leave out the current value: widen, move into range, narrow
        "ALTER SEQUENCE public.s AS bigint INCREMENT BY 3 START WITH 1 NO CYCLE OWNED BY NONE "
        "MINVALUE 1 MAXVALUE 2147483647",
        "SELECT setval(s, CASE WHEN v BETWEEN 1 AND 9 THEN v ELSE 1 END, v IS NOT NULL AND v BETWEEN 1 AND 9) "
        "FROM (SELECT s, pg_sequence_last_value(s) AS v FROM (SELECT 'public.s'::regclass AS s) AS named) AS seq",
        "ALTER SEQUENCE public.s MINVALUE 1 MAXVALUE 9",
        "COMMENT ON COLUMN public.people.full_name IS NULL",
    ]  # citext is no longer in the file: extensions are never dropped


def test_generated_expression_change_recreates_column() -> None:
    a = pg(t("t", Column("a", "integer"), Column("g", "integer", generated="a")))
    b = pg(t("t", Column("a", "integer"), Column("g", "integer", generated="a + 1")))
    assert sql(a, b) == ["ALTER TABLE public.t DROP COLUMN g",
                         "ALTER TABLE public.t ADD COLUMN g integer GENERATED ALWAYS AS (a + 1) STORED"]
    c = pg(t("t", Column("a", "integer"), Column("g", "integer")))
    assert sql(a, c) == ["ALTER TABLE public.t ALTER COLUMN g DROP EXPRESSION"]


def test_statements_carry_their_change_ids() -> None:
    a = pg(t("t", Column("c", "text")))
    b = pg(t("t", Column("c", "text"), checks=[Check("c_ok", "c <> ''")]))
    statements = PG.render(diff(a, b), a, b)
    assert {s.change_ids for s in statements} == {("add_constraint:public.t.c_ok",)}


def test_enum_to_enum_type_change_goes_through_text() -> None:
    a = pg(t("t", Column("s", "public.old")), enums=[Enum("public", "old", ["a"]), Enum("public", "new", ["a"])])
    b = pg(t("t", Column("s", "public.new")), enums=[Enum("public", "old", ["a"]), Enum("public", "new", ["a"])])
    assert sql(a, b) == ["ALTER TABLE public.t ALTER COLUMN s TYPE public.new USING s::text::public.new"]


def test_identity_bounds_that_may_leave_out_the_current_value() -> None:
    def voltages(**options: int) -> Schema:
        return pg(t("v", Column("volt", "integer", False, identity=Identity(**options))))

    a = voltages(start=-200, increment=10, min_value=-200, max_value=200)
    b = voltages(start=-100, increment=5, min_value=-100, max_value=100)
    seq = "pg_get_serial_sequence('public.v', 'volt')::regclass"
    assert sql(a, b) == [
        "ALTER TABLE public.v ALTER COLUMN volt SET INCREMENT BY 5 SET START WITH -100 "
        "SET MINVALUE -200 SET MAXVALUE 200",
        "SELECT setval(s, CASE WHEN v BETWEEN -100 AND 100 THEN v ELSE -100 END, "
        "v IS NOT NULL AND v BETWEEN -100 AND 100) "
        f"FROM (SELECT s, pg_sequence_last_value(s) AS v FROM (SELECT {seq} AS s) AS named) AS seq",
        "ALTER TABLE public.v ALTER COLUMN volt SET MINVALUE -100 SET MAXVALUE 100",
    ]
    # wider bounds keep every value: one statement
    assert sql(b, a) == ["ALTER TABLE public.v ALTER COLUMN volt SET INCREMENT BY 10 SET MINVALUE -200 "
                         "SET MAXVALUE 200 SET START WITH -200"]


def _props(**kw: object) -> Schema:
    return pg(t("t", Column("id", "integer", nullable=False), Column("a", "text"),
                primary_key=PrimaryKey("t_pk", ["id"], storage=kw.pop("pk_storage", {})),  # type: ignore[arg-type]
                indexes=[Index("t_a", ["a"], storage=kw.pop("index_storage", {}),  # type: ignore[arg-type]
                               comment=kw.pop("index_comment", None))], **kw))  # type: ignore[arg-type]


def test_a_new_table_is_written_with_its_properties() -> None:
    want = _props(unlogged=True, storage={"fillfactor": "70", "toast.autovacuum_enabled": "false"},
                  pk_storage={"fillfactor": "80"}, index_storage={"deduplicate_items": "on"},
                  index_comment="it's", replica_identity="index", replica_index="t_pk", row_security=True)
    assert sql(pg(), want) == [
        'CREATE UNLOGGED TABLE public.t (\n    id integer NOT NULL,\n    a text,\n'
        "    CONSTRAINT t_pk PRIMARY KEY (id) WITH (fillfactor='80')\n)"
        " WITH (fillfactor='70', toast.autovacuum_enabled='false')",
        "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY",
        "CREATE INDEX t_a ON public.t USING btree (a) WITH (deduplicate_items='on')",
        "COMMENT ON INDEX public.t_a IS 'it''s'",
        "ALTER TABLE public.t REPLICA IDENTITY USING INDEX t_pk",
    ]


def test_properties_change_in_place() -> None:
    have = _props(storage={"fillfactor": "70", "parallel_workers": "2"}, pk_storage={"fillfactor": "80"})
    want = _props(storage={"autovacuum_enabled": "off", "fillfactor": "70"}, unlogged=True,
                  index_comment="new", replica_identity="full", row_security=True, force_row_security=True)
    assert sql(have, want) == [
        "ALTER INDEX public.t_pk RESET (fillfactor)",
        "ALTER TABLE public.t RESET (parallel_workers), SET (autovacuum_enabled='off', fillfactor='70')",
        "ALTER TABLE public.t SET UNLOGGED",
        "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY",
        "COMMENT ON INDEX public.t_a IS 'new'",
        "ALTER TABLE public.t REPLICA IDENTITY FULL",
    ]
    assert sql(want, have)[-1] == "ALTER TABLE public.t REPLICA IDENTITY DEFAULT"


def test_column_statistics_are_set_after_create_table_and_changed_in_place() -> None:
    def stats(**kw: object) -> Schema:
        return pg(t("t", Column("a", "integer", statistics=kw.get("a")),  # type: ignore[arg-type]
                    Column("b", "text", statistics_options=kw.get("b", {}))))  # type: ignore[arg-type]
    want = stats(a=1000, b={"n_distinct": "-0.02", "n_distinct_inherited": "5"})
    assert sql(pg(), want) == [
        "CREATE TABLE public.t (\n    a integer,\n    b text\n)",
        "ALTER TABLE public.t ALTER COLUMN a SET STATISTICS 1000",
        "ALTER TABLE public.t ALTER COLUMN b SET (n_distinct='-0.02', n_distinct_inherited='5')",
    ]
    assert sql(want, stats(a=0, b={"n_distinct_inherited": "5"})) == [
        "ALTER TABLE public.t ALTER COLUMN a SET STATISTICS 0",
        "ALTER TABLE public.t ALTER COLUMN b RESET (n_distinct)",
    ]
    assert sql(want, stats(b={"n_distinct": "-1", "n_distinct_inherited": "5"})) == [
        "ALTER TABLE public.t ALTER COLUMN a SET STATISTICS -1",
        "ALTER TABLE public.t ALTER COLUMN b SET (n_distinct='-1', n_distinct_inherited='5')",
    ]
    assert sql(want, want) == []


def test_a_constraint_built_again_gets_its_comment_and_replica_identity_again() -> None:
    have = pg(t("t", Column("id", "integer", nullable=False), primary_key=PrimaryKey("t_pk", ["id"], comment="c"),
                replica_identity="index", replica_index="t_pk"))
    want = pg(t("t", Column("id", "integer", nullable=False), Column("b", "integer", nullable=False),
                primary_key=PrimaryKey("t_pk", ["id", "b"], comment="c"), replica_identity="index",
                replica_index="t_pk"))
    assert sql(have, want)[-3:] == [
        "ALTER TABLE public.t ADD CONSTRAINT t_pk PRIMARY KEY (id, b)",
        "COMMENT ON CONSTRAINT t_pk ON public.t IS 'c'",
        "ALTER TABLE public.t REPLICA IDENTITY USING INDEX t_pk",
    ]


def test_a_sequence_moved_to_a_narrower_type_and_the_other_direction() -> None:
    # the bounds move: widened under the old type, then the new type with both new bounds
    # as numbers (NO MINVALUE next to AS would mean smallint's minimum), so no empty ALTER
    # and no bigint bound left on a smallint sequence
    a = pg(sequences=[Sequence("public", "s", increment=-1)])
    b = pg(sequences=[Sequence("public", "s", data_type="smallint")])
    assert sql(a, b) == [
        "ALTER SEQUENCE public.s INCREMENT BY 1 START WITH 1 MINVALUE -9223372036854775808 MAXVALUE 32767",
        "SELECT setval(s, CASE WHEN v BETWEEN 1 AND 32767 THEN v ELSE 1 END, v IS NOT NULL AND v BETWEEN 1 AND 32767) "
        "FROM (SELECT s, pg_sequence_last_value(s) AS v FROM (SELECT 'public.s'::regclass AS s) AS named) AS seq",
        "ALTER SEQUENCE public.s AS smallint MINVALUE 1 MAXVALUE 32767",
    ]


def test_a_serial_whose_sequence_serial_would_not_name_is_written_out() -> None:
    column = Column("id", "integer", nullable=False, default="nextval('public.ids'::regclass)")
    assert sql(pg(), pg(t("t", column))) == [
        "CREATE SEQUENCE public.ids AS integer",
        'CREATE TABLE public.t (\n    id integer DEFAULT nextval(\'public.ids\'::regclass) NOT NULL\n)',
        "ALTER SEQUENCE public.ids OWNED BY public.t.id",
    ]
    own = Column("id", "integer", nullable=False, default="nextval('public.t_id_seq'::regclass)")
    assert sql(pg(), pg(t("t", own))) == ["CREATE TABLE public.t (\n    id serial NOT NULL\n)"]


def test_serial_to_bigserial_changes_the_sequence_type_too() -> None:
    def serial(type_: str) -> Column:
        return Column("id", type_, nullable=False, default="nextval('public.t_id_seq'::regclass)")

    assert sql(pg(t("t", serial("integer"))), pg(t("t", serial("bigint")))) == [
        "ALTER SEQUENCE public.t_id_seq AS bigint",
        "ALTER TABLE public.t ALTER COLUMN id TYPE bigint",
    ]


def test_expressions_are_written_as_the_file_wrote_them_not_as_compared() -> None:
    """Compared in canonical form, written in the file's: PostgreSQL keeps CURRENT_TIMESTAMP,
    '0'::bigint, NULL::character varying and AT TIME ZONE as they were written."""
    desired = normalize_schema(pg(t(
        "t",
        Column("a", "timestamp", default="CURRENT_TIMESTAMP"),
        Column("b", "varchar(5)", default="NULL"),
        Column("n", "bigint", default="'0'::bigint"),
        Column("g", "timestamptz", generated="a AT TIME ZONE 'utc'"),
        checks=[Check("c", "n = ANY (ARRAY[0])")],
        indexes=[Index("i", ["(a AT TIME ZONE 'utc')"], where="b::text = ANY (ARRAY['x'::varchar]::text[])")])))
    out = sql(pg(), desired)
    assert out[0] == (
        "CREATE TABLE public.t (\n"
        "    a timestamp without time zone DEFAULT CURRENT_TIMESTAMP,\n"
        "    b character varying(5) DEFAULT NULL,\n"
        "    n bigint DEFAULT '0'::bigint,\n"
        "    g timestamp with time zone GENERATED ALWAYS AS (a AT TIME ZONE 'utc') STORED,\n"
        "    CONSTRAINT c CHECK (n = ANY (ARRAY[0]))\n)")
    assert out[1] == ("CREATE INDEX i ON public.t USING btree ((a AT TIME ZONE 'utc')) "
                      "WHERE b::text = ANY (ARRAY['x'::varchar]::text[])")


def test_a_changed_default_is_set_as_written_and_an_equal_one_is_left_alone() -> None:
    actual = normalize_schema(pg(t("t", Column("n", "bigint", default="1"), Column("a", "timestamp", default="now()"))))
    desired = normalize_schema(pg(t("t", Column("n", "bigint", default="'0'::bigint"),
                                    Column("a", "timestamp", default="CURRENT_TIMESTAMP"))))
    assert sql(actual, desired) == ["ALTER TABLE public.t ALTER COLUMN n DROP DEFAULT",
                                    "ALTER TABLE public.t ALTER COLUMN n SET DEFAULT '0'::bigint"]
