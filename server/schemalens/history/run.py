"""Changing a database's history: migrate (with dry run, backup and baseline), resolve,
rollback and reset. Every database rule comes from the dialect's runtime through
migrations.runner; this module decides what to run and what to refuse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schemalens import dialects
from schemalens.apply import ApplyError, apply
from schemalens.changes import Change, Statement
from schemalens.config import Settings
from schemalens.connect import Database
from schemalens.urls import mask_url
from schemalens.diff import diff
from schemalens.left_alone import left_alone
from schemalens.history.state import (
    APPLIED,
    MIGRATIONS_PROBLEM,
    OUT_OF_ORDER,
    assess,
    dialect_problem,
    differences,
    guarded,
    read_folder,
    relative,
    snapshots_along,
)
from schemalens.migrations.folder import Entry, Folder, Journal, Migration, MigrationsError, read_migration
from schemalens.migrations.ledger import MIGRATIONS_TABLE, forget, read_applied, record_without_running
from schemalens.migrations.runner import MigrationFailed, migration_lock, run_migration, try_migrations
from schemalens.model import Schema
from schemalens.workflows import WorkflowError, open_database, read_database

# --- migrate ----------------------------------------------------------------------------

Progress = Callable[[str, int, int, int | None], None]  # tag, number (1-based), total, ms when done


def _exit_code(refused: object, failure: object, done: int = 0) -> int:
    """The migration commands' codes: 1 refused (nothing changed), 3 a statement failed."""
    if refused:
        return 1
    return 3 if failure else done


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
        return _exit_code(self.refused, self.failure)


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
    # Nothing is created before something is recorded: the ledger table comes with the first
    # row, and a baseline (which only records what a database holds) never creates one.
    with open_database(settings, create=not baseline) as db, migration_lock(db, on_wait):
        state = assess(folder, journal, guarded(db, read_applied))
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
                raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
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


def _existing_objects(db: Database, settings: Settings, folder: Folder, journal: Journal,
                      pending: list[Entry]) -> str | None:
    """Refuse before executing when pending migrations would create what already exists."""
    along = snapshots_along(folder, journal)
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
            clashes.append(f"{relative(folder.up_path(entry.tag))} creates {', '.join(found)}, "
                           "which already exist(s)")
        live = (live - set(dropped)) | set(created)
    if not clashes:
        return None
    return ("\n".join(clashes) + f"\nnothing was executed. The database was changed outside migrations "
            "(schemalens push, or by hand). If it already matches the migrations, record them as applied "
            "without running them: `schemalens migrate --baseline` (all pending) or "
            f"`schemalens resolve --applied {pending[0].tag}` (one); otherwise drop the objects first.")

# --- baseline and resolve ------------------------------------------------------------------


def _baseline(db: Database, settings: Settings, folder: Folder, journal: Journal, pending: list[Entry],
              result: MigrateResult) -> MigrateResult:
    if not pending:
        return result
    expected = folder.last_snapshot(journal)
    changes = differences(db, settings, expected)
    if changes:
        result.refused = _mismatch("the migrations' end state", changes)
        return result
    guarded(db, record_without_running,
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
    with open_database(settings, create=False) as db, migration_lock(db):
        records = {a.name: a for a in guarded(db, read_applied)}
        if rolled_back is not None:
            if rolled_back not in records or not guarded(db, forget, rolled_back):
                result.refused = f"{rolled_back} is not recorded as applied in {result.database}"
            else:
                result.done = f"forgot {rolled_back}: it no longer counts as applied"
            return result
        entry = journal.entry(_tag_of(journal, applied or ""))
        if entry is None:
            result.refused = f"{applied}: no such migration in {relative(folder.journal_path)}"
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
            result.refused = f"{relative(folder.snapshot_path(entry.idx))} is missing: cannot check the database"
            return result
        changes = differences(db, settings, expected)
        if changes:
            result.refused = _mismatch(f"the state after {entry.tag}", changes)
            return result
        checksum = folder.file_checksum(entry.tag)
        if checksum is None:
            result.refused = f"{relative(folder.up_path(entry.tag))} is missing"
            return result
        guarded(db, record_without_running, [(entry, checksum)], "resolved")
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
        return _exit_code(self.refused, self.failure)


def rollback(settings: Settings) -> RollbackResult:
    """Apply the down file of the last applied migration and forget it, in one transaction."""
    folder, journal = read_folder(settings)
    result = RollbackResult(mask_url(settings.database_url))
    result.refused = dialect_problem(journal, settings)
    if result.refused:
        return result
    with open_database(settings, create=False) as db, migration_lock(db):
        applied = guarded(db, read_applied)
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
            result.refused = f"{relative(down_path)} does not exist: {last.name} cannot be rolled back"
            return result
        try:
            down = read_migration(down_path, db.dialect)
        except MigrationsError as e:
            raise WorkflowError(str(e), MIGRATIONS_PROBLEM) from None
        if down.irreversible:
            result.refused = f"{relative(down_path)} is marked irreversible: {down.irreversible}"
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
        return _exit_code(self.refused, self.failure, self.migrate.exit_code if self.migrate else 0)


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
            empty = Schema(dialect=db.dialect)
            live, _ = left_alone(read_database(db, settings, folder.last_snapshot(journal)), empty, ())
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
