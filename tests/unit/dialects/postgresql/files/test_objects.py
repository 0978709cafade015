"""Enums, sequences, extensions, schemas and the search_path."""

from __future__ import annotations

from schemalens.dialects.postgresql.files import parse_postgresql
from tests.unit.dialects.postgresql.files.helpers import ok, table


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
