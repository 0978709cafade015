"""End to end in a real headless Chromium (Debian's, never a downloaded one): what a user
does on the page, checked in the database itself."""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from playwright.sync_api import expect

from tests.studio.conftest import BROWSER, USERS, Running, cell, open_table

pytestmark = BROWSER


def test_browse_tables_and_rows(page: Any, pg_studio: Running) -> None:
    page.goto(pg_studio.server.url)
    page.wait_for_selector(".table-link")
    assert "token" not in page.url  # the launch token left the address bar
    assert page.locator('.table-link[data-table="users"] .tcount').inner_text() == str(USERS)
    page.fill("#table-search", "pos")
    assert page.locator(".table-link").count() == 1
    page.fill("#table-search", "")
    page.click('.table-link[data-table="users"]')
    page.wait_for_selector("#grid tbody tr")
    assert page.locator("#grid tbody tr").count() == USERS
    assert cell(page, "5", "name").locator(".null").inner_text() == "NULL"
    assert "integer" in page.locator('#grid th[data-col="age"]').inner_text()
    page.click('#grid th[data-col="age"]')
    page.click('#grid th[data-col="age"]')  # twice: descending
    expect(page.locator('#grid tbody tr td[data-col="age"]').first).to_have_text("30")
    assert "sort=age" in page.url and "desc=1" in page.url


def test_filter_rows(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "users")
    page.select_option("#filter-column", "age")
    page.select_option("#filter-op", "lt")
    page.fill("#filter-value", "3")
    page.click("#filter-add")
    expect(page.locator("#grid tbody tr")).to_have_count(2)
    assert page.locator(".chip").count() == 1
    page.click("#count-rows")
    expect(page.locator("#count-result")).to_have_text("2 rows")
    page.click(".chip-x")
    expect(page.locator("#grid tbody tr")).to_have_count(USERS)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_edit_a_cell_writes_the_database(page: Any, dialect: str, request: pytest.FixtureRequest) -> None:
    s: Running = request.getfixturevalue("pg_studio" if dialect == "postgresql" else "sqlite_studio")
    open_table(page, s, "users")
    cell(page, "2", "name").dblclick()
    page.fill("#grid .cell-editor input", "Grace Hopper")
    page.press("#grid .cell-editor input", "Enter")
    expect(cell(page, "2", "name")).to_contain_text("Grace Hopper")
    assert s.query("SELECT name FROM users WHERE id = 2") == [("Grace Hopper",)]


def test_constraint_error_is_shown_next_to_the_cell(page: Any, pg_studio: Running) -> None:
    open_table(page, pg_studio, "users")
    cell(page, "1", "email").dblclick()
    page.fill("#grid .cell-editor input", "u2@example.com")
    page.press("#grid .cell-editor input", "Enter")
    error = cell(page, "1", "email").locator(".cell-error")
    error.wait_for()
    assert "users_email_key" in error.inner_text() and "already exists" in error.inner_text()
    # nothing lost: the typed value is still in the editor, the database unchanged
    assert cell(page, "1", "email").locator("input").input_value() == "u2@example.com"
    assert pg_studio.query("SELECT email FROM users WHERE id = 1") == [("u1@example.com",)]


def test_edit_of_a_row_changed_meanwhile_is_reported(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "users")
    sqlite_studio.execute("UPDATE users SET age = 77 WHERE id = 3")
    cell(page, "3", "age").dblclick()
    page.fill("#grid .cell-editor input", "4")
    page.press("#grid .cell-editor input", "Enter")
    error = cell(page, "3", "age").locator(".cell-error")
    error.wait_for()
    assert "changed meanwhile" in error.inner_text() and "77" in error.inner_text()
    assert sqlite_studio.query("SELECT age FROM users WHERE id = 3") == [(77,)]


def test_insert_and_delete_rows(page: Any, pg_studio: Running) -> None:
    open_table(page, pg_studio, "users")
    page.click("#insert-row")
    page.fill('[data-insert="email"] .value-text', "new@example.com")
    page.click("#insert-submit")
    expect(page.locator("#grid tbody tr")).to_have_count(USERS + 1)
    assert pg_studio.query("SELECT status FROM users WHERE email = 'new@example.com'") == [("new",)]
    page.locator('#grid tr[data-key=\'{"id":"30"}\'] td.sel input').check()
    page.click("#delete-rows")
    page.click("#delete-confirm")
    expect(page.locator("#grid tbody tr")).to_have_count(USERS)
    assert pg_studio.query("SELECT count(*) FROM users WHERE id = 30") == [(0,)]


def test_relations_link_both_ways(page: Any, pg_studio: Running) -> None:
    open_table(page, pg_studio, "posts")
    page.locator('#grid tr[data-key=\'{"id":"1"}\'] td[data-col="user_id"] .fk-link').click()
    expect(page.locator("#grid tbody tr")).to_have_count(1)
    expect(page.locator("h2")).to_have_text("public.users")
    page.locator("#grid .open-row").first.click()
    page.locator(".ref-link").click()
    expect(page).to_have_url(re.compile("/posts"))
    expect(page.locator("h2")).to_have_text("public.posts")
    expect(page.locator("#grid tbody tr")).to_have_count(4)  # posts 1, 4, 7, 10
    user_ids = page.locator('#grid td[data-col="user_id"] .value').all_inner_texts()
    assert user_ids and set(user_ids) == {"2"}


def test_long_text_is_truncated_and_shown_whole_in_the_row(page: Any, sqlite_studio: Running) -> None:
    sqlite_studio.execute("UPDATE posts SET body = ? WHERE id = 1", ("z" * 3000 + "END",))
    open_table(page, sqlite_studio, "posts")
    assert "END" not in cell(page, "1", "body").inner_text()
    page.locator('#grid tr[data-key=\'{"id":"1"}\'] .open-row').click()
    page.wait_for_selector(".row-detail")
    assert "END" in page.locator(".row-detail").inner_text()


def test_values_are_shown_as_text_never_markup(page: Any, sqlite_studio: Running) -> None:
    sqlite_studio.execute("UPDATE users SET name = ? WHERE id = 1", ('<img src=x onerror="window.__xss=1">',))
    open_table(page, sqlite_studio, "users")
    assert "<img" in cell(page, "1", "name").inner_text()
    assert page.locator("#grid img").count() == 0
    assert page.evaluate("window.__xss") is None


def test_pages_forward_and_back(page: Any, pg_studio: Running) -> None:
    pg_studio.execute("INSERT INTO users (email, age) SELECT 'bulk' || i || '@x', i FROM generate_series(1, 150) i")
    open_table(page, pg_studio, "users")
    assert page.locator("#grid tbody tr").count() == 100
    page.click("#next-page")
    expect(page.locator("#page-number")).to_contain_text("page 2")
    assert page.locator("#grid tbody tr").count() == USERS + 150 - 100
    page.click("#prev-page")
    expect(page.locator("#page-number")).to_contain_text("page 1")


def test_sql_console_asks_before_writing(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "users")
    page.click('[data-tab="sql"]')
    page.fill("#sql-input", "DELETE FROM logs")
    page.click("#sql-run")
    page.wait_for_selector("#sql-confirm")
    assert sqlite_studio.query("SELECT count(*) FROM logs") == [(5,)]
    page.click("#sql-run-confirmed")
    page.wait_for_selector("#sql-summary")
    assert sqlite_studio.query("SELECT count(*) FROM logs") == [(0,)]
    page.fill("#sql-input", "SELECT email FROM users WHERE id = 1")
    page.click("#sql-run")
    page.wait_for_selector("#sql-grid")
    assert "u1@example.com" in page.locator("#sql-grid").inner_text()


def test_schema_view_and_read_only_tables(page: Any, sqlite_studio: Running) -> None:
    open_table(page, sqlite_studio, "logs")
    assert "no primary key" in page.locator("#read-only-reason").inner_text()
    assert page.locator("#insert-row").count() == 0
    page.dblclick('#grid td[data-col="message"] >> nth=0')
    assert page.locator(".cell-editor").count() == 0
    page.click('.table-link[data-table="posts"]')
    page.wait_for_selector("#grid tbody tr")
    page.click('[data-tab="schema"]')
    page.wait_for_selector(".schema-columns")
    assert "users(id)" in page.locator('.schema-columns tr[data-col="user_id"]').inner_text()
    expect(page.locator("#drift-list")).to_contain_text("no schema files")


def test_a_page_without_the_token_shows_nothing(page: Any, sqlite_studio: Running) -> None:
    response = page.goto(sqlite_studio.base + "/")
    assert response.status == 401
    assert "u1@example.com" not in page.content()


# --- the attack: another localhost page tries to write through the user's browser ---------------

ATTACK = """<!doctype html><html><body><form id="f" method="post" enctype="text/plain" action="STUDIO/api/sql">
<input name='{"sql":"DELETE FROM logs","confirm":true,"x":"' value='"}'></form>
<script>
const studio = "STUDIO";
const body = JSON.stringify({sql: "UPDATE users SET age = 0; DELETE FROM logs", confirm: true});
const results = [];
async function attack() {
  const tries = [
    fetch(studio + "/api/sql", {method: "POST", credentials: "include", body, headers: {"Content-Type": "application/json"}}),
    fetch(studio + "/api/sql", {method: "POST", credentials: "include", body, headers: {"Content-Type": "text/plain"}}),
    fetch(studio + "/api/sql", {method: "POST", credentials: "include", mode: "no-cors", body}),
    fetch(studio + "/api/delete", {method: "POST", credentials: "include", mode: "no-cors",
      body: JSON.stringify({schema: "public", table: "posts", rows: [{key: {id: "1"}}]})}),
    fetch(studio + "/api/update", {method: "POST", credentials: "include", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({schema: "public", table: "users", key: {id: "1"}, column: "age", expected: "1", value: "99"})}),
    fetch(studio + "/api/tables", {credentials: "include"}).then(r => r.text()),
  ];
  for (const t of tries.map((p) => p.then(String, (e) => "blocked: " + e))) results.push(await t);
  window.done = results;
  document.getElementById("f").submit();
}
attack();
</script></body></html>"""


@pytest.fixture
def attacker(pg_studio: Running) -> Iterator[str]:
    html = ATTACK.replace("STUDIO", pg_studio.base).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_another_localhost_page_cannot_write(page: Any, pg_studio: Running, attacker: str) -> None:
    page.goto(pg_studio.server.url)  # the user is signed in: the session cookie is set
    page.wait_for_selector(".table-link")
    page.goto(attacker)
    page.wait_for_function("window.done !== undefined || location.href.includes('/api/sql')", timeout=15_000)
    time.sleep(0.5)  # let the form post land too
    assert pg_studio.query("SELECT count(*), min(age) FROM users") == [(USERS, 1)]
    assert pg_studio.query("SELECT count(*) FROM logs") == [(5,)]
    assert pg_studio.query("SELECT count(*) FROM posts") == [(10,)]
    assert "u1@example.com" not in page.content()
