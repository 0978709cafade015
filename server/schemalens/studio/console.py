"""The SQL console: queries run freely, anything that may write needs `confirm: true`.

Two independent guards keep an unconfirmed submission from changing anything. First the
text is classified statement by statement (PostgreSQL: pglast's parse tree; a statement is
a read only if it is a SELECT/EXPLAIN/SHOW without INTO, FOR UPDATE, data-modifying CTEs or
functions with side effects). Then reads run in a READ ONLY transaction that is always
rolled back (SQLite: under an authorizer that denies every write), so a write hidden in a
user-defined function is refused by the database itself.
"""

from __future__ import annotations

import datetime
import decimal
import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from schemalens.connect import Database
from schemalens.studio.pool import deny_attach
from schemalens.studio.rows import Conflict, Forbidden, StudioError, refused

MAX_ROWS = 1000
READ_STATEMENTS = {"SelectStmt", "ExplainStmt", "VariableShowStmt"}
WRITE_NODES = {"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "IntoClause", "LockingClause"}
# Functions that act on the server even inside a read-only transaction.
SIDE_EFFECT_FUNCTIONS = {
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
    "pg_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_lock", "lo_import", "lo_export",
    "pg_switch_wal", "pg_create_restore_point", "pg_promote", "set_config", "dblink", "dblink_exec",
    "pg_file_write", "pg_notify",
}
READ_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "database_list", "compile_options",
    "collation_list", "function_list", "module_list", "pragma_list", "table_list",
}
SQLITE_READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                       sqlite3.SQLITE_RECURSIVE}


@dataclass
class Statement:
    sql: str
    read: bool


def _nodes(tree: Any, found: set[str], functions: set[str]) -> None:
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key[:1].isupper():
                found.add(key)
            if key == "FuncCall":
                names = [n.get("String", {}).get("sval", "") for n in value.get("funcname", [])]
                if names:
                    functions.add(names[-1].lower())
            _nodes(value, found, functions)
    elif isinstance(tree, list):
        for item in tree:
            _nodes(item, found, functions)


def split_postgresql(sql: str) -> list[Statement]:
    import pglast.parser

    try:
        parsed = json.loads(pglast.parser.parse_sql_json(sql))
    except pglast.parser.ParseError as e:
        raise StudioError(f"syntax error: {e}") from None
    data = sql.encode()
    out = []
    for raw in parsed.get("stmts", []):
        start = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0) or len(data) - start
        kind = next(iter(raw["stmt"]))
        found: set[str] = set()
        functions: set[str] = set()
        _nodes(raw["stmt"], found, functions)
        if kind == "TransactionStmt":
            raise StudioError("BEGIN/COMMIT/ROLLBACK are not needed: the console runs each submission "
                              "in one transaction")
        read = kind in READ_STATEMENTS and not (found & WRITE_NODES) and not (functions & SIDE_EFFECT_FUNCTIONS)
        out.append(Statement(data[start:start + length].decode().strip(), read))
    return out


def split_sqlite(sql: str) -> list[Statement]:
    """Statements at each `;` that completes one (sqlite3.complete_statement knows quotes,
    comments and trigger bodies). Whether each one writes is decided by the authorizer."""
    out: list[Statement] = []
    start = 0
    for i, ch in enumerate(sql):
        if ch == ";" and sqlite3.complete_statement(sql[start:i + 1]):
            out.append(sql[start:i + 1])
            start = i + 1
    tail = sql[start:]
    if tail.strip() and not _only_comments(tail):
        out.append(tail)
    return [Statement(s.strip(), read=True) for s in out if s.strip().strip(";").strip()]


def _only_comments(text: str) -> bool:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    return all(ln.startswith("--") or not ln for ln in lines)


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
    statements = split_postgresql(sql) if db.dialect == "postgresql" else split_sqlite(sql)
    if not statements:
        raise StudioError("no SQL statement to run")
    writes = [s for s in statements if not s.read]
    if writes and read_only:
        raise Forbidden("the studio was started with --read-only: only queries run", statement=writes[0].sql)
    if writes and not confirm:
        raise _needs_confirmation(writes[0].sql)
    if db.dialect == "postgresql":
        return _run_postgresql(db, statements, write=bool(writes))
    return _run_sqlite(db, statements, write=confirm and not read_only, read_only=read_only)


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


def _run_postgresql(db: Database, statements: list[Statement], write: bool) -> dict[str, Any]:
    import psycopg

    last: dict[str, Any] | None = None
    statement = statements[0]
    try:
        with db.conn.transaction(force_rollback=not write):
            if not write:
                db.conn.execute("SET TRANSACTION READ ONLY")
            for statement in statements:
                cursor = db.conn.execute(statement.sql)
                if cursor.description is not None or last is None or write:
                    last = _result(cursor, len(statements), write)
    except psycopg.errors.ReadOnlySqlTransaction:
        raise _needs_confirmation(statement.sql) from None
    except psycopg.Error as e:
        raise refused(db, e) from None
    assert last is not None
    return last


def _read_only_authorizer(action: int, arg1: Any, arg2: Any, *_: Any) -> int:
    if action in SQLITE_READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or str(arg1).lower() in READ_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _write_authorizer(action: int, *_: Any) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_TRANSACTION,
                  sqlite3.SQLITE_SAVEPOINT):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _run_sqlite(db: Database, statements: list[Statement], write: bool, read_only: bool) -> dict[str, Any]:
    conn: sqlite3.Connection = db.conn
    last: dict[str, Any] | None = None
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    conn.set_authorizer(_write_authorizer if write else _read_only_authorizer)
    statement = statements[0]
    try:
        for statement in statements:
            cursor = conn.execute(statement.sql)
            if cursor.description is not None or last is None or write:
                last = _result(cursor, len(statements), write)
    except sqlite3.DatabaseError as e:
        conn.set_authorizer(deny_attach)
        conn.execute("ROLLBACK")
        if "not authorized" in str(e):
            if write:
                raise StudioError("ATTACH, DETACH and transaction statements are not available in the "
                                  "console: it runs each submission in one transaction on this database only",
                                  statement=statement.sql[:500]) from None
            if read_only:
                raise Forbidden("the studio was started with --read-only: only queries run",
                                statement=statement.sql[:500]) from None
            raise _needs_confirmation(statement.sql) from None
        raise refused(db, e) from None
    conn.set_authorizer(deny_attach)
    conn.execute("COMMIT" if write else "ROLLBACK")
    assert last is not None
    return last
