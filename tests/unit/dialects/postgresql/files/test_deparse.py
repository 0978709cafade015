"""Expressions rendered to text mean what was written."""

from __future__ import annotations

import json

import pytest
from pglast import parse_sql
from pglast.parser import parse_sql_json
from pglast.stream import RawStream

from schemalens.dialects.postgresql.files.deparse import _fast, _to_ast, deparse, deparse_default


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


def _expression(expr: str) -> dict:
    node = json.loads(parse_sql_json("SELECT " + expr))["stmts"][0]["stmt"]["SelectStmt"]
    return node["targetList"][0]["ResTarget"]["val"]


@pytest.mark.parametrize(("expr", "written"), [
    ("created_at AT TIME ZONE 'utc'", "created_at AT TIME ZONE 'utc'"),
    ("(a, b) OVERLAPS (c, d)", "(a, b) OVERLAPS (c, d)"),
    ("substring(t from 1 for 2)", "substring(t FROM 1 FOR 2)"),
    ("trim(both 'x' from t)", "trim(BOTH 'x' FROM t)"),
    ("timezone('utc', created_at)", "timezone('utc', created_at)"),
    ("pg_catalog.timezone('utc', created_at)", "pg_catalog.timezone('utc', created_at)"),
    ("substring(t, 1, 2)", '"substring"(t, 1, 2)'),
])
def test_a_call_keeps_the_syntax_it_was_written_in(expr: str, written: str) -> None:
    """PostgreSQL keeps whether a call was written in SQL syntax, and prints it back so."""
    assert deparse(_expression(expr)) == written
    assert parse_sql("SELECT " + written) == parse_sql("SELECT " + expr)


@pytest.mark.parametrize(("expr", "written"), [
    ("now() AT TIME ZONE 'utc'", "(now() AT TIME ZONE 'utc')"),
    ("a IS NULL", "(a IS NULL)"),
    ("a IN (1, 2)", "(a IN (1, 2))"),
    ("1 + 2", "1 + 2"),
    ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
    ("'0'::bigint", "'0'::bigint"),
    ("LOCALTIMESTAMP(0)", "LOCALTIMESTAMP(0)"),
    ("ARRAY[]::text[]", "ARRAY[]::text[]"),
])
def test_a_default_is_written_as_create_table_reads_it(expr: str, written: str) -> None:
    """DEFAULT takes a b_expr in CREATE TABLE: other expressions go in parentheses."""
    assert deparse_default(_expression(expr)) == written
    parse_sql(f"CREATE TABLE t (c int DEFAULT {written} NOT NULL)")


@pytest.mark.parametrize("function", ["CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP"])
@pytest.mark.parametrize("precision", [0, 3])
@pytest.mark.parametrize("shape", ["{}", "{}::date", "CASE WHEN a THEN {} END", "{} AT TIME ZONE 'utc'"])
def test_a_value_function_keeps_its_precision(function: str, precision: int, shape: str) -> None:
    """The JSON parse tree leaves a typmod of 0 out: `LOCALTIMESTAMP(0)` is not LOCALTIMESTAMP."""
    expr = shape.format(f"{function}({precision})")
    text = deparse(_expression(expr))
    assert f"{function}({precision})" in text
    assert parse_sql("SELECT " + text) == parse_sql("SELECT " + expr)
