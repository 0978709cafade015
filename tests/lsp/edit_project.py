"""A schema file against one real database, checked as the server checks it: what the
tests of the "Update schema file from database" quick fixes work on."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
from lsprotocol import types as lsp
from schemalens.config import load_settings
from schemalens.lsp.analysis import CheckResult, Snapshot, resolve_files, run_check
from schemalens.lsp.database import Databases
from schemalens.lsp.edits import update_from_database
from schemalens.lsp.positions import code_point_column


def apply(text: str, edit: lsp.WorkspaceEdit) -> str:
    """The edit applied as an editor does: UTF-16 positions, last edit first."""
    [(_, changes)] = edit.changes.items()
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(pos: lsp.Position) -> int:
        return starts[pos.line] + code_point_column(text[starts[pos.line]:], pos.character)

    for change in sorted(changes, key=lambda c: (c.range.start.line, c.range.start.character), reverse=True):
        text = text[:offset(change.range.start)] + change.new_text + text[offset(change.range.end):]
    return text


class Project:
    """A schema file against one real database, checked the way the server checks it."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder, self.url = folder, url

    def check(self, text: str) -> CheckResult:
        path = self.folder / "schema.sql"
        path.write_text(text, encoding="utf-8", newline="")
        settings = load_settings({"database_url": self.url}, start=self.folder, environ={})
        databases = Databases()
        try:  # the text as an editor holds it (line endings included)
            return run_check(Snapshot(settings, resolve_files(settings), {str(path): text}, {}), databases)
        finally:
            databases.close_all()

    def fix(self, text: str, change_id: str) -> tuple[str, lsp.WorkspaceEdit]:
        """The file after the quick fix for the change; asserts that the table has no
        drift left and that the file still parses."""
        return self.fix_many(text, change_id, alone=True)

    def fix_many(self, text: str, change_id: str, alone: bool = False) -> tuple[str, lsp.WorkspaceEdit]:
        """As `fix`; the table may have other changes that the fix settles too (a
        column's comment goes with the column)."""
        result = self.check(text)
        assert result.database == "ok" and not result.parse_errors
        [change] = [c for c in result.changes if c.id == change_id]
        if alone:
            assert [c.id for c in result.changes if c.table == change.table] == [change_id], "one change per case"
        edit = update_from_database(result, change)
        assert edit is not None
        fixed = apply(text, edit)
        after = self.check(fixed)
        assert not after.parse_errors, after.parse_errors
        assert [c.id for c in after.changes if c.table == change.table] == [], fixed
        return fixed, edit


def sqlite_maker(folder: Path) -> Callable[[str], Project]:
    """Projects over a SQLite database made from the SQL (the fixtures of the edit tests)."""
    def make(db_sql: str) -> Project:
        db = folder / "app.db"
        conn = sqlite3.connect(db)
        conn.executescript(db_sql)
        conn.close()
        return Project(folder, f"sqlite:///{db}")
    return make


def pg_maker(folder: Path, url: str) -> Callable[[str], Project]:
    def make(db_sql: str) -> Project:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(db_sql)
        return Project(folder, url)
    return make


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines that differ between the two texts (the common head and tail removed)."""
    a, b = old.split("\n"), new.split("\n")
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    return a[head:len(a) - tail], b[head:len(b) - tail]
