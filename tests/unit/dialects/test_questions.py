"""What the front ends ask a dialect instead of testing its name (database-free parts)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from schemalens import dialects
from schemalens.changes import Change
from schemalens.model import Column, Schema, Table

PG, SQLITE = dialects.get("postgresql"), dialects.get("sqlite")


def test_only_postgresql_has_namespaces_comment_statements_and_dollar_quotes() -> None:
    assert (PG.has_namespaces, PG.comment_statements, PG.dollar_quotes, PG.inline_spans_to_column_end) == (True,) * 4
    assert (SQLITE.has_namespaces, SQLITE.comment_statements, SQLITE.dollar_quotes) == (False,) * 3
    assert SQLITE.bracket_identifiers and not PG.bracket_identifiers


def test_parses_asks_each_databases_own_grammar() -> None:
    assert PG.parses("CREATE TABLE t (a int); COMMENT ON TABLE t IS 'x';")
    assert not PG.parses("CREATE TABLE t (a int,)")
    assert SQLITE.parses("CREATE TABLE t (a INTEGER) STRICT")
    assert not SQLITE.parses("CREATE TABLE t (a int,)")


def test_a_missing_sqlite_file_is_named_and_memory_or_postgresql_never_is(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert SQLITE.missing_database(url) == str(tmp_path / "app.db")
    sqlite3.connect(tmp_path / "app.db").close()
    assert SQLITE.missing_database(url) is None
    assert SQLITE.missing_database("sqlite:///:memory:") is None
    assert PG.missing_database("postgresql://u@h/db") is None


def test_sqlite_counts_rows_and_reports_its_default_schema() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a)")
    conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    assert SQLITE.estimated_rows(conn, "main", "t") == 2
    assert SQLITE.current_schema(conn) == "main"
    assert SQLITE.catalog_fingerprint(conn, "sqlite:///:memory:") == ("main", (1, 0))


def test_postgresql_carries_nothing_along_and_sqlite_carries_its_rebuilt_tables_changes() -> None:
    old = Table("main", "t", [Column("a", "INTEGER"), Column("b", "TEXT")])
    new = Table("main", "t", [Column("a", "TEXT"), Column("b", "INTEGER")])
    changes = [Change("alter_column", "main", "t", "a", before=old.columns[0], after=new.columns[0]),
               Change("alter_column", "main", "t", "b", before=old.columns[1], after=new.columns[1])]
    actual, desired = Schema("sqlite", tables=[old]), Schema("sqlite", tables=[new])
    assert SQLITE.carried_along(changes, changes[:1], actual, desired) == changes
    assert PG.carried_along(changes, changes[:1], actual, desired) == changes[:1]
