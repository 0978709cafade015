"""Versioned migrations, the production workflow: generate, migrate, status, rollback,
resolve/baseline, reset, rehash, and the migrations gate of `check`.

Plain functions over Settings that return results and never print, shared by the CLI
and the language server. Failures the user must fix before anything can start (bad
folder, parse errors, unreachable database) raise WorkflowError (exit 2); everything
else comes back in the result, with the exit code the CLI should use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from schemalens.apply import ApplyError, apply
from schemalens import dialects
from schemalens.changes import Change, RenderError, Statement
from schemalens.config import Settings
from schemalens.connect import Database, mask_text, mask_url
from schemalens.diff import Renames, diff
from schemalens.migrations.folder import (
    FOREIGN_KEYS_OFF,
    IRREVERSIBLE,
    NO_TRANSACTION,
    SEPARATOR,
    Entry,
    Folder,
    Journal,
    Migration,
    MigrationsError,
    chain_hash,
    checksum_text,
    now_iso,
    read_migration,
    slugify,
)
from schemalens.migrations.ledger import (
    MIGRATIONS_TABLE,
    Applied,
    ensure_table,
    forget,
    read_applied,
    record_without_running,
)
from schemalens.migrations.runner import MigrationFailed, migration_lock, run_migration, try_migrations
from schemalens.model import Schema
from schemalens.workflows import WorkflowError, load_desired, open_database, read_database

# --- status and integrity ----------------------------------------------------------------

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
    rel = _relative(folder.journal_path)
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
                                         f"{_relative(folder.up_path(tag))}: not in {rel} (copied in by hand or "
                                         "a merge?): create migrations with `schemalens generate` "
                                         "(`--custom` for hand-written SQL)"))
    problems += [s.detail for s in states if s.state != APPLIED and s.state != PENDING]
    return Assessment(journal, states, problems)


def _entry_state(folder: Folder, entry: Entry, row: Applied | None, before_last_applied: bool) -> MigrationState:
    path = _relative(folder.up_path(entry.tag))
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


def _relative(path: Path) -> str:
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
        raise WorkflowError(str(e)) from None
    return folder, journal


def dialect_problem(journal: Journal, settings: Settings) -> str | None:
    if journal.dialect == settings.dialect:
        return None
    return (f"{_relative(Folder(settings.migrations).journal_path)} was written for {journal.dialect}, but the "
            f"dialect is {settings.dialect} (from {settings.origin('dialect') if 'dialect' in settings.origins else 'the database URL'}): "
            "a migrations folder serves one dialect; use --migrations to pick another folder")


@dataclass
class StatusResult:
    assessment: Assessment
    database: str  # masked URL


def status(settings: Settings) -> StatusResult:
    folder, journal = read_folder(settings)
    problem = dialect_problem(journal, settings)
    if problem:
        raise WorkflowError(problem)
    applied = _read_applied_if_any(settings)
    try:
        return StatusResult(assess(folder, journal, applied), mask_url(settings.database_url))
    except MigrationsError as e:
        raise WorkflowError(str(e)) from None


def _read_applied_if_any(settings: Settings) -> list[Applied]:
    """Read the record without creating anything (a SQLite file that is not there yet is empty)."""
    if _database_missing(settings):
        return []
    with open_database(settings, create=False) as db:
        return _guarded(db, read_applied)


def _database_missing(settings: Settings) -> bool:
    """A database not created yet (a SQLite file) reads as empty, and reading must not create it."""
    return dialects.get(settings.dialect).runtime.database_missing(settings.database_url)


T = TypeVar("T")


def _guarded(db: Database, fn: Callable[..., T], *args: object) -> T:
    """Driver errors while reading or writing our table become one clear message."""
    try:
        return fn(db, *args)
    except dialects.get(db.dialect).runtime.errors as e:
        raise WorkflowError(f"cannot use {MIGRATIONS_TABLE} in {db.masked_url}: "
                            f"{mask_text(str(e).strip(), db.url)}") from None


# --- migrate ----------------------------------------------------------------------------

Progress = Callable[[str, int, int, int | None], None]  # tag, number (1-based), total, ms when done


@dataclass
class MigrateResult:
    database: str
    applied: list[tuple[str, int]] = field(default_factory=list)   # (tag, ms)
    recorded: list[str] = field(default_factory=list)  # baseline: recorded without running
    refused: str | None = None
    failure: MigrationFailed | None = None
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def exit_code(self) -> int:
        if self.refused:
            return 1
        if self.failure:
            return 3
        return 0


def migrate(settings: Settings, *, out_of_order: bool = False, dry_run: bool = False,
            backup: Path | None = None, baseline: bool = False, progress: Progress | None = None,
            on_wait: Callable[[], None] | None = None) -> MigrateResult:
    """Apply pending migrations in journal order, each in its own transaction."""
    folder, journal = read_folder(settings)
    result = MigrateResult(mask_url(settings.database_url), dry_run=dry_run)
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    migrations = _read_all(folder, journal, settings.dialect)
    with open_database(settings) as db, migration_lock(db, on_wait):
        if not dry_run:
            _guarded(db, ensure_table)
        state = assess(folder, journal, _guarded(db, read_applied))
        problems = state.problems_except({OUT_OF_ORDER} if out_of_order else set())
        if problems:
            result.refused = "\n".join(problems)
            return result
        pending = state.pending
        if baseline:
            return _baseline(db, settings, folder, journal, pending, result)
        if not pending:
            return result
        clash = _existing_objects(db, settings, folder, journal, pending)
        if clash:
            result.refused = clash
            return result
        if dry_run:
            return _dry_run(db, settings, [migrations[e.tag] for e in pending], result)
        if backup is not None:
            result.refused = _backup(db, backup)
            if result.refused:
                return result
            result.backup = backup
        for number, entry in enumerate(pending, 1):
            migration = migrations[entry.tag]
            if progress:
                progress(entry.tag, number, len(pending), None)
            try:
                ms = run_migration(db, migration, (entry, folder.file_checksum(entry.tag) or entry.checksum),
                                   settings.lock_timeout)
            except MigrationFailed as e:
                result.failure = e
                return result
            result.applied.append((entry.tag, ms))
            if progress:
                progress(entry.tag, number, len(pending), ms)
    return result


def _read_all(folder: Folder, journal: Journal, dialect: str) -> dict[str, Migration]:
    migrations = {}
    for entry in journal.entries:
        path = folder.up_path(entry.tag)
        if path.is_file():
            try:
                migrations[entry.tag] = read_migration(path, dialect)
            except MigrationsError as e:
                raise WorkflowError(str(e)) from None
    return migrations


def _dry_run(db: Database, settings: Settings, migrations: list[Migration], result: MigrateResult) -> MigrateResult:
    failure, skipped = try_migrations(db, migrations, settings.lock_timeout)
    for migration, piece in skipped:
        result.notes.append(f"{migration.path}:{piece.line}: not tried: it must run outside a transaction "
                            "(a dry run rolls back, so it cannot run it)")
    result.notes.append(dialects.get(db.dialect).runtime.dry_run_note)
    if failure is not None:
        if skipped:
            result.notes.append("the failure may come from a statement the dry run could not try")
        result.failure = failure
    else:
        result.applied = [(m.tag, 0) for m in migrations]
    return result


def _backup(db: Database, target: Path) -> str | None:
    """Write a backup; the reason it failed, or None."""
    return dialects.get(db.dialect).runtime.backup(db.conn, db.url, target)


# --- "relation already exists" ------------------------------------------------------------


def object_keys(schema: Schema) -> dict[tuple[str, ...], str]:
    """Objects a migration can create, keyed for comparison, with a label for messages."""
    keys: dict[tuple[str, ...], str] = {}
    for ns in schema.namespaces:
        keys[("schema", ns.name)] = f"schema {ns.name}"
    for ext in schema.extensions:
        keys[("extension", ext.name)] = f"extension {ext.name}"
    for enum in schema.enums:
        keys[("type", enum.schema, enum.name)] = f"type {enum.schema}.{enum.name}"
    for seq in schema.sequences:
        keys[("relation", seq.schema, seq.name)] = f"sequence {seq.schema}.{seq.name}"
    for table in schema.tables:
        keys[("relation", table.schema, table.name)] = f"table {table.schema}.{table.name}"
        for column in table.columns:
            keys[("column", table.schema, table.name, column.name)] = f"column {table.name}.{column.name}"
        for index in table.indexes:
            if index.name:
                keys[("relation", table.schema, index.name)] = f"index {table.schema}.{index.name}"
    return keys


def _snapshots_along(folder: Folder, journal: Journal) -> dict[str, tuple[Schema | None, Schema | None]]:
    """For each entry: (schema before it, schema after it), None where a snapshot is missing."""
    out: dict[str, tuple[Schema | None, Schema | None]] = {}
    previous: Schema | None = Schema(dialect=journal.dialect)
    for entry in journal.entries:
        after = folder.read_snapshot(entry.idx)
        out[entry.tag] = (previous, after)
        previous = after
    return out


def _existing_objects(db: Database, settings: Settings, folder: Folder, journal: Journal,
                      pending: list[Entry]) -> str | None:
    """Refuse before executing when pending migrations would create what already exists."""
    along = _snapshots_along(folder, journal)
    creations = []
    for entry in pending:
        before, after = along[entry.tag]
        if before is None or after is None:
            continue
        old, new = object_keys(before), object_keys(after)
        creations.append((entry, {k: v for k, v in new.items() if k not in old},
                          [k for k in old if k not in new]))
    if not any(created for _, created, _ in creations):
        return None
    live = set(object_keys(read_database(db, settings, folder.last_snapshot(journal))))
    clashes = []
    for entry, created, dropped in creations:
        found = [label for key, label in created.items() if key in live]
        if found:
            clashes.append(f"{_relative(folder.up_path(entry.tag))} creates {', '.join(found)}, "
                           "which already exist(s)")
        live = (live - set(dropped)) | set(created)
    if not clashes:
        return None
    return ("\n".join(clashes) + f"\nnothing was executed. The database was changed outside migrations "
            "(schemalens push, or by hand). If it already matches the migrations, record them as applied "
            "without running them: `schemalens migrate --baseline` (all pending) or "
            f"`schemalens resolve --applied {pending[0].tag}` (one); otherwise drop the objects first.")


# --- baseline and resolve ------------------------------------------------------------------


def _differences(db: Database, settings: Settings, expected: Schema) -> list[Change]:
    actual = read_database(db, settings, expected)
    return diff(actual, expected)


def _baseline(db: Database, settings: Settings, folder: Folder, journal: Journal, pending: list[Entry],
              result: MigrateResult) -> MigrateResult:
    if not pending:
        return result
    expected = folder.last_snapshot(journal)
    changes = _differences(db, settings, expected)
    if changes:
        result.refused = _mismatch("the migrations' end state", changes)
        return result
    _guarded(db, record_without_running,
             [(e, folder.file_checksum(e.tag) or e.checksum) for e in pending], "baseline")
    result.recorded = [e.tag for e in pending]
    return result


def _mismatch(what: str, changes: list[Change]) -> str:
    listed = "\n".join(f"  - {c.description}" for c in changes[:20])
    more = f"\n  ... and {len(changes) - 20} more" if len(changes) > 20 else ""
    return (f"the database does not match {what}; nothing was recorded. It would take:\n{listed}{more}")


@dataclass
class ResolveResult:
    database: str
    done: str | None = None
    refused: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


def resolve(settings: Settings, *, applied: str | None = None, rolled_back: str | None = None) -> ResolveResult:
    """Record one migration as applied (after checking the database), or forget one."""
    if (applied is None) == (rolled_back is None):
        raise WorkflowError("resolve needs exactly one of --applied NAME or --rolled-back NAME")
    folder, journal = read_folder(settings)
    result = ResolveResult(mask_url(settings.database_url))
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    with open_database(settings) as db, migration_lock(db):
        _guarded(db, ensure_table)
        records = {a.name: a for a in _guarded(db, read_applied)}
        if rolled_back is not None:
            if not _guarded(db, forget, rolled_back):
                result.refused = f"{rolled_back} is not recorded as applied in {result.database}"
            else:
                result.done = f"forgot {rolled_back}: it no longer counts as applied"
            return result
        entry = journal.entry(_tag_of(journal, applied or ""))
        if entry is None:
            result.refused = f"{applied}: no such migration in {_relative(folder.journal_path)}"
            return result
        if entry.tag in records:
            result.refused = f"{entry.tag} is already recorded as applied"
            return result
        earlier = [e.tag for e in journal.entries[:journal.entries.index(entry)] if e.tag not in records]
        if earlier:
            result.refused = (f"{entry.tag} comes after {', '.join(earlier)}, which are not applied: resolve or "
                              "apply them first, or `schemalens migrate --baseline` to record all")
            return result
        expected = folder.read_snapshot(entry.idx)
        if expected is None:
            result.refused = f"{_relative(folder.snapshot_path(entry.idx))} is missing: cannot check the database"
            return result
        changes = _differences(db, settings, expected)
        if changes:
            result.refused = _mismatch(f"the state after {entry.tag}", changes)
            return result
        checksum = folder.file_checksum(entry.tag)
        if checksum is None:
            result.refused = f"{_relative(folder.up_path(entry.tag))} is missing"
            return result
        _guarded(db, record_without_running, [(entry, checksum)], "resolved")
        result.done = f"recorded {entry.tag} as applied (not run)"
    return result


def _tag_of(journal: Journal, name: str) -> str:
    """Accept the tag, the file name, or the number alone."""
    name = Path(name).name.removesuffix(".sql")
    for entry in journal.entries:
        if name in (entry.tag, f"{entry.idx:04d}", str(entry.idx)):
            return entry.tag
    return name


# --- rollback -------------------------------------------------------------------------------


@dataclass
class RollbackResult:
    database: str
    rolled_back: str | None = None
    refused: str | None = None
    failure: MigrationFailed | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 3 if self.failure else 0


def rollback(settings: Settings) -> RollbackResult:
    """Apply the down file of the last applied migration and forget it, in one transaction."""
    folder, journal = read_folder(settings)
    result = RollbackResult(mask_url(settings.database_url))
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    with open_database(settings) as db, migration_lock(db):
        applied = _guarded(db, read_applied)
        if not applied:
            result.refused = "no migration is applied: nothing to roll back"
            return result
        state = assess(folder, journal, applied)
        last = max(applied, key=lambda a: (a.applied_at, a.idx))
        problem = next((s.detail for s in state.states if s.tag == last.name and s.state != APPLIED), None)
        if problem:
            result.refused = problem
            return result
        down_path = folder.down_path(last.name)
        if not down_path.is_file():
            result.refused = f"{_relative(down_path)} does not exist: {last.name} cannot be rolled back"
            return result
        try:
            down = read_migration(down_path, db.dialect)
        except MigrationsError as e:
            raise WorkflowError(str(e)) from None
        if down.irreversible:
            result.refused = f"{_relative(down_path)} is marked irreversible: {down.irreversible}"
            return result
        try:
            run_migration(db, down, None, settings.lock_timeout, delete=last.name)
        except MigrationFailed as e:
            result.failure = e
            return result
        result.rolled_back = last.name
    return result


# --- reset ------------------------------------------------------------------------------------


@dataclass
class ResetResult:
    database: str
    refused: str | None = None
    dropped: int = 0
    migrate: MigrateResult | None = None
    failure: str | None = None

    @property
    def exit_code(self) -> int:
        if self.refused:
            return 1
        if self.failure:
            return 3
        return self.migrate.exit_code if self.migrate else 0


def reset(settings: Settings, *, force: bool, progress: Progress | None = None) -> ResetResult:
    """Drop every managed object and the migrations record, then run every migration."""
    folder, journal = read_folder(settings)
    result = ResetResult(mask_url(settings.database_url))
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    if not force:
        result.refused = (f"reset would drop every table, type and sequence schemalens manages in "
                          f"{result.database} and all their data; rerun with --force to do it")
        return result
    with open_database(settings) as db:
        with migration_lock(db):
            live = read_database(db, settings, folder.last_snapshot(journal))
            empty = Schema(dialect=db.dialect)
            statements = dialects.get(live.dialect).render(diff(live, empty), live, empty)
            statements.append(Statement(f"DROP TABLE IF EXISTS {dialects.get(db.dialect).quote_ident(MIGRATIONS_TABLE)}"))
            try:
                apply(db, statements, settings.lock_timeout)
            except ApplyError as e:
                result.failure = f"dropping the managed objects failed, nothing was dropped: {e}"
                return result
            result.dropped = len(statements) - 1
    result.migrate = migrate(settings, progress=progress)
    return result


# --- rehash -----------------------------------------------------------------------------------


def rehash(settings: Settings) -> list[str]:
    """Record the current checksums of edited files and repair the chain. Returns what changed.

    For pending migrations edited on purpose; an applied migration stays protected by the
    checksum recorded in the database."""
    folder, journal = read_folder(settings)
    changed = []
    for entry in journal.entries:
        checksum = folder.file_checksum(entry.tag)
        if checksum is None:
            raise WorkflowError(f"{_relative(folder.up_path(entry.tag))} is missing: restore it, or remove "
                                f"its entry from {_relative(folder.journal_path)}")
        if checksum != entry.checksum:
            entry.checksum = checksum
            changed.append(entry.tag)
    broken = bool(journal.chain_breaks())
    journal.rechain()
    if changed or broken:
        folder.write_journal(journal)
    return changed if changed or not broken else ["(hash chain)"]


# --- generate ---------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    tag: str | None = None          # None: nothing to do
    files: list[Path] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    irreversible: list[str] = field(default_factory=list)
    refused: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


def _default_schema(settings: Settings) -> str:
    """generate never touches a database: unqualified names go to the dialect's default."""
    return dialects.get(settings.dialect).default_schema


def generate(settings: Settings, renames: Renames, *, name: str | None = None, custom: bool = False,
             overlays: dict[str, str] | None = None) -> GenerateResult:
    """Diff the schema files (or the editor's text of them, `overlays`: what the "schema is
    ahead of the last migration" diagnostic was computed from) against the last snapshot
    and write the next migration."""
    folder, journal = read_folder(settings, must_exist=False)
    result = GenerateResult()
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    if journal.chain_breaks():
        result.refused = (f"{_relative(folder.journal_path)}: the hash chain is broken; sort out the history "
                          "first (`schemalens status`), then `schemalens rehash`")
        return result
    if custom and not name:
        raise WorkflowError("generate --custom needs --name (what the migration does)")
    try:
        previous = folder.last_snapshot(journal)
    except MigrationsError as e:
        raise WorkflowError(str(e)) from None
    if custom:
        desired = previous
        result.changes = []
    else:
        desired = load_desired(settings, _default_schema(settings), overlays).schema
        result.changes = diff(previous, desired, renames)
        if not result.changes:
            return result
        result.statements = _render(result.changes, previous, desired)
    idx = _next_idx(folder, journal)
    tag = f"{idx:04d}_{slugify(name or _default_name(result.changes))}"
    up_text = _up_file(tag, settings.dialect, result.changes, result.statements, custom)
    down_text, result.irreversible = _down_file(tag, settings.dialect, result.changes, previous, desired, custom)
    folder.path.mkdir(parents=True, exist_ok=True)
    up, down = folder.up_path(tag), folder.down_path(tag)
    up.write_text(up_text, encoding="utf-8")
    down.write_text(down_text, encoding="utf-8")
    folder.write_snapshot(idx, desired)
    entry = Entry(idx, tag, checksum_text(up_text), now_iso(), "")
    entry.hash = chain_hash(journal.head, entry)
    journal.entries.append(entry)
    folder.write_journal(journal)
    result.tag = tag
    result.files = [up, down, folder.snapshot_path(idx), folder.journal_path]
    return result


def _render(changes: list[Change], before: Schema, after: Schema) -> list[Statement]:
    try:
        return dialects.get(after.dialect).render(changes, before, after)
    except RenderError as e:
        raise WorkflowError(f"cannot write the migration: {e}") from None


def _next_idx(folder: Folder, journal: Journal) -> int:
    """After every entry and every file on disk, so a stray file is never overwritten."""
    used = [e.idx for e in journal.entries] + [int(t.split("_", 1)[0]) for t in folder.files_on_disk()]
    return max(used, default=-1) + 1


def _default_name(changes: list[Change]) -> str:
    if not changes:
        return "custom"
    first = changes[0].description or changes[0].kind
    return first if len(changes) == 1 else f"{first} and {len(changes) - 1} more"


_ADD_VALUE = re.compile(r"^(ALTER\s+TYPE\s+.+?\s+ADD\s+VALUE\s+)(?!IF\s+NOT\s+EXISTS)", re.I | re.S)


def _statement_block(statement: Statement, by_id: dict[str, Change], dialect: str) -> str:
    lines = [SEPARATOR]
    for change_id in statement.change_ids:
        change = by_id.get(change_id)
        if change is not None and change.data_loss:
            lines.append(f"-- WARNING data loss: {change.data_loss}")
        if change is not None and change.lock:
            lines.append(f"-- WARNING lock: {change.lock}")
    sql = statement.sql.strip().rstrip(";").strip()
    if not statement.transactional:
        lines.append(NO_TRANSACTION)
        # It commits on its own before the rest: IF NOT EXISTS keeps a rerun after a
        # later failure from stumbling over it.
        sql = _ADD_VALUE.sub(r"\1IF NOT EXISTS ", sql)
    if statement.needs_foreign_keys_off:
        lines.append(FOREIGN_KEYS_OFF)
    lines.append(sql + ";")
    return "\n".join(lines)


def _header(tag: str, dialect: str, title: str, changes: list[Change], runner: str) -> list[str]:
    lines = [f"-- {title} {tag} ({dialect}), generated by schemalens {now_iso()}"]
    if changes:
        lines.append("-- changes:")
        for i, change in enumerate(changes, 1):
            flags = " [DATA LOSS]" if change.data_loss else ""
            flags += " [LOCKS]" if change.lock else ""
            lines.append(f"--   {i}. {change.description}{flags}")
    lines += [
        f"-- Statements are separated by `{SEPARATOR}` lines; `schemalens {runner}` runs them in order",
        "-- in one transaction (blocks marked `-- schemalens:no-transaction` run outside it).",
        "-- Review before committing. Edited a pending migration? `schemalens rehash` records it.",
    ]
    return lines


def _up_file(tag: str, dialect: str, changes: list[Change], statements: list[Statement], custom: bool) -> str:
    lines = _header(tag, dialect, "migration", changes, "migrate")
    if custom:
        lines += ["-- A custom migration: write its SQL below (statements end with `;`), then run",
                  "-- `schemalens rehash`. Schema changes belong in the schema files + `generate`.",
                  "", SEPARATOR, ""]
        return "\n".join(lines) + "\n"
    by_id = {c.id: c for c in changes}
    blocks = [_statement_block(s, by_id, dialect) for s in statements]
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n"


def _reverse_renames(changes: list[Change]) -> Renames:
    tables = {(c.schema, c.after.name): c.before.name for c in changes if c.kind == "rename_table"}
    old_name = {(schema, new): old for (schema, new), old in tables.items()}
    columns = {(c.schema, old_name.get((c.schema, c.table or ""), c.table or ""), c.after.name): c.before.name
               for c in changes if c.kind == "rename_column"}
    return Renames(tables, columns)


def _down_file(tag: str, dialect: str, changes: list[Change], previous: Schema, desired: Schema,
               custom: bool) -> tuple[str, list[str]]:
    """The reverse migration, and what it cannot bring back."""
    lines = _header(tag, dialect, "down migration of", [], "rollback")
    if custom:
        lines += [f"{IRREVERSIBLE} custom migration: write its reverse SQL below and delete this line", "",
                  SEPARATOR, ""]
        return "\n".join(lines) + "\n", ["custom migration"]
    losses = [c.data_loss for c in changes if c.data_loss]
    reverse = diff(desired, previous, _reverse_renames(changes))
    try:
        statements = dialects.get(previous.dialect).render(reverse, desired, previous)
    except RenderError as e:
        losses.append(f"the reverse cannot be written: {e}")
        statements = []
    nameless = {c.id: c for c in reverse if c.kind in ("drop_index", "drop_constraint")
                and getattr(c.before, "name", "") is None}
    for change in nameless.values():
        losses.append(f"{change.description}: the schema file does not name it, so the database chose its "
                      "name; name it in the schema file to make the down migration exact")
    statements = [s for s in statements if not set(s.change_ids) & set(nameless)]
    if losses:
        lines.append(f"{IRREVERSIBLE} this file cannot undo everything the up migration does")
        lines += [f"--   cannot undo: {loss}" for loss in losses]
        lines.append("-- Rollback refuses this file. To undo by hand, restore from a backup.")
    by_id = {c.id: c for c in reverse}
    blocks = [_statement_block(s, by_id, dialect) for s in statements]
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + "\n", losses


# --- check (the migrations gate) ---------------------------------------------------------------


@dataclass
class MigrationsCheck:
    lines: list[tuple[str, bool, str]]  # (gate, ok, detail)
    exit_code: int


def check_migrations(settings: Settings, renames: Renames) -> MigrationsCheck:
    """The CI gate. Exit code: 5 integrity, 3 schema files ahead of the last snapshot,
    4 pending migrations, 1 database drifted from the migrations, 0 in step (the first
    that applies). Usage, parse and connection errors raise WorkflowError (exit 2)."""
    folder, journal = read_folder(settings)
    problem = dialect_problem(journal, settings)
    if problem:
        raise WorkflowError(problem)
    desired = load_desired(settings, _default_schema(settings)).schema
    try:
        last = folder.last_snapshot(journal)
    except MigrationsError as e:
        raise WorkflowError(str(e)) from None
    along = _snapshots_along(folder, journal)
    if _database_missing(settings):
        state, drift = assess(folder, journal, []), []
    else:
        with open_database(settings, create=False) as db:
            state = assess(folder, journal, _guarded(db, read_applied))
            expected = along[state.applied[-1].tag][1] if state.applied else Schema(dialect=journal.dialect)
            drift = _differences(db, settings, expected) if expected is not None else []
    applied = state.applied
    ahead = diff(last, desired, renames)
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
    return MigrationsCheck(lines, code)
