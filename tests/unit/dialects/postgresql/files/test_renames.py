"""RENAME statements: what refers to the old name follows."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import ok, table


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
