"""The extension in a real VS Code: what a user sees and clicks, against a real database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
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


def _sqlite_project(folder: Path, schema: str, database: str) -> str:
    url = f"sqlite:///{folder / 'app.db'}"
    _project(folder, url, schema, database)
    return url


def test_data_loss_is_a_modal_question_listing_the_rows(open_editor: Callable[..., Editor], workspace: Path) -> None:
    schema = "CREATE TABLE users (\n    id INTEGER PRIMARY KEY,\n    email TEXT NOT NULL\n);\n"
    url = _sqlite_project(workspace, schema, DATABASE.replace("NOT NULL)", "NOT NULL, nickname TEXT)") +
                          "; INSERT INTO users VALUES (1, 'a@x', 'a'), (2, 'b@x', 'b'), (3, 'c@x', 'c')")
    editor = open_editor(workspace, {"schemalens.databaseUrl": url})
    bench = editor.workbench
    bench.open_file("schema.sql")
    expect(bench.squiggles().first).to_be_visible(timeout=FIRST_CHECK_MS)
    bench.quick_fix("Push this change")
    dialog = bench.dialog()
    expect(dialog).to_be_visible(timeout=STEP_MS)
    expect(dialog).to_contain_text("These changes lose data. Push them?")
    expect(dialog.locator(".dialog-message-detail")).to_contain_text("(3 rows hold data)")
    bench.screenshot(editor.screenshots, "data-loss")
    bench.dialog_button("Push and lose the data").click()
    expect(bench.status_item("in sync")).to_be_visible(timeout=STEP_MS)
    assert _columns(url, "users") == ["id", "email"]


def test_a_pushed_database_with_a_pending_migration_is_baselined(open_editor: Callable[..., Editor],
                                                                 workspace: Path) -> None:
    """Generate after push: migrate would refuse (the objects exist); the editor says so and baselines."""
    url = _sqlite_project(workspace, SCHEMA, DATABASE.replace("NOT NULL)", "NOT NULL, nickname TEXT)"))
    subprocess.run([sys.executable, "-m", "schemalens", "generate", "--db", url], cwd=workspace, check=True,
                   capture_output=True)
    editor = open_editor(workspace, {"schemalens.databaseUrl": url})
    bench = editor.workbench
    bench.open_file("schema.sql")
    expect(bench.status_item("1 pending migration")).to_be_visible(timeout=FIRST_CHECK_MS)
    expect(bench.toast("already has the schema")).to_be_visible(timeout=STEP_MS)

    bench.run_command("schemalens: Run pending migrations")
    refused = bench.toast("migrate refused: the pending migrations create objects the database already has")
    expect(refused).to_be_visible(timeout=STEP_MS)
    bench.screenshot(editor.screenshots, "migrate-refused")
    bench.toast_button("migrate refused", "Baseline…").click()
    expect(bench.dialog()).to_contain_text("Record the pending migrations as applied", timeout=STEP_MS)
    bench.dialog_button("Baseline").click()
    expect(bench.toast("recorded 1 migration(s) as applied")).to_be_visible(timeout=STEP_MS)
    expect(bench.status_item("in sync")).to_be_visible(timeout=STEP_MS)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        assert conn.execute("SELECT count(*) FROM schemalens_migrations").fetchone() == (1,)


def test_status_is_shown_and_the_studio_opens_through_the_port_proxy(open_editor: Callable[..., Editor],
                                                                    workspace: Path) -> None:
    url = _sqlite_project(workspace, SCHEMA, DATABASE.replace("NOT NULL)", "NOT NULL, nickname TEXT)"))
    editor = open_editor(workspace, {"schemalens.databaseUrl": url})
    bench = editor.workbench
    bench.open_file("schema.sql")
    expect(bench.status_item("in sync")).to_be_visible(timeout=FIRST_CHECK_MS)

    bench.run_command("schemalens: Show migration status")
    expect(bench.toast("matches the schema files; no pending migrations")).to_be_visible(timeout=STEP_MS)
    bench.run_command("schemalens: Check schema against database")
    expect(bench.toast("matches the schema files").first).to_be_visible(timeout=STEP_MS)

    with bench.page.context.expect_page(timeout=STEP_MS) as opened:
        bench.run_command("schemalens: Open Studio")
    studio = opened.value
    assert studio.url.startswith(editor.url.split("?")[0] + "proxy/"), studio.url
    expect(studio.locator("body")).to_contain_text("users", timeout=STEP_MS)
    expect(studio.locator("body")).not_to_contain_text("unexpected Host header")
