"""Reading a PostgreSQL schema text in tests, and looking at the result."""

from __future__ import annotations

from schemalens.dialects.postgresql.files import parse_postgresql
from schemalens.model import Schema, SourceResult, Table


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
