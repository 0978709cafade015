"""Executing statements: the only place (besides migrations) that writes to a database.

All or nothing where the dialect allows it. The traps this module exists for are in
`shared/notes/facts.md`: PostgreSQL cannot use an enum value added in the same
transaction, so `ALTER TYPE ... ADD VALUE` runs and commits first; SQLite ignores
`PRAGMA foreign_keys` inside a transaction, so it is switched off before `BEGIN` for
table rebuilds and `PRAGMA foreign_key_check` runs before `COMMIT`; and Python's
`executescript()` commits on its own, so statements run one by one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from schemalens.changes import Statement
from schemalens.connect import Database, mask_text


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
    if not statements:
        return
    if db.dialect == "postgresql":
        _apply_postgresql(db, statements, lock_timeout, progress)
    else:
        _apply_sqlite(db, statements, progress)


def db_message(db: Database, error: Exception) -> str:
    diag = getattr(error, "diag", None)
    text = getattr(diag, "message_primary", None) or str(error).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    return mask_text(f"{text} ({detail})" if detail else text, db.url)


def _apply_postgresql(db: Database, statements: Sequence[Statement], lock_timeout: str | None,
                      progress: Progress | None) -> None:
    import psycopg

    conn = db.conn
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    ordered = [(i, s) for i, s in enumerate(statements) if not s.transactional]
    ordered += [(i, s) for i, s in enumerate(statements) if s.transactional]
    conn.autocommit = True
    try:
        for i, stmt in ordered:
            if stmt.transactional:
                break
            if progress:
                progress(i, len(statements), stmt)
            try:
                conn.execute(stmt.sql)
            except psycopg.Error as e:
                raise ApplyError(stmt, i, db_message(db, e)) from None
    finally:
        conn.autocommit = False
    batch = [(i, s) for i, s in ordered if s.transactional]
    if not batch:
        return
    current: tuple[int, Statement] | None = None
    try:
        with conn.transaction():
            if lock_timeout:
                conn.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
            for current in batch:
                if progress:
                    progress(current[0], len(statements), current[1])
                conn.execute(current[1].sql)
    except psycopg.Error as e:
        conn.rollback()
        index, stmt = current if current else (0, None)
        raise ApplyError(stmt, index, db_message(db, e)) from None


def _apply_sqlite(db: Database, statements: Sequence[Statement], progress: Progress | None) -> None:
    conn: sqlite3.Connection = db.conn
    fk_off = any(s.needs_foreign_keys_off for s in statements)
    fk_was_on = conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    if fk_off:
        conn.execute("PRAGMA foreign_keys = OFF")
    index = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for index, stmt in enumerate(statements):
                if progress:
                    progress(index, len(statements), stmt)
                conn.execute(stmt.sql)
            if fk_off and fk_was_on:
                violation = conn.execute("PRAGMA foreign_key_check").fetchone()
                if violation:
                    raise ApplyError(None, index, f"foreign key violation in table {violation[0]} "
                                     f"(rowid {violation[1]}) referencing {violation[2]}")
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            conn.execute("ROLLBACK")
            raise ApplyError(statements[index], index, db_message(db, e)) from None
        except ApplyError:
            conn.execute("ROLLBACK")
            raise
    finally:
        if fk_off and fk_was_on:
            conn.execute("PRAGMA foreign_keys = ON")
