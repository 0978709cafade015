"""Connections for the studio: a few long-lived ones to the one configured database.

Every request borrows a connection for its whole duration, so a transaction never mixes
with another request's statements. PostgreSQL connections run in autocommit mode with a
statement timeout (a slow query in the console cannot hold the page hostage); SQLite gets
the same deadline through a progress handler, and an authorizer that refuses ATTACH so the
page can never reach another database file than the configured one.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from schemalens.connect import Database, connect

STATEMENT_TIMEOUT_MS = 15_000
SqliteAuthorizer = Callable[[int, Any, Any, Any, Any], int]


def deny_attach(action: int, *_: Any) -> int:
    """Base SQLite authorizer: everything but reaching other database files."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class Pool:
    def __init__(self, url: str, *, read_only: bool = False, size: int = 4,
                 timeout_ms: int = STATEMENT_TIMEOUT_MS) -> None:
        self.url = url
        self.read_only = read_only
        self.timeout_ms = timeout_ms
        self.size = size
        self._idle: queue.LifoQueue[Database] = queue.LifoQueue()
        self._opened = 0
        self._lock = threading.Lock()
        self.dialect = ""
        first = self._open()  # fail at start, not on the first click
        self.dialect = first.dialect
        if first.dialect == "sqlite" and ":memory:" in url:
            self.size = 1  # every connection would see its own empty in-memory database
        self._idle.put(first)

    def _open(self) -> Database:
        db = connect(self.url, read_only=self.read_only, create=False)
        if db.dialect == "postgresql":
            db.conn.autocommit = True
            db.conn.execute("SELECT pg_catalog.set_config('statement_timeout', %s, false)",
                            (str(self.timeout_ms),))
            db.conn.execute("SELECT pg_catalog.set_config('idle_in_transaction_session_timeout', %s, false)",
                            (str(self.timeout_ms * 2),))
        else:
            db.conn.execute(f"PRAGMA busy_timeout = {int(self.timeout_ms)}")
            db.conn.set_authorizer(deny_attach)
        with self._lock:
            self._opened += 1
        return db

    def _take(self) -> Database:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            can_open = self._opened < self.size
        if can_open:
            return self._open()
        return self._idle.get(timeout=self.timeout_ms / 1000)

    @contextmanager
    def connection(self) -> Iterator[Database]:
        db = self._take()
        if db.dialect == "sqlite":
            deadline = time.monotonic() + self.timeout_ms / 1000
            db.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        healthy = True
        try:
            yield db
        except BaseException:
            healthy = _usable(db)
            raise
        finally:
            if db.dialect == "sqlite":
                db.conn.set_progress_handler(None, 0)
                db.conn.set_authorizer(deny_attach)
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
            if healthy and _usable(db):
                self._idle.put(db)
            else:
                with self._lock:
                    self._opened -= 1
                _close_quietly(db)

    def close(self) -> None:
        while True:
            try:
                _close_quietly(self._idle.get_nowait())
            except queue.Empty:
                return


def _usable(db: Database) -> bool:
    if db.dialect != "postgresql":
        return True
    import psycopg

    conn = db.conn
    return not conn.closed and not conn.broken and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def _close_quietly(db: Database) -> None:
    try:
        db.close()
    except Exception:  # closing a broken connection: nothing left to save
        pass
