"""The server's life with a client: the status it shows while starting, and settings
changed while it runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, next_status, open_file, start, wait
from tests.lsp.test_actions import PUSHED, sqlite_db


async def test_starting_is_the_first_status(client, project: Path) -> None:
    """A loaded machine takes seconds to the first check: the client has a state to show."""
    starting = await start(client, project)
    assert client.statuses == [starting]
    assert starting.state == "starting" and starting.uri is None
    status = await open_file(client, project / "schema.sql", PUSHED)
    assert status.state == "drift"  # no database yet: push would create it


async def test_settings_pushed_with_did_change_configuration_are_used(client, project: Path) -> None:
    """Only initializationOptions and workspace/configuration were read; Neovim, Helix and
    Emacs push their settings with workspace/didChangeConfiguration."""
    same = sqlite_db(project / "same.db", PUSHED)
    other = sqlite_db(project / "other.db", PUSHED)
    sqlite3.connect(other).execute("ALTER TABLE users ADD COLUMN nickname TEXT").connection.close()
    await start(client, project, options={"databaseUrl": f"sqlite:///{same}"})
    schema = project / "schema.sql"
    assert (await open_file(client, schema, PUSHED)).state == "in-sync"

    waiting = next_status(client)
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"schemalens": {"databaseUrl": f"sqlite:///{other}"}}))
    status = await wait(waiting)
    assert status.state == "drift" and status.database.endswith("other.db")
    [extra] = by_code(client, schema, "extra-column")
    assert "nickname" in extra.message

    waiting = next_status(client)  # a client that only says "changed" keeps what it pushed
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    assert (await wait(waiting)).database.endswith("other.db")
