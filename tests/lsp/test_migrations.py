"""Generate and migrate from the editor, and what migration files show, on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, next_status, open_file, start, uri_of, wait, write_config
from tests.lsp.test_actions import actions, run

SCHEMA = """CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL
);
"""


async def open_with_migrations(client, project: Path, pg_url: str) -> Path:
    """A project with a migrations folder on PostgreSQL, its schema file open."""
    write_config(project, database_url=pg_url)
    (project / "migrations").mkdir()
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, SCHEMA)
    return schema


async def test_generate_then_migrate_then_edited_migration(client, project: Path, pg_url: str) -> None:
    schema = await open_with_migrations(client, project, pg_url)
    [ahead] = by_code(client, schema, "migration-needed")
    assert "1 change ahead of the last migration" in ahead.message

    [generate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.generate"]
    waiting = next_status(client)
    answer = await run(client, generate.command)
    status = await wait(waiting)
    assert answer["ok"] is True
    up = project / "migrations" / f"{answer['tag']}.sql"
    assert "CREATE TABLE" in up.read_text()
    assert not by_code(client, schema, "migration-needed")
    assert status.state == "pending" and status.pending == 1
    [pending] = by_code(client, up, "migration-pending")
    assert pending.severity == lsp.DiagnosticSeverity.Information

    [migrate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.migrate"]
    assert migrate.title == "Run pending migrations (1)"
    waiting = next_status(client)
    answer = await run(client, migrate.command)
    status = await wait(waiting)
    assert answer["ok"] is True
    assert status.state == "in-sync"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
    [applied] = by_code(client, up, "migration-applied")
    assert applied.severity == lsp.DiagnosticSeverity.Hint

    # an applied migration edited afterwards is an error on that file
    up.write_text(up.read_text() + "\n-- sneaky edit\n")
    waiting = client.protocol.wait_for_notification_async(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri_of(up), language_id="sql", version=1, text=up.read_text())))
    await wait(waiting)
    [edited] = by_code(client, up, "migration-edited")
    assert edited.severity == lsp.DiagnosticSeverity.Error and "edited after it was applied" in edited.message


async def test_failed_migration_points_at_its_line(client, project: Path, pg_url: str) -> None:
    schema = await open_with_migrations(client, project, pg_url)
    [generate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.generate"]
    waiting = next_status(client)
    answer = await run(client, generate.command)
    await wait(waiting)
    up = project / "migrations" / f"{answer['tag']}.sql"
    # a statement the database rejects, on a known line
    text = up.read_text() + "\n-- schemalens:statement\nSELECT no_such_function();\n"
    up.write_text(text)
    from schemalens.config import load_settings
    from schemalens.history import rehash

    rehash(load_settings(start=project))
    [migrate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.migrate"]
    answer = await run(client, migrate.command)
    assert answer["ok"] is False and "no_such_function" in answer["message"]
    [failed] = by_code(client, up, "migration-failed")
    line = text.splitlines().index("SELECT no_such_function();")
    assert failed.range.start.line == line
    with psycopg.connect(pg_url) as conn:  # the migration's CREATE TABLE was rolled back
        assert conn.execute("SELECT to_regclass('public.users')").fetchone() == (None,)


async def test_generate_takes_the_editors_unsaved_text(client, project: Path, pg_url: str) -> None:
    """Like push, generate acts on what the user sees: the editor's text, saved or not."""
    schema = await open_with_migrations(client, project, pg_url)
    unsaved = SCHEMA + "CREATE TABLE tags (id int PRIMARY KEY);\n"
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=unsaved)]))
    [generate] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.generate"]
    answer = await run(client, generate.command)
    up = (project / "migrations" / f"{answer['tag']}.sql").read_text()
    assert "tags" in up and "users" in up
    assert schema.read_text() == SCHEMA  # the file itself is the user's to save
