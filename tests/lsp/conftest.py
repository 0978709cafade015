"""A real `schemalens lsp` process driven over stdio by pytest-lsp's client.

Every test starts its own server in a fresh project folder (`project`), so that settings,
caches and databases never leak between tests. Helpers wait for the server's
`schemalens/status` notification, which it sends after the diagnostics of a check.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls import uris
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lsp.edit_project import Project, pg_maker, sqlite_maker

SERVER = [sys.executable, "-m", "schemalens", "lsp"]
STATUS = "schemalens/status"


def _structure_action(converter: Any) -> None:
    """lsprotocol 2025.0.0 structures a CodeAction with an embedded command as a Command
    (facts.md): pick Command only when `command` is a string."""
    from typing import Union

    union = Union[lsp.Command, lsp.CodeAction]

    def hook(obj: Any, _: Any) -> Any:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, lsp.Command)
        return converter.structure(obj, lsp.CodeAction)

    converter.register_structure_hook(union, hook)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    _structure_action(lsp_client.protocol._converter)
    lsp_client.statuses = []  # type: ignore[attr-defined]
    lsp_client.answers = []  # type: ignore[attr-defined]  # titles to pick, in order
    lsp_client.questions = []  # type: ignore[attr-defined]
    lsp_client.edits = []  # type: ignore[attr-defined]

    @lsp_client.feature(STATUS)
    def on_status(params: Any) -> None:
        lsp_client.statuses.append(params)

    @lsp_client.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
    def on_question(params: lsp.ShowMessageRequestParams) -> lsp.MessageActionItem | None:
        lsp_client.questions.append(params)
        if not lsp_client.answers:
            return None
        wanted = lsp_client.answers.pop(0)
        return next((a for a in params.actions or [] if a.title == wanted), None)

    @lsp_client.feature(lsp.WORKSPACE_APPLY_EDIT)
    def on_edit(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
        lsp_client.edits.append(params)
        return lsp.ApplyWorkspaceEditResult(applied=True)

    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def write_config(folder: Path, **values: str) -> None:
    lines = [f'{key} = "{value}"' for key, value in values.items()]
    (folder / "schemalens.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def start(client: LanguageClient, folder: Path, options: dict[str, Any] | None = None,
                capabilities: lsp.ClientCapabilities | None = None) -> Any:
    """Initialize the session; returns the server's first status ("starting"), awaited here
    so that a test's next status is a check's."""
    starting = next_status(client)
    await client.initialize_session(lsp.InitializeParams(
        capabilities=capabilities or client_capabilities("visual-studio-code"),
        root_uri=uris.from_fs_path(str(folder)),
        workspace_folders=[lsp.WorkspaceFolder(uri=uris.from_fs_path(str(folder)), name=folder.name)],
        initialization_options=options,
    ))
    return await wait(starting)


def next_status(client: LanguageClient) -> Any:
    """A future for the next status notification, registered now (the client's
    `wait_for_notification` coroutine registers only once awaited)."""
    return client.protocol.wait_for_notification_async(STATUS)


def uri_of(path: Path) -> str:
    return uris.from_fs_path(str(path))


async def open_file(client: LanguageClient, path: Path, text: str | None = None) -> Any:
    """Open a document and wait for the end of its check (returns the status)."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    waiting = next_status(client)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri_of(path), language_id="sql", version=1, text=text)))
    return await wait(waiting)


async def wait(awaitable: Any, seconds: float = 60) -> Any:
    """Fail with a timeout instead of hanging the suite when the server never answers."""
    return await asyncio.wait_for(awaitable, seconds)


async def save_file(client: LanguageClient, path: Path, text: str, version: int = 2) -> Any:
    """Replace the document's text, write it to disk, save, and wait for the check."""
    path.write_text(text, encoding="utf-8")
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(path), version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    waiting = next_status(client)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(
        uri=uri_of(path))))
    return await wait(waiting)


def diagnostics(client: LanguageClient, path: Path) -> list[lsp.Diagnostic]:
    return list(client.diagnostics.get(uri_of(path), []))


def by_code(client: LanguageClient, path: Path, code: str) -> list[lsp.Diagnostic]:
    return [d for d in diagnostics(client, path) if d.code == code]


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Callable[[str], Project]:
    """Projects over a SQLite database made from the SQL (the quick-fix tests)."""
    return sqlite_maker(tmp_path)


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Callable[[str], Project]:
    """Projects over the test's PostgreSQL database, made from the SQL."""
    return pg_maker(tmp_path, pg_url)
