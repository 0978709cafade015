"""Opening database connections from URLs, with every failure turned into one clear,
password-free message.

We talk to the drivers directly (psycopg 3, sqlite3) rather than through SQLAlchemy
engines: introspection and apply need only a connection, and skipping the engine layer
saves import time on every save in the editor.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalens.config import dialect_of_url
from schemalens.urls import ConnectError, mask_text, mask_url, postgres_conninfo, sqlite_path

@dataclass
class Database:
    """An open connection and what we need to know about it."""

    dialect: str
    url: str
    conn: Any  # psycopg.Connection or sqlite3.Connection

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(url: str, *, create: bool = True, read_only: bool = False, origin: str = "") -> Database:
    """Open the database at `url`. `origin` names the setting it came from, for hints."""
    dialect = dialect_of_url(url)
    where = f" (database_url from {origin})" if origin else ""
    if dialect == "sqlite":
        return Database("sqlite", url, _connect_sqlite(url, create, read_only, where))
    return Database("postgresql", url, _connect_postgres(url, read_only, where))


def _connect_sqlite(url: str, create: bool, read_only: bool, where: str) -> sqlite3.Connection:
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
                               check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except (sqlite3.Error, OSError) as e:
        raise ConnectError(f"cannot open SQLite database {path}{where}: {e}") from None
    return conn


def _connect_postgres(url: str, read_only: bool, where: str) -> Any:
    import psycopg

    options = "-c default_transaction_read_only=on" if read_only else None
    try:
        return psycopg.connect(postgres_conninfo(url), connect_timeout=10,
                               application_name="schemalens", options=options)
    except psycopg.Error as e:
        detail = mask_text(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__, url)
        raise ConnectError(f"cannot connect to {mask_url(url)}{where}: {detail}") from None
    except (ValueError, UnicodeError) as e:
        raise ConnectError(f"malformed PostgreSQL URL {mask_url(url)}{where}: {mask_text(str(e), url)}") from None
