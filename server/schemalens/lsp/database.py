"""Open connections and the last schema read from each database, reused across saves.

A save must feel instant even on a 1,000-table database, and reading the whole catalog
costs far more than asking whether it changed. So each database keeps one connection
and a cheap fingerprint of its catalog (PostgreSQL: row count and newest row version of
every catalog the introspection reads; SQLite: `PRAGMA schema_version`); the schema read
last time is reused while the fingerprint stays the same, so a change made in the
database by anyone still shows up on the next save.

Entries are used by one worker thread at a time (each has its own lock): checks, pushes
and hovers may run in different threads of the pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from schemalens import dialects
from schemalens.config import Settings, dialect_of_url
from schemalens.connect import EDITOR, Database, connect, unanswered_message
from schemalens.urls import ConnectError, mask_text, mask_url
from schemalens.model import Schema
from schemalens.workflows import managed_schemas, normalized_database


class NoDatabase(Exception):
    """The SQLite file does not exist yet: the editor never creates it just to compare."""


@dataclass
class Entry:
    url: str
    origin: str
    dialect: str
    db: Database | None = None
    fingerprint: Any = None
    identity: Any = None  # the dialect's database_identity when the connection was opened
    default_schema: str = "public"
    schemas: dict[tuple[Any, ...], Schema] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> Database:
        """The live connection, reconnecting when the server went away since last time or
        the database was replaced (a SQLite file deleted and made again by a push in a
        terminal: the old connection would go on reading the deleted file)."""
        dialect = dialects.get(self.dialect)
        if self.db is not None and _alive(self.db) and dialect.database_identity(self.url) == self.identity:
            return self.db
        self.close()
        missing = dialect.missing_database(self.url)
        if missing is not None:
            raise NoDatabase(missing)
        self.db = connect(self.url, create=False, origin=self.origin, timeouts=EDITOR)
        self.identity = dialect.database_identity(self.url)  # after connecting: it may touch the file
        return self.db

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except Exception:  # closing a broken connection may fail; it is gone either way
                pass
        self.db = None
        self.identity = None
        self.fingerprint = None
        self.schemas.clear()

    def refresh_fingerprint(self) -> None:
        """Read the catalog fingerprint; drop cached schemas when it moved."""
        db = self.open()
        self.default_schema, fingerprint = dialects.get(db.dialect).catalog_fingerprint(db.conn, self.url)
        if fingerprint != self.fingerprint:
            self.schemas.clear()
            self.fingerprint = fingerprint

    def read(self, settings: Settings, desired: Schema | None) -> Schema:
        """The database's normalized schema, from the cache while the catalog is unchanged
        (after a change, normalize reuses the tables it did not touch). Call
        `refresh_fingerprint` first (once per check)."""
        key = (tuple(managed_schemas(settings, desired) or ()), tuple(settings.exclude))
        schema = self.schemas.get(key)
        if schema is None:
            schema = normalized_database(self.open(), settings, desired)
            self.schemas[key] = schema
        return schema

    def forget(self) -> None:
        """After we changed the database ourselves: read it again next time."""
        self.fingerprint = None
        self.schemas.clear()


def _alive(db: Database) -> bool:
    return dialects.get(db.dialect).is_alive(db.conn)


class Databases:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    @contextmanager
    def use(self, settings: Settings) -> Iterator[Entry]:
        """The entry for the settings' database, held for the caller's thread alone."""
        with self._lock:
            entry = self._entries.get(settings.database_url)
            if entry is None:
                entry = Entry(settings.database_url, settings.origin("database_url"), settings.dialect)
                self._entries[settings.database_url] = entry
        with entry.lock:
            entry.origin = settings.origin("database_url")
            try:
                yield entry
            except BaseException as e:
                if _connection_lost(e):
                    entry.close()
                raise

    def close_all(self) -> None:
        with self._lock:
            for entry in self._entries.values():
                with entry.lock:
                    entry.close()
            self._entries.clear()


def _connection_lost(error: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(error, psycopg.OperationalError)


def unreachable_message(error: Exception, url: str, origin: str) -> str:
    """The one message shown when the database cannot be reached: masked, with the setting."""
    if isinstance(error, ConnectError):
        return str(error)
    if dialects.get(dialect_of_url(url)).runtime.does_not_answer(error):
        return unanswered_message(url, f" (database_url from {origin})", EDITOR.read_ms / 1000)
    detail = mask_text(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__, url)
    return f"cannot reach {mask_url(url)} (database_url from {origin}): {detail}"
