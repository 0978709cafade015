"""Running a migration: its statements and its ledger row in one transaction where the
dialect allows it, serialized against other runs by the dialect's migration lock.

Every database rule (transactions, lock_timeout, SQLite's foreign-key dance, the lock
itself) comes from `dialects.get(db.dialect).runtime`; this module only orders the work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from schemalens import dialects
from schemalens.apply import db_message
from schemalens.connect import Database
from schemalens.dialects.base import ForeignKeyViolation
from schemalens.migrations import ledger
from schemalens.migrations.folder import Entry, Migration, Piece


@contextmanager
def migration_lock(db: Database, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Serialize the runs that change one database's schema (migrate, rollback, reset,
    resolve, push) against each other. Taken first, before anything is read."""
    with dialects.get(db.dialect).runtime.migration_lock(db.conn, db.url, on_wait):
        yield


class StatementError(Exception):
    """A statement of a migration failed; `piece` locates it (None: the final FK check)."""

    def __init__(self, piece: Piece | None, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.piece = piece
        self.message = message
        self.position = position  # 1-based character position in the statement, if the database gave one


class MigrationFailed(Exception):
    """A migration failed. Nothing of it remains unless `partial` says which statements
    ran outside a transaction and stayed."""

    def __init__(self, migration: Migration, error: StatementError, partial: list[Piece]) -> None:
        super().__init__(error.message)
        self.migration = migration
        self.error = error
        self.partial = partial

    @property
    def location(self) -> str:
        piece = self.error.piece
        if piece is None:
            return str(self.migration.path)
        line, col = piece.line, piece.col
        if self.error.position is not None:
            line, col = _advance(piece.sql, line, col, self.error.position - 1)
        return f"{self.migration.path}:{line}:{col}"


def _advance(sql: str, line: int, col: int, chars: int) -> tuple[int, int]:
    before = sql[:chars]
    newlines = before.count("\n")
    if newlines:
        return line + newlines, len(before) - before.rfind("\n")
    return line, col + chars


def run_migration(db: Database, migration: Migration, record: tuple[Entry, str] | None,
                  lock_timeout: str | None = None, *, delete: str | None = None) -> int:
    """Run a migration's statements and, in the same transaction, write (`record`) or
    delete (`delete`, for a rollback) its row. Returns the execution time in ms.

    Statements marked no-transaction or own-transaction split the run: what comes before
    them commits, they run on their own (outside a transaction, or alone in one), the rest
    runs in a new transaction. Raises MigrationFailed."""
    runtime = dialects.get(db.dialect).runtime
    started = time.perf_counter()
    segments = _segments(migration.pieces)
    done: list[Piece] = []
    for number, (transactional, pieces) in enumerate(segments):
        last = number == len(segments) - 1
        try:
            if transactional:
                try:
                    with runtime.transaction(db.conn, foreign_keys_off=migration.foreign_keys_off):
                        runtime.set_lock_timeout(db.conn, lock_timeout, local=True)
                        for piece in pieces:
                            _execute(db, piece)
                        if last:
                            _bookkeep(db, record, delete, started)
                except ForeignKeyViolation as v:
                    raise StatementError(None, f"foreign key violation: a row of {v.table} (rowid "
                                         f"{v.rowid}) references a missing row of {v.parent}") from None
            else:
                runtime.autocommit(db.conn)
                runtime.set_lock_timeout(db.conn, lock_timeout, local=False)
                try:
                    _execute(db, pieces[0])
                finally:
                    runtime.reset_lock_timeout(db.conn, lock_timeout)
        except StatementError as e:
            raise MigrationFailed(migration, e, done) from None
        done += pieces
    if not segments or not segments[-1][0]:
        with runtime.transaction(db.conn):
            _bookkeep(db, record, delete, started)
    return int((time.perf_counter() - started) * 1000)


def _segments(pieces: list[Piece]) -> list[tuple[bool, list[Piece]]]:
    segments: list[tuple[bool, list[Piece]]] = []
    for piece in pieces:
        if piece.transactional and not piece.own_transaction and segments and segments[-1][0] \
                and not segments[-1][1][-1].own_transaction:
            segments[-1][1].append(piece)
        else:
            segments.append((piece.transactional, [piece]))
    return segments


def _bookkeep(db: Database, record: tuple[Entry, str] | None, delete: str | None, started: float) -> None:
    if record is not None:
        ledger.record(db, record[0], record[1], int((time.perf_counter() - started) * 1000), "applied")
    if delete is not None:
        ledger.delete(db, delete)


def _execute(db: Database, piece: Piece) -> None:
    runtime = dialects.get(db.dialect).runtime
    try:
        runtime.execute(db.conn, piece.sql)
    except runtime.errors as e:
        raise StatementError(piece, db_message(db, e), runtime.error_position(e)) from None


def try_migrations(db: Database, migrations: list[Migration],
                   lock_timeout: str | None = None) -> tuple[MigrationFailed | None, list[tuple[Migration, Piece]]]:
    """Dry run: every transactional statement of every migration inside one transaction
    that is always rolled back. Returns the first failure and the statements that
    could not be tried (they must run outside a transaction)."""
    runtime = dialects.get(db.dialect).runtime
    skipped: list[tuple[Migration, Piece]] = []
    fk_off = any(m.foreign_keys_off for m in migrations)
    with runtime.trial(db.conn, foreign_keys_off=fk_off) as deferred:
        runtime.set_lock_timeout(db.conn, lock_timeout, local=True)
        for migration in migrations:
            for piece in migration.pieces:
                if not piece.transactional:
                    skipped.append((migration, piece))
                    continue
                try:
                    _execute(db, piece)
                except StatementError as e:
                    return MigrationFailed(migration, e, []), skipped
            if deferred and migration.foreign_keys_off and (v := runtime.foreign_key_violation(db.conn)):
                return MigrationFailed(migration, StatementError(
                    None, f"foreign key violation: a row of {v.table} references a missing row of "
                    f"{v.parent}"), []), skipped
    return None, skipped
