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
from schemalens.connect import Database, mask_text
from schemalens.dialects.base import ForeignKeyViolation, Runtime


class ApplyError(Exception):
    """A statement failed; the database was left as it was before the transaction."""

    def __init__(self, statement: Statement | None, index: int, message: str) -> None:
        where = f"statement {index + 1}" if statement is not None else "foreign key check"
        super().__init__(f"{where} failed: {message}")
        self.statement = statement
        self.index = index
        self.message = message


Progress = Callable[[int, int, Statement], None]  # index, total, statement


def apply(db: Database, statements: Sequence[Statement], lock_timeout: str | None = None,
          progress: Progress | None = None) -> None:
    """Statements that cannot run in a transaction first, each committing on its own (the
    enum rule: a value added by ALTER TYPE must be committed before it can be used); then
    the rest in one transaction, with foreign keys off where a table rebuild needs it."""
    if not statements:
        return
    runtime = dialects.get(db.dialect).runtime
    conn = db.conn
    ordered = [(i, s) for i, s in enumerate(statements) if not s.transactional]
    ordered += [(i, s) for i, s in enumerate(statements) if s.transactional]
    runtime.autocommit(conn)
    current: tuple[int, Statement | None] = (0, None)
    try:
        for current in ordered:
            if current[1].transactional:
                break
            _run(runtime, conn, current, len(statements), progress)
        batch = [(i, s) for i, s in ordered if s.transactional]
        if not batch:
            return
        fk_off = any(s.needs_foreign_keys_off for _, s in batch)
        try:
            with runtime.transaction(conn, foreign_keys_off=fk_off):
                runtime.set_lock_timeout(conn, lock_timeout, local=True)
                for current in batch:
                    _run(runtime, conn, current, len(statements), progress)
        except ForeignKeyViolation as v:
            raise ApplyError(None, current[0], f"foreign key violation in table {v.table} "
                             f"(rowid {v.rowid}) referencing {v.parent}") from None
    except runtime.errors as e:
        raise ApplyError(current[1], current[0], db_message(db, e)) from None


def _run(runtime: Runtime, conn: Any, item: tuple[int, Statement], total: int, progress: Progress | None) -> None:
    if progress:
        progress(item[0], total, item[1])
    conn.execute(item[1].sql)


def db_message(db: Database, error: Exception) -> str:
    diag = getattr(error, "diag", None)
    text = getattr(diag, "message_primary", None) or str(error).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    message = f"{text} ({detail})" if detail else text
    return mask_text(dialects.get(db.dialect).runtime.in_user_names(message), db.url)
