"""Preview SQL: a document the editor opens (or, in a client that cannot open documents,
a message and a log entry), which the server never checks as a schema."""

from __future__ import annotations

from pathlib import Path

import attrs
from lsprotocol import types as lsp
from pytest_lsp import client_capabilities

from tests.lsp.conftest import diagnostics, open_file, start, uri_of, wait, write_config
from tests.lsp.test_actions import PUSHED, actions, columns, run, sqlite_db

WANTED = PUSHED.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT")


async def test_an_opened_preview_is_never_checked(client, project: Path) -> None:
    """Its ALTER TABLE read as a schema gave "no such table" errors, an "error" status and
    problems that stayed after the tab closed."""
    await start(client, project)  # nothing configured: any SQL file opened would be a schema
    schema = project / "schema.sql"
    sqlite_db(project / "app.db", PUSHED)
    write_config(project, database_url=f"sqlite:///{project / 'app.db'}")
    first = await open_file(client, schema, WANTED)
    [preview] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.previewSql"]
    answer = await run(client, preview.command)
    shown = Path(client.shown_documents[-1].uri.removeprefix("file://"))

    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri_of(shown), language_id="sql", version=1, text=answer["sql"])))
    checked = await wait(client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="schemalens.check", arguments=[{"uri": uri_of(shown)}])))
    assert checked["ok"] is False and "is not a schema file" in checked["message"]
    assert diagnostics(client, shown) == []
    assert [s.uri for s in client.statuses if s.state != "starting"] == [uri_of(schema)]
    assert first.state == "drift" and first.project == uri_of(project) and first.database.endswith("app.db")
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(shown))))
    assert diagnostics(client, shown) == []


async def test_preview_without_show_document_is_a_message_and_a_log(client, project: Path) -> None:
    """Neovim 0.7 cannot window/showDocument: the preview did nothing visible there."""
    db = sqlite_db(project / "app.db", PUSHED)
    write_config(project, database_url=f"sqlite:///{db}")
    capabilities = client_capabilities("visual-studio-code")
    capabilities = attrs.evolve(capabilities, window=attrs.evolve(capabilities.window, show_document=None))
    await start(client, project, capabilities=capabilities)
    schema = project / "schema.sql"
    await open_file(client, schema, WANTED)
    [preview] = [a for a in await actions(client, schema) if a.kind == "source.schemalens.previewSql"]

    answer = await run(client, preview.command)
    assert not client.shown_documents
    [message] = [m for m in client.messages if "push would run" in m.message]
    assert "ALTER TABLE" in message.message and answer["sql"] in message.message
    assert any(answer["sql"] in m.message for m in client.log_messages)
    assert columns(db, "users") == ["id", "email"]  # nothing executed
