"""Running checks off the event loop: newest wins, stale results are dropped.

Each project (schema files + database) has a generation counter and a lock. A request
bumps the generation and queues on the lock; when it gets its turn it runs only if no
newer request arrived meanwhile, and its result is published only if none arrived while
it ran. So a burst of saves runs at most two checks (the one running and the last one),
and the editor never sees diagnostics for text it no longer has. A newer request also
cancels the running check's read, which for a huge schema is a child process
(child_read): the superseded check stops there instead of finishing first.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls import uris

from schemalens.lsp import diagnostics
from schemalens.urls import mask_url, redact
from schemalens.lsp.child_read import ChildRead, Superseded
from schemalens.lsp.analysis import CheckResult, MigrationInfo, Snapshot, run_check, run_migrations_check
from schemalens.lsp.targets import Target

if TYPE_CHECKING:
    from schemalens.lsp.server import SchemalensServer

log = logging.getLogger(__name__)
STATUS = "schemalens/status"


@dataclass
class Project:
    generation: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    latest: CheckResult | None = None
    target: Target | None = None
    published: set[str] = field(default_factory=set)  # paths that got diagnostics last time
    running: tuple[str, ChildRead] | None = None  # the document whose check reads now, its read

    def supersede(self) -> None:
        """Whatever check runs or waits now will not be published: stop its read."""
        self.generation += 1
        if self.running is not None:
            self.running[1].cancel()


class Checks:
    def __init__(self, server: SchemalensServer) -> None:
        self.server = server
        self.projects: dict[tuple[Any, ...], Project] = {}
        # where the last `migrate` stopped, by migration file: shown until the next run
        self.migration_failures: dict[str, diagnostics.MigrationFailure] = {}
        self.migration_published: set[str] = set()

    def project(self, target: Target) -> Project:
        return self.projects.setdefault(target.key, Project())

    def latest_for(self, path: str) -> CheckResult | None:
        found = [p.latest for p in self.projects.values() if p.latest and path in p.latest.snapshot.files]
        return found[-1] if found else None

    def project_of(self, path: str) -> Project | None:
        found = [p for p in self.projects.values() if p.target and path in p.target.files]
        return found[-1] if found else None

    async def request(self, target: Target) -> CheckResult | None:
        """Check the target's project; returns the published result, or None when a newer
        request superseded this one."""
        project = self.project(target)
        project.supersede()
        generation = project.generation
        async with project.lock:
            if project.generation != generation:
                return None
            snapshot = self.snapshot(target)
            loop = asyncio.get_running_loop()
            reading = ChildRead()
            project.running = (target.path, reading)
            try:
                result = await loop.run_in_executor(self.server.thread_pool, run_check, snapshot,
                                                    self.server.databases, reading.parse)
            except Superseded:
                return None
            except Exception:
                log.exception("check of %s failed", target.path)
                self.server.log(f"schemalens: the check of {target.path} failed; see the server log")
                return None
            finally:
                project.running = None
            if project.generation != generation:
                return None
            project.latest, project.target = result, target
            self.publish(project, result)
            settle_heap()
            return result

    def cancel(self, path: str | None = None) -> None:
        """The document closed (`path`) or the server shuts down (None): the checks it
        started stop and publish nothing."""
        closed = str(Path(path).resolve()) if path else None
        for project in self.projects.values():
            if project.running is not None and closed in (None, project.running[0]):
                project.supersede()

    async def request_migrations(self, target: Target) -> None:
        """A migration file was opened or saved: show where every migration stands."""
        loop = asyncio.get_running_loop()
        info = await loop.run_in_executor(self.server.thread_pool, run_migrations_check, target.settings,
                                          self.server.databases)
        self.publish_migrations(info, target.settings.database_url)
        if info is None:
            self.publish_paths({target.path: []}, {})

    def publish_migrations(self, info: MigrationInfo | None, url: str) -> None:
        by_file = diagnostics.migration_files(info, self.migration_failures, mask_url(url))
        for path in self.migration_published - set(by_file):
            by_file[path] = []
        self.migration_published = {p for p, d in by_file.items() if d}
        self.publish_paths(by_file, {})

    def publish_paths(self, by_file: dict[str, list[lsp.Diagnostic]], versions: dict[str, int | None]) -> None:
        for path, diags in by_file.items():
            for diag in diags:
                diag.message = redact(diag.message)
            doc = self.server.open_document(path)
            self.server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uris.from_fs_path(path) or path, diagnostics=diags,
                version=versions.get(path, doc.version if doc is not None else None)))

    def snapshot(self, target: Target) -> Snapshot:
        overlays: dict[str, str] = {}
        versions: dict[str, int | None] = {}
        for path in target.files:
            doc = self.server.open_document(path)
            if doc is not None:
                overlays[path] = doc.source
                versions[path] = doc.version
        return Snapshot(target.settings, list(target.files), overlays, versions)

    def publish(self, project: Project, result: CheckResult) -> None:
        by_file = diagnostics.build(result)
        for path in project.published - set(by_file):
            by_file[path] = []
        self.publish_paths(by_file, result.snapshot.versions)
        project.published = {p for p, d in by_file.items() if d}
        if result.migrations is not None and result.migrations.assessment is not None:
            self.publish_migrations(result.migrations, result.settings.database_url)
        self.server.protocol.notify(STATUS, status_of(result, project.target.path if project.target else ""))


def settle_heap() -> None:
    """Move every object alive now out of the cyclic GC's reach (gc.freeze).

    A check allocates millions of objects, and the schemas it keeps (the database's,
    the last result) stay alive for the next one. Left to the collector, each check's
    allocations trigger full collections that walk all of those again: at 1,000 tables
    that doubled a warm check's time. Frozen objects are still freed by reference
    counting when dropped; cycles among the check's temporaries were already collected
    by the young collections that ran during it.
    """
    gc.freeze()


def status_of(result: CheckResult, path: str) -> dict[str, Any]:
    """The project's state (one notification per check of the project, whichever of its
    files was checked): `project` and `database` say which, `uri` the file checked."""
    return {
        "uri": uris.from_fs_path(path) or path,
        "project": uris.from_fs_path(str(result.settings.project)) or str(result.settings.project),
        "database": mask_url(result.settings.database_url),
        "state": result.state,
        "changes": len(result.changes),
        "pending": result.migrations.pending if result.migrations else 0,
    }


def starting_status() -> dict[str, Any]:
    """Sent as soon as the protocol allows (on `initialized`): the server is up, no check
    has finished yet. The client shows it until the first check's status replaces it."""
    return {"uri": None, "project": None, "database": None, "state": "starting", "changes": 0, "pending": 0}
