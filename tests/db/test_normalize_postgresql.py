"""No false drift: what a user writes and what PostgreSQL reports back for it must
normalize to the same text.

Each case is created in a real database with the user's spelling, read back by
introspection, and both sides are normalized. One database serves all cases, one
table per case, so the catalog state each case sees is the same as a fresh database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from schemalens.dialects.postgresql.catalog import introspect_postgresql
from schemalens.model import Check, Column, Index, Schema, Table
from schemalens.diff import diff
from schemalens.dialects.postgresql.types import canonical_type
from schemalens.normalize import normalize_schema

pytestmark = pytest.mark.db

SETUP = """
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE "Mood" AS ENUM ('A', 'B');
CREATE SCHEMA app;
CREATE TYPE app.kind AS ENUM ('x', 'y');
CREATE TYPE app."int" AS ENUM ('x');
CREATE SEQUENCE counter;
"""

TYPES = [
    "int", "int4", "integer", "INTEGER", "int2", "smallint", "int8", "bigint", "serial", "bigserial",
    "smallserial", "bool", "boolean", "float", "float4", "float8", "real", "double precision", "float(10)",
    "float(40)", "numeric", "decimal", "numeric(10)", "decimal(10,2)", "numeric(12, 4)", "varchar",
    "varchar(255)", "character varying(20)", "char", "char(5)", "character(3)", "bpchar", "text", "bytea",
    "uuid", "json", "jsonb", "date", "time", "time(3)", "timetz", "time with time zone",
    "time(2) without time zone", "timestamp", "timestamp(0)", "timestamptz", "timestamp with time zone",
    "timestamp(6) with time zone", "timestamp without time zone", "interval", "interval(3)",
    "interval day to second", "interval year to month", "interval hour", "interval minute to second(2)",
    "int[]", "integer[]", "int4[]", "_int4", "text[][]", "varchar(10)[]", "int ARRAY", "integer ARRAY[3]",
    "bit", "bit(8)", "varbit", "bit varying(16)", "inet", "cidr", "macaddr", "money", "tsvector", "xml",
    "point", '"char"', "name", "oid", "int4range", "tstzrange", "mood", "public.mood", '"Mood"', "mood[]",
    "citext", "public.citext", "app.kind", "pg_catalog.int4", "pg_catalog.varchar(3)", "dec(5,1)",
    # format_type quotes as quote_identifier does (a COL_NAME keyword: "int"), and a
    # "bit" of any length; pglast's own quoting leaves both bare
    'app."int"', '"bit"',
]

# (column type, default as the user writes it)
DEFAULTS = [
    ("int", "0"), ("int", "-1"), ("int", "'-1'"), ("int", "(1)"), ("int", "'5'::integer"), ("numeric", "0"),
    ("numeric(10,2)", "0"), ("numeric(10,2)", "0.5"), ("numeric", "'0'"), ("numeric", "(0)::numeric"),
    ("bigint", "42"), ("smallint", "1"), ("text", "'x'"), ("text", "'x'::text"), ("text", "'it''s'"),
    ("varchar(10)", "'a'"), ("varchar(10)", "''"), ("varchar(20)", "'x'::character varying"),
    ("char(2)", "'ab'"), ("boolean", "true"), ("boolean", "TRUE"), ("boolean", "'t'"), ("boolean", "FALSE"),
    ("boolean", "'false'"), ("boolean", "'yes'"), ("bool", "false"), ("timestamptz", "now()"),
    ("timestamptz", "CURRENT_TIMESTAMP"), ("timestamp", "now()"), ("timestamp", "CURRENT_TIMESTAMP"),
    ("timestamp", "LOCALTIMESTAMP"), ("date", "CURRENT_DATE"), ("timestamptz", "transaction_timestamp()"),
    ("timestamp with time zone", "pg_catalog.now()"), ("jsonb", "'{}'"), ("jsonb", "'{}'::jsonb"),
    ("json", "'[]'"), ("text[]", "'{}'"), ("text[]", "ARRAY[]::text[]"), ("text[]", "'{}'::text[]"),
    ("int[]", "ARRAY[1,2]"), ("int[]", "'{1,2}'"), ("uuid", "gen_random_uuid()"), ("mood", "'sad'"),
    ("mood", "'ok'::mood"), ("text", "NULL"), ("int", "NULL::integer"), ("int", "nextval('counter')"),
    ("bigint", "nextval('counter'::regclass)"), ("bigint", "nextval('public.counter')"),
    ("timestamptz", "now() + interval '1 day'"), ("text", "lower('ABC')"), ("float8", "1.5"), ("real", "0"),
    ("date", "'2020-01-01'"), ("text", "current_user"), ("timestamp", "(now() at time zone 'utc')"),
    ("timestamp", "timezone('utc', now())"), ("text", "'a' || 'b'"), ("int", "1 + 2"),
    ("interval", "'1 day'"), ("interval", "interval '24 hours'"), ("interval", "'1 week'::interval"),
    ("interval", "interval '90' minute"), ("interval", "'1.5 days'"), ("interval", "'2 hours 30 minutes'"),
    ("interval", "interval '1.5' year"), ("timestamptz", "now() - interval '1 hour'"),
    ("money", "1.999"), ("money", "'$1.00'::money"), ("bit(8)", "x'1F'"), ("bit(4)", "b'1010'"),
]

# (column definitions, CHECK expression as the user writes it)
CHECKS = [
    ("x int", "x > 0"), ("price numeric", "price > 0"), ("x int", "x >= 0.5"), ("x int", "x IN (1, 2, 3)"),
    ("s text", "s IN ('a', 'b')"), ("s varchar(10)", "s IN ('a', 'b')"), ("s text", "s NOT IN ('x')"),
    ("s varchar(10)", "s NOT IN ('x', 'y')"), ("x int", "x BETWEEN 1 AND 10"), ("x int", "x NOT BETWEEN 1 AND 10"),
    ("s text", "s LIKE 'a%'"), ("s varchar(5)", "s ILIKE 'a%'"), ("s text", "s NOT LIKE 'a%'"),
    ("s varchar(5)", "s NOT ILIKE 'b%'"), ("s varchar(9)", "char_length(s) > 2"), ("s text", "length(s) < 10"),
    ("a int, b int, c int", "a < b AND b < c"), ("a int, b int, c int", "(a > 0 AND (b > 0 AND c > 0))"),
    ("a int, b int, c int", "a > 0 OR b > 0 OR c > 0"), ("a int, b int, c int", "(a > 0 OR b > 0) AND c > 0"),
    ("s text", "s <> ''"), ("s text", "s != ''"), ("x int", "x IS NOT NULL"), ("x int", "x = ANY (ARRAY[1, 2])"),
    ("x int", "x <> ALL (ARRAY[1, 2])"), ("s text", "s ~ '^[a-z]+$'"), ("s text", "lower(s) = s"),
    ("x int", "coalesce(x, 0) >= 0"), ("x int", "CASE WHEN x > 0 THEN true ELSE false END"),
    ("d date", "d > '2000-01-01'"), ("ts timestamptz", "ts <= now()"), ("ts timestamptz", "ts >= CURRENT_TIMESTAMP"),
    ("j jsonb", "j ? 'k'"), ("j jsonb", "jsonb_typeof(j) = 'object'"), ("m mood", "m <> 'sad'"),
    ("x int", "NOT (x < 0)"), ("x int", "x % 2 = 0"), ("s text", "s = upper(s)"), ("s varchar(3)", "s::text <> ''"),
    ("b boolean", "b = true"), ("b boolean", "b IS TRUE"), ("arr int[]", "array_length(arr, 1) > 0"),
    ("x int", "x > -1"), ("x numeric(5,2)", "x < 100.50"), ("s char(2)", "s IN ('ab', 'cd')"),
    ("s text", "s IS DISTINCT FROM 'z'"), ("x int", "(((x > 1)))"), ("s text", "s SIMILAR TO 'a%'"),
    ("s text", "trim(s) <> ''"), ("s text", "position('@' in s) > 0"), ("s text", "substring(s from 1 for 2) = 'ab'"),
]

# (column definitions, method, key element as written, WHERE as written or None)
INDEXES = [
    ("email text", "btree", "email", None), ("email text", "btree", "lower(email)", None),
    ("email text", "btree", "email text_pattern_ops", None), ("a int, b int", "btree", "(a + b)", None),
    ("a int", "btree", "a DESC", None), ("a int", "btree", "a ASC", None),
    ("a int", "btree", "a DESC NULLS LAST", None), ("a int", "btree", "a NULLS FIRST", None),
    ("a int", "btree", "a ASC NULLS LAST", None), ("a int", "btree", "a DESC NULLS FIRST", None),
    ("email text", "btree", 'email COLLATE "C"', None), ("email text", "btree", "email text_ops", None),
    ("email varchar(50)", "btree", "lower(email) varchar_pattern_ops", None),
    ("email varchar(50)", "btree", "(email::text)", None), ("j jsonb", "gin", "j jsonb_path_ops", None),
    ("j jsonb", "gin", "j", None), ("t tsvector", "gin", "t", None), ("ts timestamp", "brin", "ts", None),
    ("email text", "hash", "email", None), ("a int", "btree", "((a))", None), ("a int", "btree", "coalesce(a, 0)", None),
    ("ts timestamp", "btree", "date_trunc('day', ts)", None), ("s text", "btree", "(lower(s) || 'x')", None),
    ("j jsonb", "btree", "(j->>'k')", None), ("j jsonb", "btree", "((j->>'k')::int)", None),
    ("email varchar(50)", "btree", "lower(email) DESC NULLS LAST", None),
    ("a int", "btree", "a", "a > 0"), ("a int, deleted_at timestamptz", "btree", "a", "deleted_at IS NULL"),
    ("a int, s text", "btree", "a", "s IN ('a', 'b')"), ("a int, active boolean", "btree", "a", "active"),
    ("a int, active boolean", "btree", "a", "active = true"), ("a int, s varchar(9)", "btree", "a", "s LIKE 'x%'"),
    ("a int", "btree", "a", "a BETWEEN 1 AND 3"), ("a int, m mood", "btree", "a", "m = 'sad'"),
    ("a int, m mood", "btree", "a", "m <> 'sad'::mood"), ("a int, b int", "btree", "a", "(a > 0 AND b > 0) AND a < b"),
]


@dataclass
class Case:
    kind: str
    table: str
    ddl: str
    user: Table
    params: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.kind}:{' | '.join(self.params)}"


def _columns(defs: str) -> list[Column]:
    return [Column(name=d.split()[0], type=d.split(None, 1)[1]) for d in defs.split(", ")]


def _cases() -> list[Case]:
    cases = []
    for i, spelling in enumerate(TYPES):
        name = f"ty{i}"
        cases.append(Case("type", name, f"CREATE TABLE {name} (x {spelling});",
                          Table("public", name, [Column("x", spelling)]), (spelling,)))
    for i, (type_, default) in enumerate(DEFAULTS):
        name = f"de{i}"
        cases.append(Case("default", name, f"CREATE TABLE {name} (x {type_} DEFAULT {default});",
                          Table("public", name, [Column("x", type_, default=default)]), (type_, default)))
    for i, (defs, expression) in enumerate(CHECKS):
        name = f"ck{i}"
        cases.append(Case("check", name, f"CREATE TABLE {name} ({defs}, CHECK ({expression}));",
                          Table("public", name, _columns(defs), checks=[Check(None, expression)]), (defs, expression)))
    for i, (defs, method, element, where) in enumerate(INDEXES):
        name = f"ix{i}"
        predicate = f" WHERE {where}" if where else ""
        ddl = f"CREATE TABLE {name} ({defs}); CREATE INDEX {name}_i ON {name} USING {method} ({element}){predicate};"
        index = Index(None, [element], method=method, where=where)
        cases.append(Case("index", name, ddl, Table("public", name, _columns(defs), indexes=[index]),
                          (method, element, where or "")))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def introspected(pg_server_url: str) -> Iterator[Schema]:
    name = "n_" + uuid.uuid4().hex[:12]
    base = pg_server_url.rpartition("/")[0]
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        with psycopg.connect(f"{base}/{name}", autocommit=True) as conn:
            conn.execute(SETUP)
            for case in CASES:
                conn.execute(case.ddl)
            yield introspect_postgresql(conn, ["public", "app"])
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _user_schema(actual: Schema, table: Table) -> Schema:
    """The user's side: same enums as the database (they resolve unqualified types)."""
    return Schema("postgresql", enums=actual.enums, tables=[table])


def test_there_are_enough_cases() -> None:
    counts = {k: sum(c.kind == k for c in CASES) for k in ("type", "default", "check", "index")}
    assert counts["type"] >= 60 and sum(counts.values()) - counts["type"] >= 60, counts


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_user_spelling_normalizes_like_the_database(case: Case, introspected: Schema) -> None:
    db_table = introspected.table("public", case.table)
    assert db_table is not None
    actual = normalize_schema(Schema("postgresql", enums=introspected.enums, tables=[db_table])).tables[0]
    desired = normalize_schema(_user_schema(introspected, case.user)).tables[0]
    if case.kind == "type":
        assert canonical_type(case.user.columns[0].type) == db_table.columns[0].type
        # An extension's type keeps the file's spelling (the search_path finds it wherever it
        # lives); diff compares such types by name, so the pair must diff empty.
        assert desired.columns[0].type == actual.columns[0].type or diff(
            Schema("postgresql", enums=introspected.enums, tables=[actual]),
            Schema("postgresql", enums=introspected.enums, tables=[desired])) == []
    elif case.kind == "default":
        assert (desired.columns[0].type, desired.columns[0].default) == (
            actual.columns[0].type, actual.columns[0].default), db_table.columns[0].default
    elif case.kind == "check":
        assert [c.expression for c in desired.checks] == [c.expression for c in actual.checks], \
            db_table.checks[0].expression
    else:
        got = [(i.method, i.columns, i.where) for i in actual.indexes]
        assert [(i.method, i.columns, i.where) for i in desired.indexes] == got, \
            (db_table.indexes[0].columns, db_table.indexes[0].where)
