"""A schema big enough to be read in a child process (lsp/child_read): newer saves and
didClose kill the read, other documents answer meanwhile, only the newest save publishes,
and no child process is left behind."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, make_test_lsp_client

from schemalens.lsp.child_read import CHILD_READ_SIZE
from tests.lsp.conftest import SERVER, diagnostics, next_status, open_file, start, uri_of, wait, write_config

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate_schema import generate_schema  # noqa: E402

SMALL = "CREATE TABLE notes (\n    id integer PRIMARY KEY,\n    body text\n);\n"


def big_schema() -> str:
    """The fewest generated tables whose text crosses the threshold (~1,100)."""
    tables = CHILD_READ_SIZE // 1000
    while len(text := generate_schema(tables)) < CHILD_READ_SIZE:
        tables += 50
    return text


def children(client: LanguageClient) -> list[int]:
    """The server's child processes, zombies included (their ppid stays the server's)."""
    server = client._server.pid  # type: ignore[union-attr]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == server:
            found.append(int(stat.parent.name))
    return found


async def read_starts(client: LanguageClient) -> list[int]:
    """Wait for the child that reads the big file (a hang guard, not a timing)."""
    async def poll() -> list[int]:
        while not (found := children(client)):
            await asyncio.sleep(0.05)
        return found
    return await wait(poll(), 120)


async def read_ends(client: LanguageClient, pids: list[int]) -> None:
    async def poll() -> None:
        while set(pids) & set(children(client)):
            await asyncio.sleep(0.05)
    await wait(poll(), 60)


async def killed(capfd: pytest.CaptureFixture[str], path: Path) -> None:
    """Wait for the server log (its stderr, which pytest-lsp forwards) to say that the read
    of `path` was killed: seen there, not inferred from how long anything took."""
    seen = ""
    said = f"stopped reading {path.resolve()}: superseded, its reader process killed"

    async def poll() -> None:
        nonlocal seen
        while said not in seen:
            seen += capfd.readouterr().err
            await asyncio.sleep(0.05)
    try:
        await wait(poll(), 60)
    except TimeoutError:
        raise AssertionError(f"the server log never said {said!r}:\n{seen}") from None


def change_and_save(client: LanguageClient, path: Path, text: str, version: int) -> None:
    path.write_text(text, encoding="utf-8")
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(path), version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(path))))


def open_text(client: LanguageClient, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri_of(path), language_id="sql", version=1, text=text)))


def setup(project: Path, pg_url: str) -> tuple[Path, Path]:
    """The big schema in the workspace's project; a small one in a project of its own."""
    write_config(project, database_url=pg_url)
    other = project / "other"
    other.mkdir()
    write_config(other, database_url=pg_url)
    return project / "big.sql", other / "small.sql"


async def test_newest_save_wins_while_other_files_answer(client: LanguageClient, project: Path, pg_url: str,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    big, small = setup(project, pg_url)
    await start(client, project)
    await open_file(client, small, SMALL)
    text = big_schema()
    broken = text + "CREATE TABLE last_save (id integer,);\n"
    last_line = text.count("\n")
    statuses = len(client.statuses)

    open_text(client, big, text)
    await read_starts(client)
    finished = next_status(client)
    change_and_save(client, big, text + "-- second save\n", 2)
    await killed(capfd, big)  # the open's read
    change_and_save(client, big, broken, 3)

    hover = await wait(client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(small)), position=lsp.Position(line=0, character=14))))
    assert hover is not None and "notes" in hover.contents.value
    assert not finished.done()  # answered while the big file was being read

    status = await wait(finished, 180)
    assert status.uri == uri_of(big) and status.state == "error"
    assert len(client.statuses) == statuses + 1  # the open's and the first save's checks published nothing
    errors = [d for d in diagnostics(client, big) if d.severity == lsp.DiagnosticSeverity.Error]
    assert [d.range.start.line for d in errors] == [last_line], errors
    assert children(client) == []  # every read's process was waited for, killed or not


async def test_closing_the_file_stops_its_read(client: LanguageClient, project: Path, pg_url: str,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    big, small = setup(project, pg_url)
    await start(client, project)
    await open_file(client, small, SMALL)
    statuses = len(client.statuses)

    open_text(client, big, big_schema())
    reading = await read_starts(client)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(big))))
    await killed(capfd, big)
    await read_ends(client, reading)

    symbols = await wait(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(small)))))
    assert [s.name for s in symbols] == ["public.notes"]
    assert len(client.statuses) == statuses and diagnostics(client, big) == []
    assert children(client) == []


async def test_shutdown_stops_the_read(project: Path, pg_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    """A client of its own: the `client` fixture shuts the server down itself."""
    big, _ = setup(project, pg_url)
    client = make_test_lsp_client()
    await client.start_io(*SERVER)
    try:
        await start(client, project)
        open_text(client, big, big_schema())
        reading = await read_starts(client)
        await wait(client.shutdown_async(None))
        await killed(capfd, big)
        await read_ends(client, reading)
        client.exit(None)
        assert await wait(client._server.wait()) == 0  # type: ignore[union-attr]
    finally:
        if client._server.returncode is None:  # type: ignore[union-attr]
            client._server.kill()  # type: ignore[union-attr]
            await client._server.wait()  # type: ignore[union-attr]
        await client.stop()
