"""A declared-type change in SQLite rebuilds the table; SQLite never truncates, so every
value is kept as it was (issue 11, class 8: nothing to refuse there)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings


def test_narrowing_a_declared_type_keeps_every_value(sqlite_path: Path, tmp_path: Path) -> None:
    with sqlite3.connect(sqlite_path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n NUMERIC)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(1, "abcdefgh", 1.2345), (2, "ab   ", 123456.7891)])
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(5), n DECIMAL(6,2));", encoding="utf-8")
    settings = load_settings({"database_url": f"sqlite:///{sqlite_path}", "schema": [str(schema)],
                              "dialect": "sqlite"}, start=tmp_path, environ={})
    plan = workflows.check(settings, Renames({}, {}))
    assert all(c.conversion is None and c.needs_using is None for c in plan.changes)
    result = workflows.push(settings, Renames({}, {}), confirm=lambda losses: True, force=True)
    assert result.executed, result.refused or result.failure
    with sqlite3.connect(sqlite_path) as conn:
        assert conn.execute("SELECT id, v, n FROM t ORDER BY id").fetchall() == [
            (1, "abcdefgh", 1.2345), (2, "ab   ", 123456.7891)]
        assert "VARCHAR(5)" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 't'").fetchone()[0]
    assert workflows.check(settings, Renames({}, {})).changes == []
