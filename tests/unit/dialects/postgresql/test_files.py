"""PostgreSQL schema files -> Schema: statement kinds, problems at exact places, psql
input, unmanaged objects, renames, spans, serial naming, the corpus, and speed."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import pytest
from pglast import parse_sql
from pglast.parser import parse_sql_json
from pglast.stream import RawStream

from schemalens.model import Identity, Schema, Span, Table
from schemalens.sources import SourceResult
from schemalens.dialects.postgresql.files import parse_postgresql
from schemalens.dialects.postgresql.files.deparse import _fast, _to_ast
from tests.data import CORPUS as CORPUS_FOLDER

ROOT = Path(__file__).resolve().parents[4]
CORPUS = CORPUS_FOLDER / "sqldef-postgresql.jsonl"
OUT_OF_SCOPE = {"view", "materialized_view", "function", "procedure", "trigger", "policy",
                "row_level_security", "privilege", "grant", "ownership", "domain", "collation",
                "partition", "inheritance", "session_set", "exclusion_constraint", "unlogged"}


def parse(sql: str, path: str = "schema.sql") -> SourceResult:
    return parse_postgresql([(path, sql)])


def ok(sql: str) -> Schema:
    result = parse(sql)
    errors = [p for p in result.problems if p.severity != "info"]
    assert not errors, errors
    return result.schema


def table(schema: Schema, name: str, ns: str = "public") -> Table:
    found = schema.table(ns, name)
    assert found is not None, f"{ns}.{name} not in {[t.key for t in schema.tables]}"
    return found


def codes(result: SourceResult, severity: str | None = None) -> list[str]:
    return [p.code for p in result.problems if severity is None or p.severity == severity]


# --- CREATE TABLE ---------------------------------------------------------------------


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


def test_column_and_table_constraints() -> None:
    s = ok("""
        CREATE TABLE parent (id int PRIMARY KEY, a int, b int, UNIQUE (a, b));
        CREATE TABLE child (
          id bigint CONSTRAINT child_pk PRIMARY KEY,
          p int REFERENCES parent ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
          a int, b int,
          email text UNIQUE,
          n int CHECK (n > 0),
          CONSTRAINT fk_ab FOREIGN KEY (a, b) REFERENCES parent (a, b) MATCH FULL ON UPDATE SET NULL,
          CONSTRAINT u_ab UNIQUE NULLS NOT DISTINCT (a, b) DEFERRABLE INITIALLY DEFERRED,
          CONSTRAINT ck CHECK (a <> b) NO INHERIT
        );""")
    child = table(s, "child")
    assert child.primary_key is not None
    assert (child.primary_key.name, child.primary_key.columns) == ("child_pk", ["id"])
    assert not child.column("id").nullable
    fk_p, fk_ab = child.foreign_keys
    assert (fk_p.name, fk_p.columns, fk_p.ref_table, fk_p.ref_columns) == (None, ["p"], "parent", ["id"])
    assert (fk_p.on_delete, fk_p.deferrable, fk_p.initially_deferred) == ("CASCADE", True, True)
    assert (fk_ab.name, fk_ab.match, fk_ab.on_update, fk_ab.ref_columns) == ("fk_ab", "FULL", "SET NULL", ["a", "b"])
    email, u_ab = child.uniques
    assert (email.name, email.columns, email.nulls_not_distinct) == (None, ["email"], False)
    assert (u_ab.name, u_ab.nulls_not_distinct, u_ab.deferrable, u_ab.initially_deferred) == ("u_ab", True, True, True)
    n_check, ck = child.checks
    assert (n_check.name, n_check.expression, n_check.no_inherit) == (None, "n > 0", False)
    assert (ck.name, ck.expression, ck.no_inherit) == ("ck", "a <> b", True)


def test_generated_and_identity_columns() -> None:
    t = table(ok("""
        CREATE TABLE t (
          a int GENERATED ALWAYS AS IDENTITY,
          b bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5 CACHE 1),
          c smallint GENERATED ALWAYS AS IDENTITY (START WITH -1 INCREMENT BY -1 MAXVALUE -1 MINVALUE -32768),
          d int GENERATED ALWAYS AS (a * 2) STORED
        );"""), "t")
    a, b, c, d = t.columns
    assert a.identity == Identity(always=True) and not a.nullable
    assert b.identity == Identity(always=False, start=10, increment=5)
    assert c.identity == Identity(always=True, increment=-1)
    assert (d.generated, d.generated_stored, d.identity) == ("a * 2", True, None)


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


# --- indexes --------------------------------------------------------------------------


def test_index_with_every_option() -> None:
    t = table(ok("""
        CREATE TABLE t (a text, b text, c int);
        CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING btree
          (a text_pattern_ops DESC NULLS LAST, lower(b) COLLATE "C", (c + 1))
          INCLUDE (c) NULLS NOT DISTINCT WHERE c > 0;
        CREATE INDEX ON t USING gin (to_tsvector('english', a));
        CREATE INDEX IF NOT EXISTS i ON t (a);
        """), "t")
    i, gin = t.indexes
    assert (i.name, i.unique, i.method, i.nulls_not_distinct) == ("i", True, "btree", True)
    assert i.columns == ['a text_pattern_ops DESC NULLS LAST', 'lower(b) COLLATE "C"', "(c + 1)"]
    assert (i.include, i.where) == (["c"], "c > 0")
    assert (gin.name, gin.method, gin.columns) == (None, "gin", ["to_tsvector('english', a)"])


def test_unique_index_stays_an_index_and_using_index_makes_a_constraint() -> None:
    t = table(ok("""
        CREATE TABLE t (a int NOT NULL, b int);
        CREATE UNIQUE INDEX t_a ON t (a);
        CREATE UNIQUE INDEX t_b ON t (b);
        ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_a;
        """), "t")
    assert t.primary_key is not None and (t.primary_key.name, t.primary_key.columns) == ("t_pk", ["a"])
    assert [(i.name, i.unique) for i in t.indexes] == [("t_b", True)]


# --- types, sequences, extensions, schemas -------------------------------------------


def test_enums_values_renames_and_columns_follow_the_type() -> None:
    s = ok("""
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE t (m mood, ms mood[]);
        ALTER TYPE mood ADD VALUE 'happy';
        ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
        ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';
        ALTER TYPE mood ADD VALUE 'glad' AFTER 'ok';
        ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
        ALTER TYPE mood RENAME TO feeling;
        COMMENT ON TYPE feeling IS 'how it feels';
        """)
    (e,) = s.enums
    assert (e.schema, e.name, e.values, e.comment) == ("public", "feeling", ["blue", "meh", "ok", "glad", "happy"], "how it feels")
    assert [c.type for c in table(s, "t").columns] == ["public.feeling", "public.feeling[]"]


def test_enum_defined_after_use_still_resolves_and_is_qualified() -> None:
    s = ok('SET search_path = app; CREATE TABLE t (s status); CREATE TYPE "Status" AS ENUM (\'a\'); CREATE TYPE status AS ENUM (\'x\');')
    assert table(s, "t", "app").column("s").type == "app.status"
    assert {e.name for e in s.enums} == {"Status", "status"}


def test_sequences_options_and_owned_by() -> None:
    s = ok("""
        CREATE TABLE t (id int);
        CREATE SEQUENCE s1 AS integer START WITH -100 INCREMENT BY -1 MAXVALUE -1 NO CYCLE CACHE 1;
        CREATE SEQUENCE s2 START 5 MINVALUE 5 MAXVALUE 100 CACHE 10 CYCLE;
        CREATE SEQUENCE s3 INCREMENT 1 NO MINVALUE NO MAXVALUE;
        ALTER SEQUENCE s2 OWNED BY t.id;
        ALTER SEQUENCE s3 INCREMENT BY 3;
        """)
    s1, s2, s3 = s.sequences
    assert (s1.data_type, s1.start, s1.increment, s1.min_value, s1.max_value, s1.cache) == ("integer", -100, -1, None, None, None)
    assert (s2.start, s2.min_value, s2.max_value, s2.cache, s2.cycle, s2.owned_by) == (None, 5, 100, 10, True, ("public", "t", "id"))
    assert (s3.data_type, s3.increment, s3.min_value, s3.max_value) == ("bigint", 3, None, None)


def test_extensions_and_schemas() -> None:
    s = ok("""
        CREATE SCHEMA app; CREATE SCHEMA IF NOT EXISTS app; CREATE SCHEMA gone;
        CREATE EXTENSION IF NOT EXISTS citext SCHEMA app; CREATE EXTENSION pgcrypto; CREATE EXTENSION hstore;
        CREATE EXTENSION IF NOT EXISTS pgcrypto;
        DROP EXTENSION hstore; DROP SCHEMA gone; DROP SCHEMA IF EXISTS nothing;
        COMMENT ON SCHEMA app IS 'the app';
        CREATE TABLE app.u (e citext);
        """)
    assert [(n.name, n.comment) for n in s.namespaces] == [("app", "the app")]
    assert [(e.name, e.schema) for e in s.extensions] == [("citext", "app"), ("pgcrypto", None)]
    assert table(s, "u", "app").column("e").type == "citext"


# --- ALTER, RENAME, DROP, COMMENT -----------------------------------------------------


def test_alter_table_column_commands() -> None:
    t = table(ok("""
        CREATE TABLE t (a int, b text DEFAULT 'x', c int NOT NULL, d int, e int);
        ALTER TABLE ONLY t ADD COLUMN f int DEFAULT 1, ADD COLUMN IF NOT EXISTS a text;
        ALTER TABLE IF EXISTS t ALTER COLUMN a TYPE bigint USING a::bigint, ALTER COLUMN a SET NOT NULL;
        ALTER TABLE t ALTER COLUMN b DROP DEFAULT, ALTER COLUMN c DROP NOT NULL;
        ALTER TABLE t ALTER COLUMN d SET DEFAULT 42, DROP COLUMN e;
        ALTER TABLE t ALTER COLUMN d ADD GENERATED BY DEFAULT AS IDENTITY;
        ALTER TABLE t OWNER TO someone;
        ALTER TABLE IF EXISTS missing ADD COLUMN x int;
        """), "t")
    assert [(c.name, c.type, c.nullable, c.default) for c in t.columns] == [
        ("a", "bigint", False, None), ("b", "text", True, None), ("c", "integer", True, None),
        ("d", "integer", False, "42"), ("f", "integer", True, "1")]
    assert t.column("d").identity == Identity(always=False)


def test_alter_identity_and_generation_expression() -> None:
    t = table(ok("""
        CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY, b int GENERATED ALWAYS AS (1) STORED,
                        c int GENERATED ALWAYS AS (2) STORED);
        ALTER TABLE t ALTER COLUMN a SET GENERATED ALWAYS, ALTER COLUMN a SET INCREMENT BY 2;
        ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a + 1), ALTER COLUMN c DROP EXPRESSION;
        """), "t")
    assert t.column("a").identity == Identity(always=True, increment=2)
    assert (t.column("b").generated, t.column("c").generated) == ("a + 1", None)


def test_alter_table_constraints_and_renames() -> None:
    s = ok("""
        CREATE TABLE p (id int);
        CREATE TABLE t (id int, pid int, n int, CONSTRAINT n_pos CHECK (n > 0));
        ALTER TABLE p ADD PRIMARY KEY (id);
        ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id), ADD CONSTRAINT t_fk FOREIGN KEY (pid) REFERENCES p;
        ALTER TABLE t DROP CONSTRAINT n_pos, DROP CONSTRAINT IF EXISTS nothing;
        CREATE INDEX t_n ON t (n) WHERE n > 1;
        ALTER TABLE t RENAME COLUMN n TO m;
        ALTER TABLE t RENAME CONSTRAINT t_fk TO t_parent_fk;
        ALTER INDEX t_n RENAME TO t_m;
        ALTER TABLE p RENAME TO parent;
        ALTER TABLE t RENAME TO child;
        """)
    child = table(s, "child")
    assert [c.name for c in child.columns] == ["id", "pid", "m"]
    assert child.checks == []
    (fk,) = child.foreign_keys
    assert (fk.name, fk.ref_table, fk.ref_columns) == ("t_parent_fk", "parent", ["id"])
    (index,) = child.indexes
    assert (index.name, index.columns, index.where) == ("t_m", ["m"], "m > 1")
    assert table(s, "parent").primary_key is not None


def test_alter_and_validate_foreign_key() -> None:
    s = ok("""CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p NOT VALID);
ALTER TABLE c ALTER CONSTRAINT fk DEFERRABLE INITIALLY DEFERRED, VALIDATE CONSTRAINT fk;""")
    fk = table(s, "c").foreign_keys[0]
    assert (fk.deferrable, fk.initially_deferred) == (True, True)


def test_dropping_a_referenced_key_needs_cascade() -> None:
    result = parse("""CREATE TABLE p (id int CONSTRAINT p_pk PRIMARY KEY, code int CONSTRAINT p_code UNIQUE);
CREATE TABLE c (pid int REFERENCES p, code int REFERENCES p (code));
ALTER TABLE p DROP CONSTRAINT p_pk;
ALTER TABLE p DROP CONSTRAINT p_code CASCADE;""")
    assert [(p.code, p.span.start_line) for p in result.problems] == [("dependent-objects", 2)]
    p_table, c_table = result.schema.tables
    assert p_table.primary_key is not None and p_table.uniques == []
    assert [fk.columns for fk in c_table.foreign_keys] == [["pid"]]


def test_rename_column_rewrites_expressions_and_keys() -> None:
    t = table(ok("""
        CREATE TABLE t (a int UNIQUE, b int CHECK (a < b), c int GENERATED ALWAYS AS (a + 1) STORED);
        CREATE INDEX ON t (lower(a::text)) INCLUDE (b);
        ALTER TABLE t RENAME a TO x;
        """), "t")
    assert t.uniques[0].columns == ["x"]
    assert t.checks[0].expression == "x < b"
    assert t.column("c").generated == "x + 1"
    assert t.indexes[0].columns == ["lower(x::text)"]


def test_drops() -> None:
    s = ok("""
        CREATE TYPE e AS ENUM ('a'); CREATE TYPE f AS ENUM ('b');
        CREATE SEQUENCE s; CREATE SEQUENCE keep;
        CREATE TABLE a (id int PRIMARY KEY, v e);
        CREATE TABLE b (id int REFERENCES a, w f);
        CREATE TABLE c (id int);
        CREATE INDEX b_id ON b (id); CREATE INDEX c_id ON c (id);
        DROP INDEX b_id; DROP INDEX IF EXISTS nothing;
        DROP TABLE a CASCADE;
        DROP TABLE IF EXISTS c, nothing;
        DROP TYPE f CASCADE; DROP TYPE IF EXISTS nothing;
        DROP SEQUENCE s;
        """)
    assert [t.name for t in s.tables] == ["b"]
    b = table(s, "b")
    assert ([c.name for c in b.columns], b.foreign_keys, b.indexes) == (["id"], [], [])
    assert [e.name for e in s.enums] == ["e"] and [q.name for q in s.sequences] == ["keep"]


def test_comments_are_set_and_removed() -> None:
    s = ok("""
        CREATE TABLE t (a int);
        COMMENT ON TABLE t IS 'table';
        COMMENT ON COLUMN public.t.a IS 'column';
        COMMENT ON TABLE t IS NULL;
        """)
    t = table(s, "t")
    assert (t.comment, t.column("a").comment) == (None, "column")


def test_search_path_from_set_and_set_config() -> None:
    s = ok("""
        CREATE SCHEMA a; CREATE SCHEMA b;
        SET search_path = a, public;
        CREATE TABLE t1 (id int PRIMARY KEY);
        SELECT pg_catalog.set_config('search_path', 'b', false);
        CREATE TABLE t2 (id int REFERENCES a.t1 (id));
        SET search_path TO DEFAULT;
        CREATE TABLE t3 (id int);
        """)
    assert {t.key for t in s.tables} == {("a", "t1"), ("b", "t2"), ("public", "t3")}
    assert s.tables[1].foreign_keys[0].ref_schema == "a"


def test_empty_search_path_creates_in_the_default_schema() -> None:
    s = ok("SET search_path = ''; CREATE TABLE t (id int); SET search_path = \"$user\", app; CREATE TABLE u (id int);")
    assert [t.key for t in s.tables] == [("public", "t"), ("app", "u")]


def test_default_schema_argument() -> None:
    result = parse_postgresql([("s.sql", "CREATE TABLE t (id int);")], default_schema="app")
    assert [t.key for t in result.schema.tables] == [("app", "t")]


def test_files_apply_in_order_and_keep_their_own_spans() -> None:
    result = parse_postgresql([("1.sql", "CREATE TABLE t (id int);"),
                               ("2.sql", "\nALTER TABLE t ADD COLUMN x int;")])
    t = table(result.schema, "t")
    assert t.span == Span("1.sql", 0, 13, 0, 14)
    assert t.column("x").span == Span("2.sql", 1, 25, 1, 30)


# --- problems at exact places ---------------------------------------------------------


def test_syntax_error_is_reported_at_its_place_and_other_statements_still_count() -> None:
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x int);\nCREATE TABLE c (id int);\n"
    result = parse(sql)
    (problem,) = result.problems
    assert (problem.severity, problem.code) == ("error", "syntax-error")
    assert problem.message == 'syntax error at or near ","'
    assert (problem.span.start_line, problem.span.start_col) == (1, 23)
    assert [t.name for t in result.schema.tables] == ["a", "c"]


def test_syntax_error_column_counts_code_points_not_bytes() -> None:
    sql = "COMMENT ON SCHEMA public IS 'héllo wörld ✓';\nCREATE TABLE tëst (naïve int, ✓✓ bad bad);"
    result = parse(sql)
    errors = [p for p in result.problems if p.code == "syntax-error"]
    assert len(errors) == 1
    assert errors[0].message == 'syntax error at or near "bad"'
    line = sql.splitlines()[1]
    assert (errors[0].span.start_line, errors[0].span.start_col) == (1, line.index("bad bad") + 4)


def test_spans_after_non_ascii_text_count_code_points() -> None:
    sql = "-- schéma ✓ ünïcode\nCREATE TABLE \"tâble\" (ä int, b text);"
    t = parse(sql).schema.tables[0]
    assert t.span == Span("schema.sql", 1, 13, 1, 20)
    assert t.column("b").span == Span("schema.sql", 1, 29, 1, 35)


def test_syntax_error_at_end_of_input() -> None:
    result = parse("CREATE TABLE t (id int);\nCREATE TABLE u (id int")
    (problem,) = result.problems
    assert problem.message == "syntax error at end of input"
    assert problem.span.start_line == 1
    assert [t.name for t in result.schema.tables] == ["t"]


def test_reference_problems() -> None:
    result = parse("""CREATE TABLE a (id int PRIMARY KEY, x int);
CREATE TABLE b (
  aid int REFERENCES nowhere (id),
  bid int REFERENCES a (nope),
  cid int REFERENCES a (x)
);
CREATE INDEX bad ON a (missing);
ALTER TABLE ghost ADD COLUMN y int;
ALTER TABLE a ALTER COLUMN zz SET NOT NULL;
""")
    found = sorted((p.code, p.span.start_line, p.span.start_col, p.span.end_line, p.span.end_col)
                   for p in result.problems)
    assert found == [
        ("invalid-foreign-key", 4, 10, 4, 26),  # a.x is not unique: the constraint
        ("unknown-column", 3, 10, 3, 29),       # REFERENCES a (nope): the constraint
        ("unknown-column", 6, 0, 6, 31),        # CREATE INDEX bad ON a (missing): the statement
        ("unknown-column", 8, 0, 8, 42),        # ALTER COLUMN zz: the statement
        ("unknown-table", 2, 21, 2, 28),        # REFERENCES nowhere: the name
        ("unknown-table", 7, 12, 7, 17),        # ALTER TABLE ghost: the name
    ]
    assert all(p.severity == "error" for p in result.problems)


def test_duplicates_are_errors() -> None:
    result = parse("""CREATE TABLE t (id int, id text);
CREATE TABLE t (x int);
CREATE TABLE IF NOT EXISTS t (x int);
CREATE TABLE u (a int, CONSTRAINT c CHECK (a > 0), CONSTRAINT c UNIQUE (a));
CREATE INDEX i ON u (a);
CREATE INDEX i ON u (a);
CREATE INDEX IF NOT EXISTS i ON u (a);
""")
    assert sorted((p.code, p.span.start_line) for p in result.problems) == [
        ("duplicate-column", 0), ("duplicate-constraint", 3), ("duplicate-name", 1), ("duplicate-name", 5)]
    dup_col = next(p for p in result.problems if p.code == "duplicate-column")
    assert (dup_col.span.start_col, dup_col.span.end_col) == (24, 31)


def test_unknown_type_is_a_warning_unless_an_extension_may_define_it() -> None:
    result = parse("CREATE TABLE t (a citext, b public.geometry, c int4, d text[]);")
    warnings = [(p.code, p.severity, p.span.start_col) for p in result.problems]
    assert warnings == [("unknown-type", "warning", 16), ("unknown-type", "warning", 26)]
    assert parse("CREATE EXTENSION citext; CREATE TABLE t (a citext);").problems == []


def test_types_defined_but_not_managed_are_not_unknown() -> None:
    result = parse("""CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE pair AS (a int, b int);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE t (a posint, b pair[], c floatrange);""")
    assert codes(result) == ["unmanaged"] * 3
    assert [c.type for c in result.schema.tables[0].columns] == ["public.posint", "public.pair[]", "public.floatrange"]


# --- psql scripts: skipped statements and cut-out input ---------------------------------


def test_psql_meta_commands_and_copy_data_are_cut_out_with_notes() -> None:
    sql = r"""\connect mydb
SET statement_timeout = 0;
BEGIN;
CREATE TABLE t (id int, note text);
COPY public.t (id, note) FROM stdin;
1	it's; not ( sql
2	\N
\.
INSERT INTO t VALUES (3, 'x');
\set ON_ERROR_STOP on
COMMIT;
CREATE INDEX t_id ON t (id);
"""
    result = parse(sql)
    assert [i.name for i in table(result.schema, "t").indexes] == ["t_id"]
    notes = [(p.severity, p.code, p.span.start_line) for p in result.problems]
    assert sorted(notes) == sorted([("info", "skipped-statement", line) for line in (0, 1, 2, 4, 8, 9, 10)])


def test_syntax_error_in_a_script_with_copy_data_keeps_positions() -> None:
    sql = "COPY t FROM stdin;\nx\ty\n\\.\nCREATE TABLE t (id int);\nCREATE TABLE oops (;\n"
    result = parse(sql)
    error = next(p for p in result.problems if p.code == "syntax-error")
    assert (error.span.start_line, error.span.start_col) == (4, 19)
    assert [t.name for t in result.schema.tables] == ["t"]


def test_statement_splitting_respects_quotes_dollar_quotes_and_comments() -> None:
    sql = """CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
/* a ; comment /* nested ; */ still ; comment */
CREATE TABLE "we;ird" (c text DEFAULT E'it\\'s;', d text DEFAULT $$x;y$$, e text DEFAULT 'C:\\dir;');
CREATE TABLE broken (;
CREATE TABLE after (id int);
"""
    result = parse(sql)
    assert [t.name for t in result.schema.tables] == ["we;ird", "after"]
    assert table(result.schema, "we;ird").column("d").default == "'x;y'"
    assert table(result.schema, "we;ird").column("e").default == "'C:\\dir;'"
    assert sorted(codes(result)) == ["syntax-error", "unmanaged"]


# --- unmanaged objects ----------------------------------------------------------------


def test_unmanaged_objects_are_reported_never_modeled() -> None:
    result = parse("""CREATE TABLE t (id int, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE VIEW v AS SELECT * FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT 1;
CREATE INDEX mv_i ON mv (x);
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
CREATE TABLE parted (id int) PARTITION BY RANGE (id);
CREATE TABLE child () INHERITS (t);
CREATE UNLOGGED TABLE fast (id int);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (true);
GRANT SELECT ON t TO public;
ALTER TABLE parted ADD PRIMARY KEY (id);
""")
    assert [t.name for t in result.schema.tables] == ["t"]
    assert table(result.schema, "t").column("during") is not None
    kinds = [(u.kind, u.name) for u in result.unmanaged]
    assert kinds[:4] == [("exclusion constraint", "(unnamed) on public.t"), ("view", "v"),
                         ("materialized view", "mv"), ("index", "mv_i")]
    assert {k for k, _ in kinds} >= {"function", "trigger", "table", "domain", "policy", "privilege"}
    assert all(p.severity == "warning" and p.code == "unmanaged" for p in result.problems)
    assert len(result.problems) == len(result.unmanaged) == 14
    view = next(p for p in result.problems if "view v " in p.message)
    assert view.message == "view v is not managed by schemalens: it is left as it is in the database"
    assert view.span == Span("schema.sql", 1, 0, 1, 32)


# --- renames --------------------------------------------------------------------------


def test_rename_directives_on_tables_and_columns() -> None:
    s = ok("""CREATE TABLE accounts ( -- @renamed from=old_accounts
  id bigint NOT NULL,
  user_name text, -- @renamed from=username
  "Email" text, -- @renamed from="E-Mail"
  age integer
);
CREATE TABLE new_users /* @renamed from=Old_Users */ (id int, n int -- @renamed from=m
);
CREATE TABLE plain (a int, b int);""")
    accounts = table(s, "accounts")
    assert accounts.renamed_from == "old_accounts"
    assert [c.renamed_from for c in accounts.columns] == [None, "username", "E-Mail", None]
    users = table(s, "new_users")
    assert users.renamed_from == "old_users"
    assert [c.renamed_from for c in users.columns] == [None, "m"]
    assert table(s, "plain").renamed_from is None


@pytest.mark.parametrize("directive", ["from = users", "from='users'", 'from = "users"', "from=USERS"])
def test_rename_directive_spellings_of_the_one_grammar(directive: str) -> None:
    s = ok(f"""CREATE TABLE people ( -- @renamed {directive}
  id int,
  full_name text -- @renamed {directive.replace("users", "name").replace("USERS", "NAME")}
);
CREATE INDEX people_idx ON people (id); -- @renamed {directive.replace("users", "old_idx").replace("USERS", "OLD_IDX")}""")
    people = table(s, "people")
    assert people.renamed_from == "users"
    assert people.column("full_name").renamed_from == "name"
    assert people.indexes[0].renamed_from == "old_idx"


def test_a_quoted_old_name_keeps_its_case_a_bare_one_folds() -> None:
    s = ok("""CREATE TABLE a ( -- @renamed from='Old A'
  x int);
CREATE TABLE b /* @renamed from=Old_B */ (x int);""")
    assert (table(s, "a").renamed_from, table(s, "b").renamed_from) == ("Old A", "old_b")


def test_rename_directives_on_indexes() -> None:
    s = ok("""CREATE TABLE t (a int, b int, c int);
CREATE INDEX new_a /* @renamed from="Old_A" */ ON t (a);
CREATE INDEX new_b ON t (b); -- @renamed from=old_b
CREATE INDEX c_idx ON t (c);
CREATE INDEX ON t (c) /* @renamed from=ignored_without_a_name */;""")
    assert [(i.name, i.renamed_from) for i in table(s, "t").indexes] == [
        ("new_a", "Old_A"), ("new_b", "old_b"), ("c_idx", None), (None, None)]


# --- spans ----------------------------------------------------------------------------


def test_spans_of_objects() -> None:
    sql = """CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('a');
CREATE TABLE app.t (
  id int PRIMARY KEY,
  note text DEFAULT 'a, b' -- trailing, comment
  , CONSTRAINT ck CHECK (id > 0)
);
CREATE INDEX t_note ON app.t (note);
CREATE SEQUENCE app.s;
CREATE EXTENSION citext;
"""
    s = ok(sql)
    t = table(s, "t", "app")
    assert t.span == Span("schema.sql", 2, 13, 2, 18)
    assert t.column("id").span == Span("schema.sql", 3, 2, 3, 20)
    assert t.column("note").span == Span("schema.sql", 4, 2, 4, 26)
    assert t.checks[0].span == Span("schema.sql", 5, 4, 5, 32)
    assert t.primary_key is not None and t.primary_key.span == Span("schema.sql", 3, 9, 3, 20)
    assert t.indexes[0].span == Span("schema.sql", 7, 0, 7, 35)
    assert s.namespaces[0].span == Span("schema.sql", 0, 0, 0, 17)
    assert s.enums[0].span == Span("schema.sql", 1, 0, 1, 34)
    assert s.sequences[0].span == Span("schema.sql", 8, 16, 8, 21)
    assert s.extensions[0].span == Span("schema.sql", 9, 0, 9, 23)


# --- expression rendering -------------------------------------------------------------


@pytest.mark.parametrize("expr", [
    "a BETWEEN 1 AND 2", "a NOT IN ('x', 'y')", "a NOT ILIKE 'y%'", "NOT (a AND b)", "ARRAY[1, 2]",
    "COALESCE(a, 1)", "a IS NOT TRUE", "a IS DISTINCT FROM b", "-a::int", "a = ANY (ARRAY[1])",
    "a::text::int", "(a + b) * c", "a - (b - c)", "(-1)::int", "'x'::text[]", "a > 0 AND (b < 1 OR c)",
    "now()", "CURRENT_TIMESTAMP", "1.5e3", "true", "NULL", "B'101'", "X'1F'", "'it''s'", "E'\\n'",
    'lower("Name")', '"select" + 1', "x.y.z", "(a = b) IS NOT NULL", "- 2 ^ 3", "nextval('s'::regclass)",
    "count(*)", "CASE WHEN a THEN 1 END", "a IS NULL OR a BETWEEN 0 AND 100",
])
def test_rendered_expressions_mean_what_was_written(expr: str) -> None:
    node = json.loads(parse_sql_json("SELECT " + expr))["stmts"][0]["stmt"]["SelectStmt"]
    node = node["targetList"][0]["ResTarget"]["val"]
    text = _fast(node) or RawStream()(_to_ast(node))
    assert parse_sql("SELECT " + text) == parse_sql("SELECT " + expr)


# --- real input: the corpus and a pg_dump ---------------------------------------------


def _in_scope_cases() -> list[dict]:
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    return [c for c in cases if c["current_ok"] and c["desired_ok"]
            and not set(c["features"]) & OUT_OF_SCOPE]


def test_every_in_scope_corpus_schema_parses_without_errors() -> None:
    cases = _in_scope_cases()
    assert len(cases) > 400
    failures = []
    for case in cases:
        for side in ("current", "desired"):
            result = parse(case[side])
            errors = [p for p in result.problems if p.severity == "error"]
            defines = "CREATE" in case[side].upper()
            s = result.schema
            empty = not (s.tables or s.enums or s.sequences or s.extensions or s.namespaces)
            if errors or (defines and empty and not result.unmanaged):
                failures.append((case["name"], side, errors[:1]))
    assert failures == []


def test_half_written_files_never_raise() -> None:
    """What an editor sends on every keystroke: each corpus file cut at a few places, and
    twice over (every object a duplicate). Problems are fine; exceptions are not."""
    rng = random.Random(7)
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    for case in cases:
        text = case["desired"]
        for variant in [text[:rng.randrange(len(text) + 1)] for _ in range(3)] + [text + "\n" + text]:
            result = parse(variant)
            assert "unsupported-statement" not in codes(result), (case["name"], variant)


def test_pg_dump_output_with_data_parses_to_the_dumped_schema() -> None:
    """pg_dump of a small database (with data, owners and \\restrict); see tests/db/sources
    for the same check against a live database."""
    dump = (Path(__file__).parent / "pg_dump_sample.sql").read_text()
    result = parse(dump, "dump.sql")
    assert [p for p in result.problems if p.severity == "error"] == []
    s = result.schema
    assert sorted(t.key for t in s.tables) == [("public", "notes"), ("shop", "customers"), ("shop", "orders")]
    orders = table(s, "orders", "shop")
    assert orders.column("id").default == "nextval('shop.orders_id_seq'::regclass)"
    assert orders.column("status").type == "shop.status"
    assert [q.name for q in s.sequences] == ["invoice_no"]  # orders_id_seq is the serial's own
    assert table(s, "customers", "shop").column("id").identity == Identity(always=True)
    assert orders.comment == "orders; with a semicolon"
    assert [(u.kind, u.name) for u in result.unmanaged] == [
        ("comment on extension", "pgcrypto"), ("view", "shop.big_orders")]
    skipped = [p.message for p in result.problems if p.code == "skipped-statement"]
    assert sum("COPY" in m for m in skipped) == 3
    assert sum("meta-command" in m for m in skipped) == 2


# --- speed ----------------------------------------------------------------------------


def test_a_thousand_table_schema_parses_fast(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate_schema import generate_schema  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    text = generate_schema(1000)
    best = best_cpu = float("inf")
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        result = parse_postgresql([("big.sql", text)])
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert len(result.schema.tables) == 1000
    assert not [p for p in result.problems if p.severity == "error"]
    with capsys.disabled():
        print(f"\nparse_postgresql: {text.count(chr(10))} lines, 1000 tables in {best:.3f} s "
              f"wall, {best_cpu:.3f} s CPU (best of 3)")


# --- the statement parse cache (the editor parses the whole file on every save) ---------


def test_an_edited_statement_is_read_again_and_the_others_keep_their_places() -> None:
    before = "CREATE TABLE a (x varchar(10));\nCREATE TABLE b (y int);\n"
    assert table(ok(before), "a").columns[0].type == "character varying(10)"
    after = "-- moved down\nCREATE TABLE a (x varchar(20), z text);\nCREATE TABLE b (y int);\n"
    schema = ok(after)
    assert [(c.name, c.type) for c in table(schema, "a").columns] == [
        ("x", "character varying(20)"), ("z", "text")]
    assert table(schema, "b").span == Span("schema.sql", 2, 13, 2, 14)
    assert ok(before) == ok(before)  # and back again, from the cache


def test_a_rename_does_not_leak_into_the_cached_statements() -> None:
    create = "CREATE TABLE t (a int CHECK (a > 0), b int DEFAULT 1);\nCREATE INDEX i ON t (a) WHERE a > 1;\n"
    renamed = ok(create + "ALTER TABLE t RENAME COLUMN a TO c;\n")
    assert table(renamed, "t").checks[0].expression == "c > 0"
    assert table(renamed, "t").indexes[0].columns == ["c"]
    plain = table(ok(create), "t")  # same CREATE statements, from the cache, without the rename
    assert plain.checks[0].expression == "a > 0"
    assert plain.indexes[0].columns == ["a"] and plain.indexes[0].where == "a > 1"


def test_non_ascii_text_before_a_statement_keeps_its_positions() -> None:
    text = "CREATE TABLE é (x int); -- ü\nCREATE TABLE u (y text CHECK (y <> 'ö'));\n"
    for _ in range(2):
        result = parse(text)
        assert table(result.schema, "u").span == Span("schema.sql", 1, 13, 1, 14)
        assert table(result.schema, "u").checks[0].span.start_line == 1
