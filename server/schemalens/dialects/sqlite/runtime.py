"""How SQLite executes: the sqlite3 module in autocommit mode (`isolation_level=None`),
`?` parameters, explicit BEGIN IMMEDIATE, an OS file lock around migrate.

The foreign-key pragma dance lives here: SQLite ignores `PRAGMA foreign_keys` inside a
transaction, so for table rebuilds it is switched off before `BEGIN`, `PRAGMA
foreign_key_check` runs before `COMMIT`, and it is switched back on afterwards. Python's
`executescript()` commits on its own, so statements always run one by one.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from schemalens.dialects.base import ForeignKeyViolation, Runtime, StatementDenied, WriteRefused
from schemalens.model import Column, Table
from schemalens.urls import ConnectError, sqlite_path

# Files this small are counted exactly; bigger ones show max(rowid), an upper bound.
EXACT_COUNT_FILE_BYTES = 16 << 20
READ_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "database_list", "compile_options",
    "collation_list", "function_list", "module_list", "pragma_list", "table_list",
}
_FK_PRAGMA = re.compile(r"^\s*PRAGMA\s+foreign_keys\s*=\s*['\"]?(?P<value>\w+)['\"]?\s*;?\s*$", re.I)
READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}


def deny_attach(action: int, *_: Any) -> int:
    """Base authorizer of a session: everything but reaching other database files."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _read_only_authorizer(action: int, arg1: Any, arg2: Any, *_: Any) -> int:
    if action in READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or str(arg1).lower() in READ_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _write_authorizer(action: int, *_: Any) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_TRANSACTION,
                  sqlite3.SQLITE_SAVEPOINT):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class SQLiteRuntime(Runtime):
    param = "?"
    percent = "%"
    dry_run_note = "everything ran inside one SQLite transaction that was rolled back"
    classifies = False
    lock_rows = ""

    # --- connections ---

    def open(self, url: str, *, create: bool, read_only: bool, where: str, connect_s: int, read_ms: int) -> Any:
        path = sqlite_path(url)
        mode = "ro" if read_only else "rwc"
        try:
            if path != ":memory:":
                file = Path(path)
                if not file.exists() and (read_only or not create):
                    raise ConnectError(f"SQLite database {path} does not exist{where}: reading creates nothing "
                                       "(`schemalens push` or `schemalens migrate` creates it)")
                if create and not read_only:
                    file.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, isolation_level=None,
                                   check_same_thread=False, timeout=read_ms / 1000)
            conn.execute("PRAGMA foreign_keys = ON")
            _probe(conn, read_ms)
        except (sqlite3.Error, OSError) as e:
            raise ConnectError(f"cannot open SQLite database {path}{where}: {e}") from None
        return conn

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)

    def error_position(self, error: Exception) -> int | None:
        return None

    def in_user_names(self, message: str) -> str:
        from schemalens.dialects.sqlite.render import in_user_names

        return in_user_names(message)

    # --- transactions and statements ---

    def autocommit(self, conn: Any) -> None:
        pass  # opened with isolation_level=None: nothing starts a transaction behind our back

    def execute(self, conn: Any, sql: str) -> Any:
        return conn.execute(sql)

    @contextmanager
    def _foreign_keys_deferred(self, conn: sqlite3.Connection, off: bool) -> Iterator[bool]:
        """Yields True when foreign keys were on and are now off (outside any transaction)."""
        deferred = off and conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        if deferred:
            conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield deferred
        finally:
            if deferred:
                conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def transaction(self, conn: Any, *, foreign_keys_off: bool = False) -> Iterator[None]:
        with self._foreign_keys_deferred(conn, foreign_keys_off) as deferred:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                if deferred and (violation := self.foreign_key_violation(conn)):
                    raise violation
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def trial(self, conn: Any, *, foreign_keys_off: bool) -> Iterator[bool]:
        with self._foreign_keys_deferred(conn, foreign_keys_off) as deferred:
            conn.execute("BEGIN")
            try:
                yield deferred
            finally:
                conn.execute("ROLLBACK")

    def foreign_key_violation(self, conn: Any) -> ForeignKeyViolation | None:
        row = conn.execute("PRAGMA foreign_key_check").fetchone()
        return ForeignKeyViolation(row[0], row[1], row[2]) if row else None

    def set_lock_timeout(self, conn: Any, value: str | None, *, local: bool) -> None:
        pass  # SQLite locks the whole file; busy_timeout bounds the wait

    def does_not_answer(self, error: Exception) -> bool:
        return isinstance(error, sqlite3.OperationalError) and _busy(error)

    def reset_lock_timeout(self, conn: Any, value: str | None) -> None:
        pass

    # --- migrations ---

    def foreign_keys_switch(self, statement: str) -> bool | None:
        """Inside a transaction SQLite ignores `PRAGMA foreign_keys`: the runner does what it means."""
        m = _FK_PRAGMA.match(statement)
        return None if m is None else m.group("value").lower() not in ("off", "0", "false", "no")

    @contextmanager
    def migration_lock(self, conn: Any, url: str, on_wait: Callable[[], None] | None) -> Iterator[None]:
        path = sqlite_path(url)
        conn.execute("PRAGMA busy_timeout = 30000")
        if path == ":memory:":
            yield
            return
        lock_path = Path(path).with_name(Path(path).name + "-schemalens.lock")
        with open(lock_path, "a+b") as handle:
            _lock_file(handle, on_wait)
            try:
                yield
            finally:
                _unlock_file(handle)

    def ledger_ddl(self, table: str) -> str:
        return f"""CREATE TABLE IF NOT EXISTS {table} (
    name TEXT PRIMARY KEY,
    idx INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    execution_ms INTEGER NOT NULL,
    method TEXT NOT NULL
)"""

    def table_exists(self, conn: Any, name: str) -> bool:
        sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
        return conn.execute(sql, (name,)).fetchone() is not None

    def timestamp(self, now: datetime) -> Any:
        return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # sorts as text, like the times it is compared with

    def backup(self, conn: Any, url: str, target: Path) -> str | None:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with sqlite3.connect(target) as copy:
                conn.backup(copy)
            copy.close()
        except sqlite3.Error as e:
            return f"backup to {target} failed: {e}; nothing was applied"
        return None

    def database_missing(self, url: str) -> bool:
        path = sqlite_path(url)
        return path != ":memory:" and not Path(path).exists()

    # --- sessions ---

    def single_connection(self, url: str) -> bool:
        return ":memory:" in url  # every connection would see its own empty in-memory database

    def open_session(self, conn: Any, timeout_ms: int) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        conn.set_authorizer(deny_attach)

    def borrow(self, conn: Any, timeout_ms: int) -> None:
        deadline = time.monotonic() + timeout_ms / 1000
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)

    def give_back(self, conn: Any) -> None:
        conn.set_progress_handler(None, 0)
        conn.set_authorizer(deny_attach)
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def usable(self, conn: Any) -> bool:
        return True

    @contextmanager
    def _guarded(self, conn: Any, begin: str, authorizer: Callable[..., int], end: str,
                 refusal: type[Exception]) -> Iterator[None]:
        conn.execute(begin)
        conn.set_authorizer(authorizer)
        try:
            yield
        except sqlite3.DatabaseError as e:
            conn.set_authorizer(deny_attach)
            conn.execute("ROLLBACK")
            if "not authorized" in str(e):
                raise refusal(str(e)) from None
            raise
        except BaseException:
            conn.set_authorizer(deny_attach)
            conn.execute("ROLLBACK")
            raise
        conn.set_authorizer(deny_attach)
        conn.execute(end)

    def read_only(self, conn: Any) -> Any:
        return self._guarded(conn, "BEGIN", _read_only_authorizer, "ROLLBACK", WriteRefused)

    def writing(self, conn: Any) -> Any:
        return self._guarded(conn, "BEGIN IMMEDIATE", _write_authorizer, "COMMIT", StatementDenied)

    def may_write(self, statement: str) -> bool:
        return False  # the read-only authorizer decides, statement by statement, as it runs

    def user_schemas(self, conn: Any) -> list[str] | None:
        return None

    # --- values ---

    def as_text(self, sql: str, limit: int | None = None) -> str:
        return sql  # values come back as stored; the page's text form is made in Python

    def comparable(self, sql: str, column_type: str) -> str:
        return sql

    def contains(self, sql: str, param: str) -> str:
        return f"CAST({sql} AS TEXT) LIKE {param} ESCAPE '\\'"

    def bind(self, column_type: str, text: str) -> Any:
        """The value the column's affinity would store, so comparisons match stored values."""
        declared = column_type.lower()
        if self.column_kind(declared) == "bool" and text.lower() in ("true", "false"):
            return int(text.lower() == "true")  # SQLite's own TRUE and FALSE
        if "int" in declared:
            try:
                return int(text)
            except ValueError:
                return text
        if self.column_kind(declared) == "number":
            for convert in (int, float):
                try:
                    return convert(text)
                except ValueError:
                    pass
            return text
        if (not declared or "blob" in declared) and text.startswith("\\x"):
            try:
                return bytes.fromhex(text[2:])
            except ValueError:
                return text
        return text

    def can_be_null(self, column: Column, table: Table) -> bool:
        """An INTEGER PRIMARY KEY is the rowid: a NULL written there becomes the next
        rowid, though the catalog calls the column nullable."""
        key = table.primary_key.columns if table.primary_key else []
        rowid = not table.without_rowid and key == [column.name] and column.type.upper() == "INTEGER"
        return column.nullable and not rowid

    def column_kind(self, column_type: str) -> str:
        t = column_type.lower()
        if "json" in t:
            return "json"
        if "int" in t or any(k in t for k in ("real", "floa", "doub", "num", "dec")):
            return "number"
        if "bool" in t:
            return "bool"
        if "blob" in t:
            return "bytes"
        if "date" in t or "timestamp" in t:  # stored as ISO text: DATE, DATETIME, TIMESTAMP
            return "datetime" if "time" in t else "date"
        if t == "time":
            return "time"
        return "text"

    def row_address(self, column_names: set[str]) -> str:
        return next(a for a in ("rowid", "_rowid_", "oid") if a not in column_names)

    def table_sql(self, schema_sql: str, name_sql: str) -> str:
        return name_sql

    def row_counts(self, conn: Any, url: str, tables: list[tuple[str, str, bool]],
                   ident: Callable[[str], str]) -> dict[tuple[str, str], tuple[int | None, bool]]:
        path = sqlite_path(url)
        size = os.path.getsize(path) if path != ":memory:" and os.path.exists(path) else 0
        counts: dict[tuple[str, str], tuple[int | None, bool]] = {}
        for schema, name, has_rowid in tables:
            try:
                if size <= EXACT_COUNT_FILE_BYTES:
                    counts[(schema, name)] = (conn.execute(f"SELECT count(*) FROM {ident(name)}").fetchone()[0], True)
                elif has_rowid:
                    # max(rowid) is one b-tree descent: an upper bound good enough for a sidebar
                    counts[(schema, name)] = (
                        conn.execute(f"SELECT max(rowid) FROM {ident(name)}").fetchone()[0] or 0, False)
            except Exception:  # a virtual table whose module is missing: no count, still listed
                continue
        return counts


def _busy(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _probe(conn: sqlite3.Connection, read_ms: int) -> None:
    """Is this a SQLite database? Asked without waiting: a file another connection is writing
    answers "busy" until it commits, and that is a database (a second migrate then waits its
    turn on the migration lock, saying so, not here, where a long migration would outlast
    any busy timeout)."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.OperationalError as e:
        if not _busy(e):
            raise
    conn.execute(f"PRAGMA busy_timeout = {int(read_ms)}")


def _lock_file(handle: Any, on_wait: Callable[[], None] | None) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if on_wait:
                    on_wait()
                    on_wait = None
                time.sleep(0.1)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if on_wait:
            on_wait()
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)


def _unlock_file(handle: Any) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
