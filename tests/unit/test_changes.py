"""Statements as a script holds them."""

from __future__ import annotations

import sqlite3

from schemalens.changes import Statement


def test_a_statement_ending_in_a_line_comment_ends_on_its_own_line() -> None:
    """SQLite keeps an index's text up to its `;`, a file's trailing comment with it: a `;`
    written after that comment would be part of it, and the script would run on."""
    assert Statement("CREATE INDEX i ON t(x)").terminated == "CREATE INDEX i ON t(x);"
    assert Statement("DROP TABLE t;").terminated == "DROP TABLE t;"
    commented = Statement("CREATE INDEX i ON t(x) -- by x\n").terminated
    assert commented == "CREATE INDEX i ON t(x) -- by x\n;"
    conn = sqlite3.connect(":memory:")
    conn.executescript("CREATE TABLE t (x);" + commented + "CREATE INDEX j ON t(x);")
    assert [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")] == ["i", "j"]
