"""One check of a project: the editor's text against the database, in a worker thread.

Pure engine work over a snapshot taken on the event loop (settings and the text of the
open documents), so that the loop never waits on a parser or a database and a result
can be dropped when a newer snapshot supersedes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from schemalens import dialects, workflows
from schemalens.changes import Change
from schemalens.config import Settings
from schemalens.urls import mask_url
from schemalens.history.state import Assessment, assess, dialect_problem
from schemalens.lint import Finding
from schemalens.lsp.child_read import Superseded
from schemalens.lsp.database import Databases, Entry, NoDatabase, unreachable_message
from schemalens.migrations.folder import Folder, Journal, MigrationsError
from schemalens.migrations.ledger import read_applied
from schemalens.model import Problem, Schema
from schemalens.workflows import SourceError, SourceResult, WorkflowError

log = logging.getLogger(__name__)
DatabaseState = Literal["ok", "unreachable", "no-database", "error", "not-checked"]


@dataclass
class Snapshot:
    settings: Settings
    files: list[str]                 # schema files, in apply order
    overlays: dict[str, str]         # path -> unsaved editor text of open documents
    versions: dict[str, int | None]  # path -> document version the overlay came from


@dataclass
class MigrationInfo:
    folder: Folder
    ahead: list[Change] = field(default_factory=list)  # schema changes no migration holds yet
    assessment: Assessment | None = None  # None while the database cannot be read
    problem: str | None = None            # the folder itself is unusable

    @property
    def pending(self) -> int:
        return len(self.assessment.pending) if self.assessment else 0


@dataclass
class CheckResult:
    snapshot: Snapshot
    texts: dict[str, str] = field(default_factory=dict)
    source: SourceResult | None = None
    source_error: str | None = None
    desired: Schema | None = None
    actual: Schema | None = None
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # lint over the changes and the schema
    database: DatabaseState = "not-checked"
    database_message: str = ""
    migrations: MigrationInfo | None = None
    kept_by_migrations: bool = False  # the database has the migrations table: push is refused

    @property
    def settings(self) -> Settings:
        return self.snapshot.settings

    @property
    def parse_errors(self) -> list[Problem]:
        return [p for p in self.source.problems if p.severity == "error"] if self.source else []

    @property
    def state(self) -> str:
        """What the status bar shows."""
        if self.source_error or self.parse_errors or self.database == "error":
            return "error"
        if self.database == "unreachable":
            return "unreachable"
        if self.migrations and self.migrations.pending:
            return "pending"
        return "drift" if self.changes else "in-sync"


def read_texts(files: list[str], overlays: dict[str, str]) -> dict[str, str]:
    return dict(workflows.read_files([Path(f) for f in files], overlays))


def resolve_files(settings: Settings) -> list[str]:
    return [str(p) for p in workflows.schema_files(settings.schema)]


Parse = Callable[[list[tuple[str, str]], str, str, float], SourceResult]


def run_check(snapshot: Snapshot, databases: Databases, parse: Parse = workflows.parse) -> CheckResult:
    """`parse` reads the files (the server's is a cancellable child_read); the exception
    that says it was cancelled passes through."""
    result = CheckResult(snapshot)
    settings = snapshot.settings
    try:
        result.texts = read_texts(snapshot.files, snapshot.overlays)
    except SourceError as e:
        result.source_error = str(e)
        return result
    with databases.use(settings) as entry:
        default_schema = _connect(entry, result)
        try:
            result.source = parse(list(result.texts.items()), settings.dialect, default_schema,
                                  settings.models_timeout)
        except Superseded:
            raise
        except Exception as e:  # a parser bug must not cost the user every other diagnostic
            log.exception("parsing the schema failed")
            result.source_error = f"schemalens could not parse this file ({type(e).__name__}: {e}); please report it"
            return result
        if result.parse_errors:
            return result  # a half-read file would read as drops: no drift until it parses
        result.desired = workflows.desired_of(result.source).schema
        result.migrations = read_migrations(settings, result.desired, entry if result.database == "ok" else None)
        if result.database == "ok":
            try:
                result.actual = entry.read(settings, result.desired)
                result.kept_by_migrations = workflows.has_migrations_table(entry.open())
            except WorkflowError as e:
                result.database, result.database_message = "error", str(e)
        elif result.database == "no-database":
            result.actual = Schema(dialect=settings.dialect)
        compared = workflows.compare(result.actual, result.desired, unmanaged=result.source.unmanaged,
                                     defines_definitions=result.source.defines_definitions)
        result.changes, result.findings = compared.changes, compared.findings
    return result


def _connect(entry: Entry, result: CheckResult) -> str:
    """Bring the entry up to date with the database; returns the default schema for
    unqualified names. Records why the database could not be read, if it could not."""
    settings = result.settings
    fallback = dialects.get(settings.dialect).default_schema
    for attempt in (1, 2):
        try:
            entry.refresh_fingerprint()
            result.database = "ok"
            return entry.default_schema
        except NoDatabase:
            result.database = "no-database"
            result.database_message = (f"no database yet at {mask_url(settings.database_url)}: "
                                       "push creates it")
            return fallback
        except Exception as e:  # refused, timed out, dropped: the editor shows it, never dies
            entry.close()
            if attempt == 2 or not _retryable(e, settings.dialect):
                result.database = "unreachable"
                result.database_message = unreachable_message(e, settings.database_url,
                                                              settings.origin("database_url"))
                return fallback
    return fallback


def _retryable(error: Exception, dialect: str) -> bool:
    """A connection that died since the last check is worth one reconnect; a failed connect
    or a read that ran out of time is not (the retry would only wait as long again)."""
    from schemalens.urls import ConnectError

    return not isinstance(error, ConnectError) and not dialects.get(dialect).runtime.does_not_answer(error)


def read_migrations(settings: Settings, desired: Schema | None, entry: Entry | None) -> MigrationInfo | None:
    """Where the migrations stand: ahead of the last snapshot, pending, edited. None when
    the project has no migrations folder (it uses push only)."""
    folder = Folder(settings.migrations)
    if not folder.path.is_dir():
        return None
    info = MigrationInfo(folder)
    try:
        journal = folder.read_journal() if folder.exists() else Journal(settings.dialect)
        info.problem = dialect_problem(journal, settings)
        if info.problem:
            return info
        if desired is not None:
            info.ahead = workflows.changes_between(folder.last_snapshot(journal), desired)
        if entry is not None:
            info.assessment = assess(folder, journal, _applied(entry))
    except MigrationsError as e:
        info.problem = str(e)
    return info


def _applied(entry: Entry) -> list:
    try:
        return read_applied(entry.open())
    except Exception as e:  # permissions, a table of that name that is not ours
        raise MigrationsError(f"cannot read the applied migrations in {mask_url(entry.url)}: "
                              f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}") from None


def run_migrations_check(settings: Settings, databases: Databases) -> MigrationInfo | None:
    """The state of the migration files alone (a migration file was opened or saved)."""
    with databases.use(settings) as entry:
        probe = CheckResult(Snapshot(settings, [], {}, {}))
        _connect(entry, probe)
        return read_migrations(settings, None, entry if probe.database == "ok" else None)
