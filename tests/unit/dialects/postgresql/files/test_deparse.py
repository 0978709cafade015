"""Expressions rendered to text mean what was written."""

from __future__ import annotations

import json

import pytest
from pglast import parse_sql
from pglast.parser import parse_sql_json
from pglast.stream import RawStream

from schemalens.dialects.postgresql.files.deparse import _fast, _to_ast


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
