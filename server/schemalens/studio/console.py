"""The SQL console: queries run freely, anything that may write needs `confirm: true`.

Two independent guards keep an unconfirmed submission from changing anything. First the
text is classified statement by statement by the dialect's runtime (PostgreSQL: pglast's
parse tree; a statement is a read only if it is a SELECT/EXPLAIN/SHOW without INTO, FOR
UPDATE, data-modifying CTEs or functions with side effects). Then reads run in the
runtime's read-only session, always rolled back (PostgreSQL: READ ONLY; SQLite: an
authorizer that denies every write), so a write hidden in a user-defined function is
refused by the database itself.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.connect import Database
from schemalens.dialects.base import SplitError, StatementDenied, WriteRefused
from schemalens.studio.rows import Conflict, Forbidden, StudioError, refused

MAX_ROWS = 1000
READ_ONLY = "the studio was started with --read-only: only queries run"


@dataclass
class Statement:
    sql: str
    read: bool


def statements(db: Database, sql: str) -> list[Statement]:
    """The submission cut by the dialect's splitter, each statement classified by its runtime."""
    dialect = dialects.get(db.dialect)
    try:
        return [Statement(text, not dialect.runtime.may_write(text)) for _, text in dialect.split_statements(sql)]
    except SplitError as e:
        raise StudioError(f"syntax error: {e}") from None
    except StatementDenied as e:
        raise StudioError(str(e)) from None


def cell_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, decimal.Decimal, uuid.UUID, datetime.date, datetime.time, datetime.timedelta)):
        return str(value)
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def run_sql(db: Database, sql: Any, confirm: Any, read_only: bool) -> dict[str, Any]:
    if not isinstance(sql, str) or not sql.strip():
        raise StudioError("sql must be a non-empty string")
    if not isinstance(confirm, bool):
        raise StudioError("confirm must be true or false")
    found = statements(db, sql)
    if not found:
        raise StudioError("no SQL statement to run")
    writes = [s for s in found if not s.read]
    if writes and read_only:
        raise Forbidden(READ_ONLY, statement=writes[0].sql)
    if writes and not confirm:
        raise _needs_confirmation(writes[0].sql)
    runtime = dialects.get(db.dialect).runtime
    # Where the runtime cannot tell reads from writes up front, a confirmed submission runs
    # as a write and the database decides.
    write = bool(writes) or (confirm and not read_only and not runtime.classifies)
    session = runtime.writing(db.conn) if write else runtime.read_only(db.conn)
    last: dict[str, Any] | None = None
    statement = found[0]
    try:
        with session:
            for statement in found:
                cursor = db.conn.execute(statement.sql)
                if cursor.description is not None or last is None or write:
                    last = _result(cursor, len(found), write)
    except WriteRefused:
        if read_only:
            raise Forbidden(READ_ONLY, statement=statement.sql[:500]) from None
        raise _needs_confirmation(statement.sql) from None
    except StatementDenied:
        raise StudioError("ATTACH, DETACH and transaction statements are not available in the console: it "
                          "runs each submission in one transaction on this database only",
                          statement=statement.sql[:500]) from None
    except runtime.errors as e:
        raise refused(db, e) from None
    assert last is not None
    return last


def _needs_confirmation(statement: str) -> Conflict:
    return Conflict("this SQL can change the database: run it again with confirmation",
                    needs_confirmation=True, statement=statement[:500])


def _result(cursor: Any, statements: int, wrote: bool) -> dict[str, Any]:
    if cursor is None or cursor.description is None:
        rowcount = getattr(cursor, "rowcount", -1)
        return {"statements": statements, "columns": [], "rows": [], "truncated": False,
                "rowcount": rowcount if rowcount is not None and rowcount >= 0 else None, "wrote": wrote}
    rows = cursor.fetchmany(MAX_ROWS + 1)
    return {"statements": statements, "columns": [d[0] for d in cursor.description],
            "rows": [[cell_text(v) for v in row] for row in rows[:MAX_ROWS]],
            "truncated": len(rows) > MAX_ROWS, "rowcount": None, "wrote": wrote}
