"""Editing by type, the row detail, live sidebar counts and drift badges, in real Chromium
(issue 16 items 18-20), each checked in the database itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from schemalens.config import load_settings
from schemalens.studio.server import start_studio
from tests.studio.conftest import BROWSER, USERS, Running, _running, cell, open_table

pytestmark = BROWSER

PG_THINGS = """CREATE TYPE mood AS ENUM ('happy', 'sad', 'so-so');
CREATE TABLE things (id integer PRIMARY KEY, mood mood NOT NULL DEFAULT 'happy', done boolean,
                     due date, at timestamptz, starts time, doc jsonb, note text);
INSERT INTO things VALUES (1, 'happy', false, '2024-01-31', '2024-01-31 08:00:00+00', '09:15:00',
                           '{"a": 1}', 'x')"""
SQLITE_THINGS = """CREATE TABLE things (id INTEGER PRIMARY KEY, done BOOLEAN, due DATE, at DATETIME, doc JSON,
                     note TEXT);
INSERT INTO things VALUES (1, 0, '2024-01-31', '2024-01-31 08:00:00', '{"a": 1}', 'x')"""


@pytest.fixture(params=["postgresql", "sqlite"])
def things(request: pytest.FixtureRequest) -> Iterator[Running]:
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    for s in _running(url, request.param):
        for statement in (PG_THINGS if request.param == "postgresql" else SQLITE_THINGS).split(";\n"):
            s.execute(statement)
        yield s


def edit(page: Any, column: str) -> Any:
    cell(page, "1", column).dblclick()
    return page.locator(f'#grid td[data-col="{column}"] .cell-editor')


def save(page: Any, column: str) -> None:
    page.locator(f'#grid td[data-col="{column}"] .cell-save').click()
    expect(page.locator(f'#grid td[data-col="{column}"] .cell-editor')).to_have_count(0)


def value(s: Running, column: str) -> Any:
    return s.query(f"SELECT {column} FROM things WHERE id = 1")[0][0]


def test_enum_is_edited_with_a_select_of_its_values(page: Any, pg_studio: Running) -> None:
    for statement in PG_THINGS.split(";\n"):
        pg_studio.execute(statement)
    open_table(page, pg_studio, "things")
    editor = edit(page, "mood")
    options = editor.locator("select option").all_inner_texts()
    assert options == ["happy", "sad", "so-so"]
    editor.locator("select").select_option("so-so")
    save(page, "mood")
    assert value(pg_studio, "mood") == "so-so"
    assert editor.locator(".set-null").count() == 0  # NOT NULL: no NULL offered


def test_boolean_is_a_toggle(page: Any, things: Running) -> None:
    open_table(page, things, "things")
    editor = edit(page, "done")
    toggle = editor.locator('[role="switch"]')
    expect(toggle).to_have_attribute("aria-checked", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-checked", "true")
    save(page, "done")
    assert value(things, "done") in (True, 1)  # SQLite stores its TRUE: 1, never the text 'true'
    editor = edit(page, "done")
    editor.locator(".set-null").click()
    save(page, "done")
    assert value(things, "done") is None


def test_dates_and_times_have_a_picker(page: Any, things: Running) -> None:
    open_table(page, things, "things")
    editor = edit(page, "due")
    editor.locator('input[type="date"]').fill("2024-02-29")
    expect(editor.locator(".value-text")).to_have_value("2024-02-29")
    save(page, "due")
    assert str(value(things, "due")) == "2024-02-29"
    editor = edit(page, "at")
    editor.locator('input[type="datetime-local"]').fill("2024-03-01T10:30")
    zone = "+00" if things.dialect == "postgresql" else ""  # the picker has no zone: the text keeps it
    expect(editor.locator(".value-text")).to_have_value("2024-03-01 10:30:00" + zone)
    save(page, "at")
    assert str(value(things, "at")).startswith("2024-03-01 10:30:00")
    if things.dialect == "postgresql":
        editor = edit(page, "starts")
        editor.locator('input[type="time"]').fill("17:45:30")
        save(page, "starts")
        assert str(value(things, "starts")) == "17:45:30"


def test_json_is_edited_in_an_editor_that_validates(page: Any, things: Running) -> None:
    open_table(page, things, "things")
    editor = edit(page, "doc")
    text = editor.locator("textarea")
    assert '"a": 1' in text.input_value()  # pretty-printed
    text.fill('{"a": 2,')
    expect(editor.locator(".value-error")).to_contain_text("not valid JSON")
    page.locator('#grid td[data-col="doc"] .cell-save').click()
    expect(page.locator('#grid td[data-col="doc"] .cell-error')).to_contain_text("not valid JSON")
    assert "2" not in str(value(things, "doc"))  # nothing was sent
    text.fill('{"a": 2, "b": [true, null]}')
    expect(editor.locator(".value-error")).to_have_text("")
    save(page, "doc")
    stored = value(things, "doc")
    assert (stored if isinstance(stored, dict) else __import__("json").loads(stored)) == {"a": 2, "b": [True, None]}


def test_null_and_empty_text_are_distinct(page: Any, things: Running) -> None:
    open_table(page, things, "things")
    editor = edit(page, "note")
    editor.locator(".value-text").fill("")
    save(page, "note")
    assert value(things, "note") == ""
    expect(cell(page, "1", "note").locator(".empty-string")).to_have_count(1)
    assert cell(page, "1", "note").locator(".null").count() == 0
    editor = edit(page, "note")
    editor.locator(".set-null").click()
    expect(editor.locator(".set-null")).to_have_attribute("aria-pressed", "true")
    save(page, "note")
    assert value(things, "note") is None
    expect(cell(page, "1", "note").locator(".null")).to_have_text("NULL")
    editor = edit(page, "note")  # typing into a NULL cell makes it text again
    editor.locator(".value-text").fill("back")
    expect(editor.locator(".set-null")).to_have_attribute("aria-pressed", "false")
    save(page, "note")
    assert value(things, "note") == "back"


def test_insert_form_edits_by_type_too(page: Any, things: Running) -> None:
    open_table(page, things, "things")
    page.click("#insert-row")
    page.fill('[data-insert="id"] .value-text', "2")
    page.locator('[data-insert="done"] [role="switch"]').click()
    page.locator('[data-insert="due"] input[type="date"]').fill("2025-12-24")
    page.fill('[data-insert="note"] .value-text', "")
    page.locator('[data-default-for="note"]').uncheck()
    page.click("#insert-submit")
    expect(page.locator("#grid tbody tr")).to_have_count(2)
    assert things.query("SELECT done, due, note, doc FROM things WHERE id = 2") in (
        [(True, __import__("datetime").date(2025, 12, 24), "", None)], [(1, "2025-12-24", "", None)])


def test_row_detail_opens_on_screen(page: Any, pg_studio: Running) -> None:
    open_table(page, pg_studio, "users")
    last = page.locator('#grid tr[data-key=\'{"id":"30"}\']')
    last.scroll_into_view_if_needed()
    last.locator(".open-row").click()
    detail = page.locator(".row-detail")
    expect(detail).to_be_in_viewport()
    expect(detail).to_contain_text("u30@example.com")
    page.click("#detail-close")
    expect(detail).to_have_count(0)


def test_sidebar_counts_follow_inserts_and_deletes(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "users")
    count = page.locator('.table-link[data-table="users"] .tcount')
    expect(count).to_have_text(str(USERS))
    page.click("#insert-row")
    page.fill('[data-insert="email"] .value-text', "new@example.com")
    page.click("#insert-submit")
    expect(count).to_have_text(str(USERS + 1))
    page.locator('#grid tr[data-key=\'{"id":"29"}\'] td.sel input').check()
    page.locator('#grid tr[data-key=\'{"id":"30"}\'] td.sel input').check()
    page.click("#delete-rows")
    page.click("#delete-confirm")
    expect(count).to_have_text(str(USERS - 1))


def test_sqlite_integer_primary_key_is_not_offered_null(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "users")
    editor = edit(page, "id")
    expect(editor.locator(".value-text")).to_have_count(1)
    assert editor.locator(".set-null").count() == 0
    page.keyboard.press("Escape")
    page.click('[data-tab="schema"]')
    expect(page.locator('.schema-columns tr[data-col="id"] td').nth(2)).to_have_text("no")
    expect(page.locator('.schema-columns tr[data-col="name"] td').nth(2)).to_have_text("yes")


def test_a_table_push_would_drop_is_not_in_sync(page: Any, pg_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,\n"
                      "  age integer CHECK (age >= 0), status text NOT NULL DEFAULT 'new', meta jsonb);\n")
    for s in _running(pg_url, "postgresql"):
        s.server.stop()
        settings = load_settings({"database_url": pg_url, "schema": [str(schema)]}, start=tmp_path, environ={})
        server = start_studio(settings)
        try:
            page.goto(server.url)
            page.click('.table-link[data-table="logs"]')
            badge = page.locator("#drift-badge .badge")
            expect(badge).to_have_text("push drops this table: 5 rows")
            expect(badge).to_have_class("badge drift")
            page.click('[data-tab="schema"]')
            expect(page.locator('#drift-list li[data-kind="drop_table"]')).to_contain_text("data loss: 5 rows")
            page.click('.table-link[data-table="users"]')
            expect(page.locator("#drift-badge .badge")).to_have_text("in sync")
        finally:
            server.stop()


def test_the_readme_screenshots_can_be_made(browser: Any, tmp_path: Path) -> None:
    from tests.studio.screenshots import shoot

    files = shoot(browser, tmp_path)
    assert [f.name for f in files] == ["studio-grid.png", "studio-edit.png"]
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in files)
