"""What the lightbulb offers: on a drift diagnostic push, generate and preview as well;
actions for the editor's unsaved text; no push where migrations keep the history;
update-from-database fixes that say what they do."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, next_status, open_file, save_file, start, uri_of, wait, write_config
from tests.lsp.test_actions import PUSHED, actions, run, sqlite_db

WANTED = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT")


async def open_project(client, project: Path, db_sql: str, text: str) -> Path:
    db = sqlite_db(project / "app.db", db_sql)
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, text)
    return schema


async def test_the_lightbulb_of_a_drift_diagnostic_offers_push_generate_preview(client, project: Path) -> None:
    """They were Source Actions only, which a lightbulb does not show."""
    schema = await open_project(client, project, PUSHED, WANTED)
    [missing] = by_code(client, schema, "missing-column")

    found = await actions(client, schema, [missing])
    titles = [a.title for a in found]
    for title in ("Push schema to database (1 change)", "Generate migration", "Preview SQL"):
        [lifted] = [a for a in found if a.title == title]
        assert lifted.kind == "quickfix" and list(lifted.diagnostics) == [missing]
    assert len(titles) == len(set(titles))  # a client that lists everything lists each once
    assert not [a for a in found if (a.kind or "").startswith("source")]
    assert [a.kind for a in await actions(client, schema, [missing], only=["source"])] == [
        "source.schemalens.push", "source.schemalens.generate", "source.schemalens.previewSql"]


async def test_actions_after_an_unsaved_edit_are_for_the_unsaved_text(client, project: Path) -> None:
    """They came from the last check: "No code actions available" for a new unsaved column."""
    schema = await open_project(client, project, PUSHED, PUSHED)
    assert await actions(client, schema) == []

    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=WANTED)]))
    found = await actions(client, schema)
    assert "Push schema to database (1 change)" in [a.title for a in found]
    assert schema.read_text() == PUSHED  # nothing was saved


async def test_a_database_kept_by_migrations_is_offered_generate_not_push(client, project: Path) -> None:
    """Push is refused there, whatever the user answers: it was offered anyway."""
    (project / "migrations").mkdir()
    schema = await open_project(client, project, "", PUSHED)
    [generate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.generate"]
    await run(client, generate.command)
    [migrate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.migrate"]
    waiting = next_status(client)
    await run(client, migrate.command)
    assert (await wait(waiting)).state == "in-sync"

    await save_file(client, schema, WANTED)
    [missing] = by_code(client, schema, "missing-column")
    found = await actions(client, schema, [missing])
    assert not [a for a in found if "Push" in a.title]
    assert [a.title for a in found if a.kind == "quickfix" and a.command] == ["Generate migration", "Preview SQL"]
    assert [a.kind for a in await actions(client, schema)] == [
        "source.schemalens.generate", "source.schemalens.previewSql"]


async def test_updating_from_the_database_says_what_still_refers_to_a_table(client, project: Path) -> None:
    """Deleting a CREATE TABLE left the foreign keys to it dangling, unannounced; several
    fixes in one request all read "Update schema file from database"."""
    text = ("CREATE TABLE authors (id INTEGER PRIMARY KEY);\n"
            "CREATE TABLE books (\n"
            "  id INTEGER PRIMARY KEY,\n"
            "  author_id INTEGER REFERENCES authors (id)\n"
            ");\n")
    schema = await open_project(client, project, "CREATE TABLE books (id INTEGER PRIMARY KEY, nickname TEXT);",
                                text)
    drift = [d for d in by_code(client, schema, "missing-table") + by_code(client, schema, "missing-column")
             + by_code(client, schema, "extra-column")]
    assert len(drift) == 3

    updates = [a.title for a in await actions(client, schema, drift)
               if a.title.startswith("Update schema file from database")]
    assert "Update schema file from database: main.authors (deletes its CREATE TABLE; still referenced by " \
           "main.books (author_id))" in updates
    assert "Update schema file from database: main.books.nickname" in updates
    assert len(updates) == len(set(updates)) >= 2
