"""Where a database stands against its migrations folder: status, the integrity
assessment, and the migrations gate of `check`. Reads only (files and the ledger)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from schemalens import dialects
from schemalens.changes import Change, Renames, RenderError, Statement
from schemalens.config import Settings
from schemalens.connect import Database
from schemalens.urls import mask_text, mask_url
from schemalens.diff import diff
from schemalens.migrations.folder import Entry, Folder, Journal, MigrationsError
from schemalens.migrations.ledger import MIGRATIONS_TABLE, Applied, read_applied
from schemalens.left_alone import left_alone
from schemalens.lint import Finding
from schemalens.model import Problem, Schema
from schemalens.history import alembic
from schemalens.workflows import (
    WorkflowError,
    check_renames,
    compare,
    load_desired,
    make_plan,
    open_database,
    read_database,
)

# --- status and integrity ----------------------------------------------------------------

MIGRATIONS_PROBLEM = "migrations-problem"  # the WorkflowError code of a folder that cannot be read

APPLIED, PENDING, EDITED, MISSING, OUT_OF_ORDER, MODIFIED, UNJOURNALED = (
    "applied", "pending", "edited", "missing", "out-of-order", "modified", "unjournaled")


@dataclass
class MigrationState:
    tag: str
    idx: int | None
    state: str  # one of the constants above
    applied: Applied | None = None
    detail: str = ""


@dataclass
class Assessment:
    """Where every migration stands, and what is wrong with the history."""

    journal: Journal
    states: list[MigrationState]
    problems: list[str]  # integrity problems, one line each, naming the file

    @property
    def pending(self) -> list[Entry]:
        tags = {s.tag for s in self.states if s.state in (PENDING, OUT_OF_ORDER, MODIFIED) and s.applied is None}
        return [e for e in self.journal.entries if e.tag in tags]

    @property
    def applied(self) -> list[Entry]:
        tags = {s.tag for s in self.states if s.applied is not None}
        return [e for e in self.journal.entries if e.tag in tags]

    def problems_except(self, allowed: set[str]) -> list[str]:
        """Problems not excused (migrate --out-of-order excuses out-of-order files)."""
        excused = {s.detail for s in self.states if s.state in allowed}
        return [p for p in self.problems if p not in excused]


def assess(folder: Folder, journal: Journal, applied: list[Applied]) -> Assessment:
    """Compare the journal, the files and the database's record. Pure over its inputs
    (reads only the migration files)."""
    problems: list[str] = []
    rel = relative(folder.journal_path)
    for entry in journal.chain_breaks():
        problems.append(f"{rel}: the hash chain breaks at {entry.tag} (the journal was edited by hand or "
                        "merged from two branches): renumber the branch's migrations, then `schemalens rehash`")
    by_name = {a.name: a for a in applied}
    last_applied = max((i for i, e in enumerate(journal.entries) if e.tag in by_name), default=-1)
    states: list[MigrationState] = []
    for position, entry in enumerate(journal.entries):
        states.append(_entry_state(folder, entry, by_name.get(entry.tag), position < last_applied))
    journaled = {e.tag for e in journal.entries}
    for row in applied:
        if row.name not in journaled:
            states.append(MigrationState(row.name, row.idx, MISSING, row,
                                         f"{row.name}: applied to the database but not in the migrations folder "
                                         "(deleted, or from another branch): restore it, or "
                                         f"`schemalens resolve --rolled-back {row.name}` if it was undone by hand"))
    for tag in folder.files_on_disk():
        if tag not in journaled:
            states.append(MigrationState(tag, None, UNJOURNALED, None,
                                         f"{relative(folder.up_path(tag))}: not in {rel} (copied in by hand or "
                                         "a merge?): create migrations with `schemalens generate` "
                                         "(`--custom` for hand-written SQL)"))
    problems += [s.detail for s in states if s.state != APPLIED and s.state != PENDING]
    return Assessment(journal, states, problems)


def _entry_state(folder: Folder, entry: Entry, row: Applied | None, before_last_applied: bool) -> MigrationState:
    path = relative(folder.up_path(entry.tag))
    checksum = folder.file_checksum(entry.tag)
    if checksum is None:
        what = "applied, but its file is gone" if row else "listed in the journal, but the file is gone"
        return MigrationState(entry.tag, entry.idx, MISSING, row, f"{path}: {what}: restore it from version control")
    if row is not None:
        if row.checksum != checksum:
            return MigrationState(entry.tag, entry.idx, EDITED, row,
                                  f"{path}: edited after it was applied (checksum differs from the one recorded "
                                  f"{row.applied_at}): applied migrations are history; undo the edit and put "
                                  "the change in a new migration")
        return MigrationState(entry.tag, entry.idx, APPLIED, row)
    if checksum != entry.checksum:
        return MigrationState(entry.tag, entry.idx, MODIFIED, None,
                              f"{path}: changed since the journal recorded it: if the edit is intended "
                              "(reviewing a pending migration, filling a custom one), run `schemalens rehash`")
    if before_last_applied:
        return MigrationState(entry.tag, entry.idx, OUT_OF_ORDER, None,
                              f"{path}: pending, but sorts before migrations already applied (a branch merge?): "
                              "apply it with `schemalens migrate --out-of-order`, or renumber it")
    return MigrationState(entry.tag, entry.idx, PENDING, None)


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_folder(settings: Settings, *, must_exist: bool = True) -> tuple[Folder, Journal]:
    folder = Folder(settings.migrations)
    try:
        if not folder.exists() and not must_exist:
            return folder, Journal(settings.dialect)
        journal = folder.read_journal()
    except MigrationsError as e:
        raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
    return folder, journal


def keeps_history(settings: Settings, *, named: bool) -> bool:
    """Whether `check` is the migrations gate: the folder was named (`--migrations`) or
    holds any trace of history. A folder whose journal is gone is history too: checking
    the database alone would pass what migrate and status refuse."""
    folder = Folder(settings.migrations)
    return named or folder.exists() or folder.meta.is_dir() or bool(folder.files_on_disk())


def dialect_problem(journal: Journal, settings: Settings) -> str | None:
    if journal.dialect == settings.dialect:
        return None
    return (f"{relative(Folder(settings.migrations).journal_path)} was written for {journal.dialect}, but the "
            f"dialect is {settings.dialect} (from {settings.origin('dialect') if 'dialect' in settings.origins else 'the database URL'}): "
            "a migrations folder serves one dialect; use --migrations to pick another folder")


@dataclass
class AlembicState:
    """Where the database stands in the project's Alembic history."""

    ini: Path
    versions: Path
    heads: list[str]
    current: list[str]   # alembic_version's rows (empty: Alembic never ran there)
    behind: list[str]    # revisions not applied yet
    models_ahead: int | None  # changes the models make to the database at the head (None: not known)
    detail: str = ""     # why models_ahead is not known


@dataclass
class StatusResult:
    assessment: Assessment | None  # None: no schemalens migrations folder, only an Alembic history
    database: str  # masked URL
    alembic: AlembicState | None = None

    @property
    def exit_code(self) -> int:
        """4 integrity problem (edited, missing, out of order, ...), 1 pending (migrations,
        or Alembic revisions the database lacks), 0 clean."""
        if self.assessment is not None and self.assessment.problems:
            return 4
        pending = bool(self.assessment and self.assessment.pending) or bool(self.alembic and self.alembic.behind)
        return 1 if pending else 0


def status(settings: Settings) -> StatusResult:
    """The migrations folder's state and, beside an alembic.ini, the Alembic history's."""
    try:
        project = alembic.find_project(settings.project)
    except alembic.AlembicError as e:
        raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
    assessment = None
    if project is None or keeps_history(settings, named="migrations" in settings.origins):
        folder, journal = read_folder(settings)
        problem = dialect_problem(journal, settings)
        if problem:
            raise WorkflowError(problem)
        applied = _read_applied_if_any(settings)
        try:
            assessment = assess(folder, journal, applied)
        except MigrationsError as e:
            raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
    state = _alembic_state(settings, project) if project is not None else None
    return StatusResult(assessment, mask_url(settings.database_url), state)


def _alembic_state(settings: Settings, project: alembic.Project) -> AlembicState:
    current: list[str] = []
    models_ahead, detail = None, ""
    if not database_missing(settings):
        with open_database(settings, create=False) as db:
            try:
                current = alembic.current_revisions(db) or []
            except dialects.get(db.dialect).runtime.errors as e:
                raise WorkflowError(f"cannot read {alembic.VERSION_TABLE} in {db.masked_url}: "
                                    f"{mask_text(str(e).strip(), db.url)}", "database-error") from None
            behind = project.behind(current)
            if behind:
                detail = "the database is not at the head: `alembic upgrade head` first"
            else:
                try:
                    models_ahead = len(make_plan(settings, db, Renames({}, {})).changes)
                except WorkflowError as e:
                    detail = str(e)
    else:
        detail = "the database does not exist yet"
    return AlembicState(project.ini, project.versions, project.heads, current, project.behind(current),
                        models_ahead, detail)


def _read_applied_if_any(settings: Settings) -> list[Applied]:
    """Read the record without creating anything (a SQLite file that is not there yet is empty)."""
    if database_missing(settings):
        return []
    with open_database(settings, create=False) as db:
        return guarded(db, read_applied)


def database_missing(settings: Settings) -> bool:
    """A database not created yet (a SQLite file) reads as empty, and reading must not create it."""
    return dialects.get(settings.dialect).runtime.database_missing(settings.database_url)


T = TypeVar("T")


def guarded(db: Database, fn: Callable[..., T], *args: object) -> T:
    """Driver errors while reading or writing our table become one clear message."""
    try:
        return fn(db, *args)
    except dialects.get(db.dialect).runtime.errors as e:
        raise WorkflowError(f"cannot use {MIGRATIONS_TABLE} in {db.masked_url}: "
                            f"{mask_text(str(e).strip(), db.url)}", "database-error") from None



def snapshots_along(folder: Folder, journal: Journal) -> dict[str, tuple[Schema | None, Schema | None]]:
    """For each entry: (schema before it, schema after it), None where a snapshot is missing."""
    out: dict[str, tuple[Schema | None, Schema | None]] = {}
    previous: Schema | None = Schema(dialect=journal.dialect)
    for entry in journal.entries:
        after = folder.read_snapshot(entry.idx)
        out[entry.tag] = (previous, after)
        previous = after
    return out


def differences(db: Database, settings: Settings, expected: Schema) -> list[Change]:
    actual, _ = left_alone(read_database(db, settings, expected), expected, ())
    return diff(actual, expected)


def default_schema(settings: Settings) -> str:
    """generate never touches a database: unqualified names go to the dialect's default."""
    return dialects.get(settings.dialect).default_schema


# --- check (the migrations gate) ---------------------------------------------------------------


@dataclass
class MigrationsCheck:
    lines: list[tuple[str, bool, str]]  # (gate, ok, detail)
    exit_code: int
    changes: list[Change]        # the schema files ahead of the last migration: what generate would write
    statements: list[Statement]  # their SQL
    problems: list[Problem]      # the schema files' warnings
    findings: list[Finding]      # lint over those changes and the schema


def check_migrations(settings: Settings, renames: Renames) -> MigrationsCheck:
    """The CI gate. Exit code: 5 integrity, 3 schema files ahead of the last snapshot,
    4 pending migrations, 1 database drifted from the migrations, 0 in step (the first
    that applies). Usage, parse and connection errors raise WorkflowError (exit 2)."""
    folder, journal = read_folder(settings)
    problem = dialect_problem(journal, settings)
    if problem:
        raise WorkflowError(problem)
    loaded = load_desired(settings, default_schema(settings))
    desired = loaded.schema
    try:
        last = folder.last_snapshot(journal)
    except MigrationsError as e:
        raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
    along = snapshots_along(folder, journal)
    if database_missing(settings):
        state, drift = assess(folder, journal, []), []
    else:
        with open_database(settings, create=False) as db:
            state = assess(folder, journal, guarded(db, read_applied))
            expected = along[state.applied[-1].tag][1] if state.applied else Schema(dialect=journal.dialect)
            drift = differences(db, settings, expected) if expected is not None else []
    applied = state.applied
    check_renames(last, desired, renames, "the last migration")
    compared = compare(last, desired, renames)
    ahead = compared.changes
    try:
        statements = dialects.get(settings.dialect).render(ahead, last, desired)
    except RenderError:
        statements = []  # generate says why; the gate's verdict does not need the SQL
    pending = state.pending
    lines = [
        ("integrity", not state.problems, "; ".join(state.problems) or
         f"{len(journal.entries)} migration(s), journal chain intact"),
        ("schema files vs migrations", not ahead,
         f"{len(ahead)} change(s) not in any migration: run `schemalens generate`" if ahead
         else "the last snapshot matches the schema files"),
        ("pending", not pending, f"{len(pending)} migration(s) not applied: {', '.join(e.tag for e in pending)}"
         if pending else "every migration is applied"),
        ("database vs migrations", not drift,
         f"{len(drift)} difference(s) from the state after {applied[-1].tag if applied else 'no migration'}: "
         + "; ".join(c.description for c in drift[:5]) if drift else "the database matches the applied migrations"),
    ]
    code = 5 if state.problems else 3 if ahead else 4 if pending else 1 if drift else 0
    return MigrationsCheck(lines, code, ahead, statements, loaded.source.problems, compared.findings)
