"""A real `pg_dump` of a real database, read by the PostgreSQL source, must describe
that database: the same model that introspection reads from it."""

from __future__ import annotations

import subprocess

import psycopg

from schemalens.dialects.postgresql.catalog import introspect_postgresql
from schemalens.diff import diff
from schemalens.model import to_json
from schemalens.normalize import normalize_schema
from schemalens.dialects.postgresql.files import parse_postgresql

DATABASE = """
CREATE SCHEMA shop;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TYPE shop.status AS ENUM ('new', 'paid', 'shipped');
CREATE SEQUENCE shop.invoice_no AS integer START 1000 INCREMENT 5 MAXVALUE 100000;
CREATE TABLE shop.customers (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 7) PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name varchar(100) DEFAULT 'anonymous' COLLATE "C",
  tags text[] DEFAULT '{}',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE shop.orders (
  id serial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
  status shop.status NOT NULL DEFAULT 'new',
  total numeric(12,2) CHECK (total >= 0),
  invoice int DEFAULT nextval('shop.invoice_no'),
  token uuid DEFAULT gen_random_uuid(),
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED,
  CONSTRAINT orders_invoice_key UNIQUE NULLS NOT DISTINCT (invoice) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid')) NO INHERIT
);
CREATE INDEX orders_status_idx ON shop.orders (status) WHERE status <> 'shipped';
CREATE INDEX orders_token ON shop.orders USING btree (lower(token::text) DESC NULLS LAST) INCLUDE (total);
CREATE UNIQUE INDEX orders_pair ON shop.orders (customer_id, invoice);
CREATE TABLE shop.lines (
  order_id int, customer_id bigint, n smallserial,
  FOREIGN KEY (customer_id, order_id) REFERENCES shop.orders (customer_id, invoice) MATCH FULL
);
COMMENT ON TABLE shop.orders IS 'orders; with a semicolon';
COMMENT ON COLUMN shop.orders.total IS 'it''s the total';
COMMENT ON TYPE shop.status IS 'lifecycle';
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
CREATE TABLE public.notes (id int PRIMARY KEY, body text);
INSERT INTO public.notes VALUES (1, E'tab\\there; semicolon'), (2, 'back\\slash');
"""


def test_pg_dump_reads_back_as_the_database(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(DATABASE)
        actual = introspect_postgresql(conn, ["public", "shop"])
    dump = subprocess.run(["pg_dump", "--dbname", pg_url], capture_output=True, text=True,
                          check=True).stdout
    result = parse_postgresql([("dump.sql", dump)])
    assert [p for p in result.problems if p.severity == "error"] == []
    assert [u.kind for u in result.unmanaged] == ["comment on extension", "view"]
    assert any(p.code == "skipped-statement" and "COPY" in p.message for p in result.problems)
    assert to_json(normalize_schema(result.schema)) == to_json(normalize_schema(actual))


SERIALS = """
CREATE TABLE t_id_seq (x int);
CREATE TABLE t (id serial);
CREATE TABLE "ŧàbłé_with_a_rather_long_name_that_needs_cutting_somewhere" (
  "çolumn_with_a_long_name_as_well_ok" bigserial, short smallserial);
CREATE TABLE tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt (id serial);
"""


def test_serial_sequence_names_match_what_postgresql_chooses(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(SERIALS)
        rows = conn.execute(
            "SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
            "JOIN pg_class c ON c.oid = d.adrelid "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum").fetchall()
    expected = {(table, column): default for table, column, default in rows}
    schema = parse_postgresql([("s.sql", SERIALS)]).schema
    got = {(t.name, c.name): c.default for t in schema.tables for c in t.columns if c.default}
    assert len(got) == len(expected) == 4
    for key, default in got.items():
        # the database prints names in the search path unqualified
        assert default.replace("'public.", "'") == expected[key], key


CHARACTER_TYPES = """CREATE TABLE chars (
  a bpchar, b bpchar(5), c char, d character, e "char", f char(5), g pg_catalog.bpchar,
  h bpchar[], i character(3)[], j "bpchar", k national character, l pg_catalog.bpchar(4)
);
"""


def test_every_spelling_of_a_character_type_reads_as_psql_makes_it(pg_url: str, tmp_path) -> None:
    """`bpchar` without a length is `bpchar` in the catalog (not `character(1)`, which
    only the grammar's `character` means): no drift, no ALTER ... TYPE."""
    actual, result = _psql_and_reader(pg_url, tmp_path, CHARACTER_TYPES)
    assert diff(normalize_schema(actual), normalize_schema(result.schema)) == []
    assert [c.type for c in actual.table("public", "chars").columns] == [
        "bpchar", "character(5)", "character(1)", "character(1)", '"char"', "character(5)", "bpchar",
        "bpchar[]", "character(3)[]", "bpchar", "character(1)", "character(4)"]


BUILTIN_SPELLINGS = """CREATE TABLE spelled (
    a "bit", b bit, c bit(3), d "bit"(2), e json, f "json", g pg_catalog.int4, h serial4,
    i numeric(5), j "numeric", k interval(2), l interval day to second(1), m "timestamptz",
    n varbit, o "varchar"
);
"""


def test_builtin_types_read_as_psql_makes_them(pg_url: str, tmp_path) -> None:
    """The file reader and normalize spell a pg_catalog type with one function: a quoted
    `"bit"` (any length, unlike `bit`, which is bit(1)) read as `bit` was drift."""
    actual, result = _psql_and_reader(pg_url, tmp_path, BUILTIN_SPELLINGS)
    assert diff(normalize_schema(actual), normalize_schema(result.schema)) == []
    assert [c.type for c in result.schema.table("public", "spelled").columns][:4] == [
        '"bit"', "bit(1)", "bit(3)", "bit(2)"]


def _psql_and_reader(pg_url: str, tmp_path, text: str) -> tuple:
    """The file loaded by `psql -f` and read back, beside what the file reader makes of it."""
    path = tmp_path / "schema.sql"
    path.write_text(text)
    subprocess.run(["psql", "--no-psqlrc", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg_url, "-f", str(path)],
                   check=True, capture_output=True)
    with psycopg.connect(pg_url) as conn:
        actual = introspect_postgresql(conn, ["public"])
    result = parse_postgresql([("schema.sql", text)])
    assert [p for p in result.problems if p.severity == "error"] == []
    return actual, result


def test_unnamed_indexes_named_later_make_the_files_database(pg_server_url: str) -> None:
    """psql -f against push from empty, for DROP / ALTER / COMMENT naming an unnamed index
    by the name PostgreSQL gave it."""
    from tests.db.dialects.postgresql.test_expressions import assert_push_makes_the_files_database
    from tests.unit.dialects.postgresql.files.test_indexes import UNNAMED

    assert_push_makes_the_files_database(pg_server_url, UNNAMED)
