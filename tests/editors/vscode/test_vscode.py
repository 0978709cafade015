"""The extension in a real VS Code: what a user sees and clicks, against a real database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import expect

from tests.editors.vscode.conftest import Editor
from tests.editors.vscode.workbench import FIRST_CHECK_MS, STEP_MS

SCHEMA = "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    email TEXT NOT NULL,\n    nickname TEXT\n);\n"
DATABASE = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)"


def _columns(url: str, table: str) -> list[str]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                            "ORDER BY ordinal_position", (table,)).fetchall()
    return [r[0] for r in rows]


def _execute(url: str, sql: str) -> None:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.executescript(sql)
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, workspace: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{workspace / 'app.db'}"
    return request.getfixturevalue("pg_url")


def _project(folder: Path, url: str, schema: str, database: str) -> None:
    (folder / "schema.sql").write_text(schema)
    (folder / "schemalens.toml").write_text('schema = "schema.sql"\n')
    _execute(url, database)


def test_missing_column_is_pushed_by_its_quick_fix(open_editor: Callable[..., Editor], workspace: Path,
                                                   database: str) -> None:
    _project(workspace, database, SCHEMA, DATABASE)
    editor = open_editor(workspace, {"schemalens.databaseUrl": database})
    bench = editor.workbench
    bench.open_file("schema.sql")
    expect(bench.squiggles().first).to_be_visible(timeout=FIRST_CHECK_MS)
    panel = bench.show_problems()
    expect(bench.problem("missing-column")).to_be_visible(timeout=STEP_MS)
    expect(panel).to_contain_text("nickname")
    expect(bench.status_item("1 change")).to_be_visible(timeout=STEP_MS)
    bench.screenshot(editor.screenshots, "drift")

    bench.quick_fix("Push this change")
    expect(bench.squiggles()).to_have_count(0, timeout=STEP_MS)
    expect(bench.status_item("in sync")).to_be_visible(timeout=STEP_MS)
    assert _columns(database, "users") == ["id", "email", "nickname"]
