"""Code actions and commands change the database or the files as promised."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, next_status, diagnostics, open_file, save_file, start, uri_of, wait, write_config
from tests.lsp.edit_project import apply

PUSHED = """CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL
);
"""


def sqlite_db(path: Path, sql: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


def columns(db: Path, table: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


async def actions(client, path: Path, diags: list[lsp.Diagnostic] | None = None,
                  only: list[str] | None = None) -> list[lsp.CodeAction]:
    result = await wait(client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(path)),
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
        context=lsp.CodeActionContext(diagnostics=diags or [], only=only))))
    return list(result or [])


async def run(client, command: lsp.Command) -> object:
    return await wait(client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command=command.command, arguments=command.arguments)))


async def setup(client, project: Path, db_sql: str, schema_text: str):
    db = sqlite_db(project / "app.db", db_sql)
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    status = await open_file(client, schema, schema_text)
    return db, schema, status


async def test_push_from_the_file_action(client, project: Path) -> None:
    wanted = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT")
    db, schema, _ = await setup(client, project, PUSHED, wanted)

    found = await actions(client, schema)
    by_kind = {a.kind: a for a in found}
    assert by_kind["source.schemalens.push"].title == "Push schema to database (1 change)"
    assert "source.schemalens.previewSql" in by_kind
    assert [a.kind for a in await actions(client, schema, only=["source.schemalens.push"])] == [
        "source.schemalens.push"]

    waiting = next_status(client)
    answer = await run(client, by_kind["source.schemalens.push"].command)
    status = await wait(waiting)
    assert answer["ok"] is True
    assert columns(db, "users") == ["id", "email", "name"]
    assert status.state == "in-sync" and diagnostics(client, schema) == []
    assert any("pushed 1 change" in m.message for m in client.messages)
    assert client.progress_reports, "push reports work-done progress"


async def test_declining_data_loss_changes_nothing(client, project: Path) -> None:
    db, schema, _ = await setup(client, project, PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  legacy TEXT")
                                + "INSERT INTO users VALUES (1, 'a@b', 'x'), (2, 'c@d', NULL);", PUSHED)
    [push] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.push"]

    client.answers.append("Cancel")
    answer = await run(client, push.command)
    assert answer["ok"] is False
    [question] = client.questions
    assert "drops column main.users.legacy" in question.message and "(1 row hold data)" in question.message
    assert columns(db, "users") == ["id", "email", "legacy"]

    client.answers.append("Push and lose the data")
    answer = await run(client, push.command)
    assert answer["ok"] is True
    assert columns(db, "users") == ["id", "email"]


async def test_push_one_change_from_its_diagnostic(client, project: Path) -> None:
    wanted = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT") + \
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n"
    db, schema, _ = await setup(client, project, PUSHED, wanted)
    [missing] = by_code(client, schema, "missing-column")
    fixes = await actions(client, schema, [missing])
    [push_one] = [a for a in fixes if a.title.startswith("Push this change")]
    assert push_one.kind == "quickfix" and "name" in push_one.title
    assert push_one.command.arguments[0]["changeIds"] == missing.data["changeIds"]

    waiting = next_status(client)
    await run(client, push_one.command)
    status = await wait(waiting)
    assert columns(db, "users") == ["id", "email", "name"]
    assert columns(db, "tags") == []  # the other change was left alone
    assert status.changes == 1 and by_code(client, schema, "missing-table")


async def test_update_schema_file_from_database(client, project: Path) -> None:
    db_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, nickname TEXT);"
    db, schema, _ = await setup(client, project, db_sql, PUSHED)
    [extra] = by_code(client, schema, "extra-column")
    [update] = [a for a in await actions(client, schema, [extra])
                if a.title.startswith("Update schema file from database")]

    text = apply(PUSHED, update.edit)
    assert "nickname" in text
    status = await save_file(client, schema, text)
    assert status.state == "in-sync", diagnostics(client, schema)


async def test_treat_as_rename(client, project: Path) -> None:
    db_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);" \
             "INSERT INTO users VALUES (1, 'a@b', 'Ann');"
    wanted = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  full_name TEXT")
    db, schema, _ = await setup(client, project, db_sql, wanted)
    [added] = by_code(client, schema, "missing-column")
    assert "possibly a rename of name" in added.message
    [rename] = [a for a in await actions(client, schema, [added]) if a.title == "Treat as rename of name"]

    text = apply(wanted, rename.edit)
    assert "full_name TEXT -- @renamed from=name" in text
    await save_file(client, schema, text)
    [renamed] = by_code(client, schema, "pending-rename")
    assert "renames column" in renamed.message
    assert not by_code(client, schema, "data-loss")

    [push] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.push"]
    await run(client, push.command)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT full_name FROM users").fetchall() == [("Ann",)]
    conn.close()


async def test_preview_sql_opens_a_document(client, project: Path) -> None:
    wanted = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT")
    db, schema, _ = await setup(client, project, PUSHED, wanted)
    [preview] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.previewSql"]

    answer = await run(client, preview.command)
    assert "ALTER TABLE" in answer["sql"] and "name" in answer["sql"]
    [shown] = client.shown_documents
    assert Path(shown.uri.removeprefix("file://")).read_text() == answer["sql"]
    assert columns(db, "users") == ["id", "email"]  # nothing executed


async def test_no_database_push_creates_it(client, project: Path) -> None:
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, PUSHED)
    [push] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.push"]
    assert push.title == "Push schema to a new database (1 change)"

    waiting = next_status(client)
    await run(client, push.command)
    status = await wait(waiting)
    assert columns(project / ".schemalens" / "dev.db", "users") == ["id", "email"]
    assert status.state == "in-sync"


async def test_studio_command_serves_the_files_database(client, project: Path) -> None:
    import httpx

    db, schema, _ = await setup(client, project, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);",
                                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
    first = await wait(client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="schemalens.studio", arguments=[{"uri": uri_of(schema)}])))
    assert first["ok"] and first["url"].startswith("http://127.0.0.1:")
    again = await wait(client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="schemalens.studio", arguments=[{"uri": uri_of(schema)}])))
    assert again["url"] == first["url"]  # one studio per database for the session
    with httpx.Client(follow_redirects=True) as http:
        page = http.get(first["url"])
        assert page.status_code == 200
        tables = http.get(first["url"].split("?")[0].rstrip("/") + "/api/tables")
        assert tables.status_code == 200 and "notes" in tables.text


async def test_update_a_column_from_the_database_keeps_the_other_lines(client, project: Path) -> None:
    text = ("CREATE TABLE users (\n"
            "  id INTEGER PRIMARY KEY, -- 🔑 the rowid\n"
            "  email TEXT,             -- may be NULL here\n"
            "  name TEXT               -- shown\n"
            ");\n")
    db_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);"
    _, schema, _ = await setup(client, project, db_sql, text)
    [differs] = by_code(client, schema, "column-differs")
    [update] = [a for a in await actions(client, schema, [differs])
                if a.title.startswith("Update schema file from database")]

    [(_, [edit])] = update.edit.changes.items()
    assert edit.range == lsp.Range(start=lsp.Position(line=2, character=2), end=lsp.Position(line=2, character=12))
    fixed = apply(text, update.edit)
    assert fixed == text.replace("email TEXT,", "email TEXT NOT NULL,")
    status = await save_file(client, schema, fixed)
    assert status.state == "in-sync", diagnostics(client, schema)


async def test_update_a_column_from_a_postgresql_database(client, project: Path, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                     "sku text NOT NULL, price numeric(8,2), stock integer DEFAULT 0)")
    text = ("CREATE TABLE items (\n"
            "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- surrogate\n"
            "    sku text NOT NULL,   -- 📦 stock keeping unit\n"
            "    price numeric(8,2)   -- net\n"
            ");\n")
    write_config(project, database_url=pg_url)
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, text)
    [extra] = by_code(client, schema, "extra-column")
    [update] = [a for a in await actions(client, schema, [extra])
                if a.title.startswith("Update schema file from database")]

    fixed = apply(text, update.edit)
    assert fixed == text.replace("numeric(8,2)   -- net\n", "numeric(8,2),   -- net\n    stock integer DEFAULT 0\n")
    status = await save_file(client, schema, fixed)
    assert status.state == "in-sync", diagnostics(client, schema)


async def test_push_one_change_of_a_rebuilt_sqlite_table_says_what_comes_along(client, project: Path) -> None:
    """SQLite adds a CHECK by rebuilding the table to the file's shape, which also drops the
    column only the database has: the quick fix says so, and asks before losing it."""
    db_sql = ("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, legacy TEXT);"
              "INSERT INTO users VALUES (1, 'a@b', 'keep me');")
    wanted = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL CHECK (email <> '')")
    db, schema, _ = await setup(client, project, db_sql, wanted)
    [missing] = by_code(client, schema, "missing-constraint")
    [push_one] = [a for a in await actions(client, schema, [missing]) if a.title.startswith("Push this change")]
    assert "SQLite rebuilds users: with its 1 other change" in push_one.title
    assert push_one.title.endswith("(data loss: asks first)")

    client.answers.append("Cancel")
    answer = await run(client, push_one.command)
    assert answer["ok"] is False and "legacy" in client.questions[-1].message
    assert columns(db, "users") == ["id", "email", "legacy"]
