"""Connections for the studio: a few long-lived ones to the one configured database.

Every request borrows a connection for its whole duration, so a transaction never mixes
with another request's statements. PostgreSQL connections run in autocommit mode with a
statement timeout (a slow query in the console cannot hold the page hostage); SQLite gets
the same deadline through a progress handler, and an authorizer that refuses ATTACH so the
page can never reach another database file than the configured one.

The SQL console gets a connection of its own for each submission (`fresh`), closed after it:
whatever session state a statement leaves behind (advisory locks, SET, temporary tables,
prepared statements, LISTEN, held cursors, dblink connections, SQLite's PRAGMA settings and
temp objects) ends with that session, so it can neither block `schemalens migrate` nor
change what the next request sees. Only an in-memory SQLite database, which exists in its
one connection and which no other process can see, lends the console its pooled connection.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from schemalens import dialects
from schemalens.connect import Database, connect

STATEMENT_TIMEOUT_MS = 15_000


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
        if dialects.get(first.dialect).runtime.single_connection(url):
            self.size = 1
        self._idle.put(first)

    def _session(self) -> Database:
        db = connect(self.url, read_only=self.read_only, create=False)
        dialects.get(db.dialect).runtime.open_session(db.conn, self.timeout_ms)
        return db

    def _open(self) -> Database:
        db = self._session()
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
        runtime = dialects.get(db.dialect).runtime
        runtime.borrow(db.conn, self.timeout_ms)
        healthy = True
        try:
            yield db
        except BaseException:
            healthy = _usable(db)
            raise
        finally:
            runtime.give_back(db.conn)
            if healthy and _usable(db):
                self._idle.put(db)
            else:
                with self._lock:
                    self._opened -= 1
                _close_quietly(db)

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        """A connection of its own for one piece of work, closed afterwards."""
        if dialects.get(self.dialect).runtime.single_connection(self.url):
            with self.connection() as db:
                yield db
            return
        db = self._session()
        try:
            dialects.get(db.dialect).runtime.borrow(db.conn, self.timeout_ms)
            yield db
        finally:
            _close_quietly(db)

    def close(self) -> None:
        while True:
            try:
                _close_quietly(self._idle.get_nowait())
            except queue.Empty:
                return


def _usable(db: Database) -> bool:
    return dialects.get(db.dialect).runtime.usable(db.conn)


def _close_quietly(db: Database) -> None:
    try:
        db.close()
    except Exception:  # closing a broken connection: nothing left to save
        pass
