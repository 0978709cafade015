"""SQLite's runtime rules on a real in-memory database: the foreign-key pragma dance."""

from __future__ import annotations

import sqlite3

import pytest

from schemalens import dialects
from schemalens.dialects.base import ForeignKeyViolation

runtime = dialects.get("sqlite").runtime


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE p (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))")
    return conn


def test_foreign_keys_off_is_checked_before_commit_and_switched_back_on() -> None:
    conn = _db()
    with pytest.raises(ForeignKeyViolation) as info:
        with runtime.transaction(conn, foreign_keys_off=True):
            conn.execute("INSERT INTO c VALUES (1, 42)")  # would fail at once with foreign keys on
    assert (info.value.table, info.value.rowid, info.value.parent) == ("c", 1, "p")
    assert conn.execute("SELECT count(*) FROM c").fetchone()[0] == 0
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1 and not conn.in_transaction


def test_a_trial_always_rolls_back_and_reports_what_a_commit_would_find() -> None:
    conn = _db()
    with runtime.trial(conn, foreign_keys_off=True) as deferred:
        conn.execute("INSERT INTO c VALUES (1, 42)")
        assert deferred and runtime.foreign_key_violation(conn) == ForeignKeyViolation("c", 1, "p")
    assert conn.execute("SELECT count(*) FROM c").fetchone()[0] == 0
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


@pytest.mark.parametrize("sql, switch", [("PRAGMA foreign_keys = OFF", False), ("pragma foreign_keys='0';", False),
                                         ("PRAGMA foreign_keys = ON", True), ("PRAGMA journal_mode = WAL", None),
                                         ("SELECT 1", None)])
def test_a_foreign_keys_pragma_is_recognised(sql: str, switch: bool | None) -> None:
    assert runtime.foreign_keys_switch(sql) is switch


def test_values_bind_as_the_column_affinity_would_store_them() -> None:
    assert runtime.bind("INTEGER", "42") == 42 and runtime.bind("REAL", "1.5") == 1.5
    assert runtime.bind("BLOB", "\\x00ff") == b"\x00\xff" and runtime.bind("TEXT", "42") == "42"
