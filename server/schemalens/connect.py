"""Opening database connections from URLs, with every failure turned into one clear,
password-free message.

We talk to the drivers directly (psycopg 3, sqlite3) rather than through SQLAlchemy
engines: introspection and apply need only a connection, and skipping the engine layer
saves import time on every save in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.config import dialect_of_url
from schemalens.urls import mask_url

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
    name = dialect_of_url(url)
    where = f" (database_url from {origin})" if origin else ""
    return Database(name, url, dialects.get(name).runtime.open(url, create=create, read_only=read_only, where=where))
