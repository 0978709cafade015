"""Executing statements: the only place (besides migrations) that writes to a database.

All or nothing where the dialect allows it. The traps this module exists for are in
`shared/notes/facts.md`; the dialect's runtime knows them (PostgreSQL: an enum value added
in a transaction cannot be used in it; SQLite: `PRAGMA foreign_keys` is ignored inside a
transaction, and `executescript()` commits on its own, so statements run one by one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from schemalens import dialects
from schemalens.changes import Statement
from schemalens.connect import Database, lost_message
from schemalens.urls import mask_text
from schemalens.dialects.base import BatchFailed, ForeignKeyViolation, Runtime


class ApplyError(Exception):
    """A statement failed. The database was left as it was before the transaction, unless
    `committed`: the statement ran after the main batch had committed (Statement.after_commit),
    which stays; `left` then says what the failed statement leaves behind and what to do."""

    def __init__(self, statement: Statement | None, index: int, message: str, committed: bool = False,
                 left: str | None = None) -> None:
        where = f"statement {index + 1}" if statement is not None else "foreign key check"
        text = f"{where} failed: {message}"
        if committed:
            text += "; the statements before it had committed and stay" + (f": {left}" if left else "")
        super().__init__(text)
        self.statement = statement
        self.index = index
        self.message = message
        self.committed = committed
        self.left = left


Progress = Callable[[int, int, Statement], None]  # index, total, statement


def apply(db: Database, statements: Sequence[Statement], lock_timeout: str | None = None,
          progress: Progress | None = None) -> None:
    """Statements that cannot run in a transaction first, each committing on its own (the
    enum rule: a value added by ALTER TYPE must be committed before it can be used); then
    the rest in one transaction, with foreign keys off where a table rebuild needs it;
    then the after-commit statements, each on its own, so that the batch's locks are gone
    while they scan or build."""
    if not statements:
        return
    runtime = dialects.get(db.dialect).runtime
    conn = db.conn
    indexed = list(enumerate(statements))
    before = [(i, s) for i, s in indexed if not s.transactional and not s.after_commit]
    batch = [(i, s) for i, s in indexed if s.transactional and not s.after_commit]
    after = [(i, s) for i, s in indexed if s.after_commit]
    current: tuple[int, Statement | None] = (0, None)
    try:
        runtime.autocommit(conn)
        for current in before:
            _run(runtime, conn, current, len(statements), progress)
        if batch:
            fk_off = any(s.needs_foreign_keys_off for _, s in batch)
            try:
                with runtime.transaction(conn, foreign_keys_off=fk_off):
                    runtime.set_lock_timeout(conn, lock_timeout, local=True)
                    _run_batch(runtime, conn, batch, len(statements), progress)
                    current = batch[-1]
            except ForeignKeyViolation as v:
                raise ApplyError(None, current[0], f"foreign key violation in table {v.table} "
                                 f"(rowid {v.rowid}) referencing {v.parent}") from None
    except BatchFailed as failed:
        index, statement = batch[failed.index]
        raise ApplyError(statement, index, db_message(db, failed.error)) from None
    except runtime.errors as e:
        raise ApplyError(current[1], current[0], db_message(db, e)) from None
    for item in after:
        try:
            _run_alone(runtime, conn, item, len(statements), lock_timeout, progress)
        except runtime.errors as e:
            raise ApplyError(item[1], item[0], db_message(db, e), committed=True,
                             left=dialects.get(db.dialect).left_by_failure(item[1].sql)) from None


def _run_alone(runtime: Runtime, conn: Any, item: tuple[int, Statement], total: int, lock_timeout: str | None,
               progress: Progress | None) -> None:
    """An after-commit statement: in a transaction of its own, or outside any."""
    if item[1].transactional:
        with runtime.transaction(conn):
            runtime.set_lock_timeout(conn, lock_timeout, local=True)
            _run(runtime, conn, item, total, progress)
        return
    runtime.autocommit(conn)
    runtime.set_lock_timeout(conn, lock_timeout, local=False)
    try:
        _run(runtime, conn, item, total, progress)
    finally:
        runtime.reset_lock_timeout(conn, lock_timeout)


def _run_batch(runtime: Runtime, conn: Any, batch: list[tuple[int, Statement]], total: int,
               progress: Progress | None) -> None:
    """The transaction's statements, sent as the runtime batches them (PostgreSQL pipelines
    them); BatchFailed says which one failed."""
    def sending(k: int) -> None:
        if progress:
            progress(batch[k][0], total, batch[k][1])

    runtime.execute_batch(conn, [s.sql for _, s in batch], sending)


def _run(runtime: Runtime, conn: Any, item: tuple[int, Statement], total: int, progress: Progress | None) -> None:
    if progress:
        progress(item[0], total, item[1])
    conn.execute(item[1].sql)


def db_message(db: Database, error: Exception) -> str:
    """The database's own words for a failed statement (masked), or, when the connection died
    under it, the one lost-connection message: the server rolls back what it did not commit."""
    if not db.alive:
        return lost_message(db.url)
    diag = getattr(error, "diag", None)
    text = getattr(diag, "message_primary", None) or str(error).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    message = f"{text} ({detail})" if detail else text
    return mask_text(dialects.get(db.dialect).runtime.in_user_names(message), db.url)
