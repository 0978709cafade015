"""Save -> diagnostics latency of `schemalens lsp` over the protocol (issue 4's target).

For each size N a throwaway PostgreSQL gets the generated N-table schema (so the file and
the database start in sync), and a real server process is driven over stdio:

- cold: a fresh server opens the file (imports done, nothing cached: connection,
  catalog read, parse, diff) -> time until its `schemalens/status` notification;
- warm: the same server, one statement of the file changed and saved -> status;
- warm, lines added: the same server, columns added to the first table, so the lines of
  every table below it move (the most common edit);
- warm + database change: as warm, but someone altered the database just before the
  save; the run also asserts that the change shows up in that save's diagnostics.

Prints p50/p95 per case and the server's peak RSS (VmHWM). Targets: warm p50 at 1,000
tables under 300 ms, RSS under 300 MB.

    python bench/lsp_latency.py --sizes 100,1000 --cold 3 --warm 30
    python bench/lsp_latency.py --tree /tmp/before --tree .      # trees one after the other
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from engine import prepare  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

STATUS = "schemalens/status"


@dataclass
class Case:
    name: str
    ms: list[float] = field(default_factory=list)

    def p(self, q: float) -> float:
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Driver:
    """One server process and the client side of its stdio connection."""

    def __init__(self, project: Path, tree: Path) -> None:
        self.project = project
        self.tree = tree
        self.client = LanguageClient("schemalens-bench", "1")
        self.statuses: asyncio.Queue[Any] = asyncio.Queue()
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}

        @self.client.feature(STATUS)
        def on_status(params: Any) -> None:
            self.statuses.put_nowait(params)

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics

        @self.client.feature(lsp.WORKSPACE_CONFIGURATION)
        def on_configuration(params: lsp.ConfigurationParams) -> list[Any]:
            return [{} for _ in params.items]

    async def start(self) -> None:
        path = os.pathsep.join(p for p in (str(self.tree / "server"), os.environ.get("PYTHONPATH", "")) if p)
        await self.client.start_io(sys.executable, "-m", "schemalens", "lsp", env={**os.environ, "PYTHONPATH": path})
        folder = uris.from_fs_path(str(self.project))
        await self.client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(workspace=lsp.WorkspaceClientCapabilities(configuration=True)),
            root_uri=folder, workspace_folders=[lsp.WorkspaceFolder(uri=folder, name="bench")]))
        self.client.initialized(lsp.InitializedParams())

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    async def open(self, path: Path) -> float:
        started = time.perf_counter()
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
            uri=uris.from_fs_path(str(path)), language_id="sql", version=1, text=path.read_text())))
        await self.check_status()
        return (time.perf_counter() - started) * 1000

    async def save(self, path: Path, text: str, version: int) -> tuple[float, Any]:
        path.write_text(text)
        uri = uris.from_fs_path(str(path))
        started = time.perf_counter()
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        self.client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri)))
        status = await self.check_status()
        return (time.perf_counter() - started) * 1000, status

    async def check_status(self) -> Any:
        """The next check's status; the server also sends one ("starting") on `initialized`,
        before any check: taking that one as the open's answer would time every later save
        against the check before it."""
        while True:
            status = await asyncio.wait_for(self.statuses.get(), float(os.environ.get("BENCH_STATUS_TIMEOUT", "600")))
            if _state(status) != "starting":
                return status

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def _state(status: Any) -> Any:
    return status.get("state") if isinstance(status, dict) else getattr(status, "state", None)


def edited(text: str, i: int) -> str:
    """The file with one statement changed: a `varchar` length in the i-th table that
    has one (varies between saves, so every save is a real change)."""
    marker = "varchar("
    at = -1
    for _ in range(i % 50 + 1):
        at = text.find(marker, at + 1)
    if at < 0:
        return text + f"\n-- edit {i}\n"
    end = text.index(")", at)
    return text[:at] + f"varchar({300 + i % 7})" + text[end + 1:]


def lines_added(text: str, i: int) -> str:
    """The file with 1 to 3 columns added to its first table (a different count than the
    save before, so every table below moves by a line or more at each save)."""
    at = text.index("(\n", text.index("CREATE TABLE")) + 2
    added = "".join(f"    bench_line_{k} integer,\n" for k in range(i % 3 + 1))
    return text[:at] + added + text[at:]


async def bench_size(url: str, project: Path, n: int, cold_runs: int, warm_runs: int,
                     tree: Path) -> tuple[list[Case], float]:
    schema = project / "schema.sql"
    (project / "schemalens.toml").write_text(f'schema = "schema.sql"\ndatabase_url = "{url}"\n')
    original = schema.read_text()
    cold = Case(f"N={n} cold (fresh server, open)")
    peak = 0.0
    for _ in range(cold_runs):
        driver = Driver(project, tree)
        await driver.start()
        cold.ms.append(await driver.open(schema))
        peak = max(peak, driver.peak_rss_mb())
        await driver.stop()
    warm = Case(f"N={n} warm (one statement changed, save)")
    changed_db = Case(f"N={n} warm + database changed before the save")
    driver = Driver(project, tree)
    await driver.start()
    await driver.open(schema)
    version = 2
    for i in range(warm_runs):
        ms, _ = await driver.save(schema, edited(original, i), version)
        warm.ms.append(ms)
        version += 1
        if i % 5 == 4:
            column = f"bench_extra_{i}"
            with psycopg.connect(url, autocommit=True) as conn:
                table = conn.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                                     "'public'::regnamespace ORDER BY relname LIMIT 1").fetchone()[0]
                conn.execute(f'ALTER TABLE public."{table}" ADD COLUMN {column} integer')
            ms, _ = await driver.save(schema, edited(original, i), version)
            version += 1
            changed_db.ms.append(ms)
            seen = driver.diagnostics.get(uris.from_fs_path(str(schema)), [])
            assert any(column in d.message for d in seen), f"the database change {column} was not shown"
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'ALTER TABLE public."{table}" DROP COLUMN {column}')
    shifted = Case(f"N={n} warm (lines added, tables below move, save)")
    for i in range(warm_runs):
        ms, _ = await driver.save(schema, lines_added(original, i), version)
        shifted.ms.append(ms)
        version += 1
    peak = max(peak, driver.peak_rss_mb())
    await driver.stop()
    schema.write_text(original)
    return [cold, warm, shifted, changed_db], peak


async def run(sizes: list[int], cold_runs: int, warm_runs: int, trees: list[Path]) -> None:
    server = PgServer()
    server.start()
    workdir = Path(tempfile.mkdtemp(prefix="schemalens-lsp-bench-"))
    lines = []
    try:
        for n in sizes:
            url, project = prepare(server.url, n, workdir)
            for tree in trees:
                cases, peak = await bench_size(url, project, n, cold_runs, warm_runs, tree)
                for case in cases:
                    lines.append(f"| {tree.name} | {case.name} | {len(case.ms)} | {statistics.median(case.ms):.0f} | "
                                 f"{case.p(0.95):.0f} |")
                lines.append(f"| {tree.name} | N={n} server peak RSS | | {peak:.0f} MB | |")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print("| tree | case | runs | p50 ms | p95 ms |\n|---|---|---|---|---|")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="table counts, comma-separated")
    parser.add_argument("--cold", type=int, default=3, help="fresh-server runs per size")
    parser.add_argument("--warm", type=int, default=30, help="warm saves per size")
    parser.add_argument("--tree", action="append", type=Path,
                        help="a source tree whose server/ runs the server (repeatable, one after the other per size; "
                             "default: this one)")
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    asyncio.run(run([int(s) for s in args.sizes.split(",") if s.strip()], args.cold, args.warm, trees))


if __name__ == "__main__":
    main()
