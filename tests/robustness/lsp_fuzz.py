"""The language server's fuzz: one real `schemalens lsp` over stdio fed hostile edits.

Each step replaces an open document's text with a hostile file (inputs.py: the readers'
mutations, lone surrogates arriving as JSON escapes the way an editor sends undecodable
bytes), or edits a range of it in place (an incremental change, its range sometimes past
the end or inside a character UTF-16 counts twice), then asks for hover, code actions and
the outline at random places (some past the end). Every fourth step saves (a check against the database runs), every 25th closes the
document and opens it again. Counted: requests not answered within LIMIT (hangs),
crashes (the server dying, a handler's or a check's failure report, a "could not parse
this file" diagnostic: a reader's exception), protocol errors (an error response, pytest-lsp's
specification warnings, a range that is not a range) and the server's peak memory.

`python3 -m tests.robustness.lsp_fuzz [--long] [--seed N]` (repository root, `server` on
PYTHONPATH, SCHEMALENS_TEST_PG_URL a PostgreSQL the checks read) prints the figures row;
exits 1 on any failure. Bounded: 300 edits; long: 5,000.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls import uris
from pytest_lsp import LanguageClient, LspSpecificationWarning, client_capabilities, make_test_lsp_client

from tests.lsp.conftest import _structure_action
from tests.robustness.inputs import DIALECTS, hostile

SERVER = [sys.executable, "-m", "schemalens", "lsp"]
LIMIT = 60.0  # seconds per request: a bound that the server answers, not a speed figure
SAVE_EVERY, REOPEN_EVERY = 4, 25
# Edits that broke the server once, sent first in every run: a syntax error quoting a
# 100,000-character token (the secret-masking rule every diagnostic passes was quadratic:
# the event loop stood still for minutes).
BROKE_IT = ("CREATE TABLE t (a int) " + "x" * 100_000 + ";\n",)
INCREMENTAL = 0.3  # the share of steps that edit a range instead of replacing the text
ASTRAL = ('"t😀"', "😀", "é", "\U0001d400", '"😀😀" int', "\u200d")  # characters UTF-16 counts twice, and others


@dataclass
class Figures:
    edits: int = 0
    requests: int = 0
    checks: int = 0  # the checks that finished (schemalens/status notifications)
    hangs: int = 0
    crashes: int = 0
    protocol_errors: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def fail(self, kind: str, step: str, detail: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.failures.append(f"{step}: {kind}: {detail[:500]}")


def projects(root: Path, pg_url: str) -> dict[str, Path]:
    """One project per dialect, each with the one schema file the fuzz edits."""
    urls = {"postgresql": pg_url, "sqlite": f"sqlite:///{root / 'sqlite' / 'fuzz.db'}"}
    files = {}
    for dialect in DIALECTS:
        folder = root / dialect
        folder.mkdir()
        (folder / "schemalens.toml").write_text(f'database_url = "{urls[dialect]}"\n', encoding="utf-8")
        files[dialect] = folder / "schema.sql"
    return files


def _bad_range(r: lsp.Range | None) -> bool:
    return r is not None and (min(r.start.line, r.start.character, r.end.line, r.end.character) < 0
                              or (r.start.line, r.start.character) > (r.end.line, r.end.character))


def _position(text: str, rng: random.Random) -> lsp.Position:
    lines = text.split("\n")
    line = rng.randrange(len(lines) + 2)  # sometimes past the end
    width = len(lines[line]) if line < len(lines) else 0
    return lsp.Position(line=line, character=rng.randint(0, width + 3))


class Session:
    def __init__(self, client: LanguageClient, figures: Figures) -> None:
        self.client, self.figures = client, figures
        self.versions: dict[str, int] = {}
        self.shown: dict[str, list[lsp.Diagnostic]] = {}  # uri -> its diagnostics now
        self.logs_seen = 0

    def judge_reports(self, step: str) -> None:
        """The failure reports the server sent since the last call — a handler that raised
        (guarded logs it as an Error), a check that failed — and the diagnostics published
        since (each judged once)."""
        for message in self.client.log_messages[self.logs_seen:]:
            if message.type == lsp.MessageType.Error or "failed" in message.message:
                self.figures.fail("crashes", step, message.message)
        self.logs_seen = len(self.client.log_messages)
        for uri, diags in self.client.diagnostics.items():
            for d in diags:
                if "could not parse this file" in d.message:
                    self.figures.fail("crashes", step, d.message)
                if _bad_range(d.range):
                    self.figures.fail("protocol_errors", step, f"diagnostic range {d.range}")
            self.shown[uri] = list(diags)
        self.client.diagnostics.clear()

    async def ask(self, step: str, name: str, request: Any) -> Any:
        self.figures.requests += 1
        try:
            return await asyncio.wait_for(request, LIMIT)
        except asyncio.TimeoutError:
            self.figures.fail("hangs", step, f"{name} not answered in {LIMIT:.0f} s")
        except Exception as e:  # an error response, or the connection gone
            self.figures.fail("protocol_errors", step, f"{name}: {type(e).__name__}: {e}")
        return None

    def open(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        self.versions[str(path)] = 1
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
            uri=uris.from_fs_path(str(path)), language_id="sql", version=1, text=text)))

    def change(self, path: Path, text: str) -> None:
        self.versions[str(path)] += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uris.from_fs_path(str(path)),
                                                              version=self.versions[str(path)]),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))

    def edit(self, path: Path, start: lsp.Position, end: lsp.Position, text: str) -> None:
        self.versions[str(path)] += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uris.from_fs_path(str(path)),
                                                              version=self.versions[str(path)]),
            content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end),
                                                                   text=text)]))

    def save(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        self.client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=uris.from_fs_path(str(path)))))

    def close(self, path: Path) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=uris.from_fs_path(str(path)))))

    async def probe(self, step: str, path: Path, text: str, rng: random.Random) -> None:
        """Hover, code actions and the outline, each at a random place."""
        uri = uris.from_fs_path(str(path))
        doc = lsp.TextDocumentIdentifier(uri=uri)
        here = _position(text, rng)
        hover = await self.ask(step, "hover", self.client.text_document_hover_async(
            lsp.HoverParams(text_document=doc, position=here)))
        if hover is not None and _bad_range(hover.range):
            self.figures.fail("protocol_errors", step, f"hover range {hover.range}")
        there = _position(text, rng)
        start, end = sorted([here, there], key=lambda p: (p.line, p.character))
        diags = self.shown.get(uri, [])
        await self.ask(step, "codeAction", self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=doc, range=lsp.Range(start=start, end=end),
            context=lsp.CodeActionContext(diagnostics=diags))))
        symbols = await self.ask(step, "documentSymbol", self.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=doc)))
        for symbol in symbols or []:
            if _bad_range(getattr(symbol, "range", None)):
                self.figures.fail("protocol_errors", step, f"symbol range {symbol}")


async def _drain(stream: asyncio.StreamReader, into: list[str]) -> None:
    """The server's stderr (its log), read as it comes: a full pipe would stall the server."""
    while line := await stream.readline():
        into.append(line.decode("utf-8", "replace"))


def _peak_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return kb / 1024


async def fuzz_server(pg_url: str, edits: int, first: int = 0) -> Figures:
    figures = Figures()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LspSpecificationWarning)
        root = Path(tmp)
        files = projects(root, pg_url)
        client = make_test_lsp_client()
        _structure_action(client.protocol._converter)

        @client.feature("schemalens/status")
        def on_status(params: Any) -> None:
            figures.checks += 1

        await client.start_io(*SERVER)
        client._stderr_forwarder.cancel()  # type: ignore[union-attr]  # the log is read here instead
        log_lines: list[str] = []
        draining = asyncio.create_task(_drain(client._server.stderr, log_lines))  # type: ignore[union-attr]
        await client.initialize_session(lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=uris.from_fs_path(str(root)),
            workspace_folders=[lsp.WorkspaceFolder(uri=uris.from_fs_path(str(root)), name="fuzz")]))
        session = Session(client, figures)
        texts = {dialect: hostile(dialect, first)[1] for dialect in files}
        for dialect, path in files.items():
            session.open(path, texts[dialect])
        for known, text in enumerate(BROKE_IT):
            for dialect, path in files.items():
                session.change(path, text)
                session.save(path, text)
                await session.probe(f"{dialect} known input {known}", path, text, random.Random(known))
                session.judge_reports(f"{dialect} known input {known}")
        for seed in range(first, first + edits):
            if client.error is not None or client._server.returncode is not None:  # type: ignore[union-attr]
                figures.fail("crashes", f"seed {seed}", f"the server ended: {client.error}")
                break
            dialect = DIALECTS[seed % len(DIALECTS)]
            mutation, text = hostile(dialect, seed)
            rng = random.Random(f"lsp:{seed}")
            path = files[dialect]
            if seed % REOPEN_EVERY == REOPEN_EVERY - 1:
                session.close(path)
                session.open(path, text)
            elif rng.random() < INCREMENTAL:
                start, end = sorted([_position(texts[dialect], rng) for _ in range(2)],
                                    key=lambda p: (p.line, p.character))
                piece = rng.choice(ASTRAL) + text[:rng.randint(0, 200)] + rng.choice(ASTRAL)
                session.edit(path, start, end, piece)
                mutation += ", as a range edit"
                text = texts[dialect]  # (positions are drawn from the text before the edit)
            else:
                session.change(path, text)
            texts[dialect] = text
            step = f"{dialect} seed {seed} ({mutation})"
            if seed % SAVE_EVERY == SAVE_EVERY - 1:
                session.save(path, text)
            figures.edits += 1
            await session.probe(step, path, text, rng)
            session.judge_reports(step)
        figures.peak_mb = _peak_mb(client._server.pid)  # type: ignore[union-attr]
        if client.error is None and client._server.returncode is None:  # type: ignore[union-attr]
            await asyncio.wait_for(client.shutdown_session(), LIMIT)
        session.judge_reports("shutdown")
        await draining
        for at, line in enumerate(log_lines):  # a traceback in the server log: something raised
            if line.startswith("Traceback"):
                figures.fail("crashes", "server log", "".join(log_lines[at:at + 30]))
        for warning in caught:
            if issubclass(warning.category, LspSpecificationWarning):
                figures.fail("protocol_errors", "specification", str(warning.message))
    figures.seconds = time.monotonic() - started
    return figures


def row(figures: Figures) -> str:
    """The README's Reliability table row (columns: check, inputs, crashes, hangs, peak
    memory, time)."""
    return (f"| fuzzed edits through one language server, hover / code actions / outline after each "
            f"(protocol errors: {figures.protocol_errors}) | {figures.edits:,} edits, {figures.requests:,} requests, "
            f"{figures.checks:,} checks | {figures.crashes} | {figures.hangs} | {figures.peak_mb:.0f} MB "
            f"| {figures.seconds:.0f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="5,000 edits instead of 300")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    url = os.environ.get("SCHEMALENS_TEST_PG_URL")
    if not url:
        sys.exit("set SCHEMALENS_TEST_PG_URL to a PostgreSQL the checks may read")
    figures = asyncio.run(fuzz_server(url, 5_000 if args.long else 300, args.seed))
    print(row(figures))
    for failure in figures.failures:
        print(failure, file=sys.stderr)
    sys.exit(1 if figures.failures else 0)


if __name__ == "__main__":
    main()
