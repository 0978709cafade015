"""Opening database connections from URLs, with every failure turned into one clear,
password-free message; and the deadlines every connection lives by.

We talk to the drivers directly (psycopg 3, sqlite3) rather than through SQLAlchemy
engines: introspection and apply need only a connection, and skipping the engine layer
saves import time on every save in the editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.config import dialect_of_url
from schemalens.dialects.base import NoAnswer
from schemalens.urls import ConnectError, mask_url


@dataclass(frozen=True)
class Timeouts:
    """How long a database may stay silent. A server that accepts the connection and never
    answers, or a read stuck behind another session's lock, must end in a message, not a
    hang. Reads (catalog, migrations table, row counts) have a deadline; statements that
    change the database have none (a migration may run for hours: `lock_timeout` bounds
    its waits), and neither has waiting for the migration lock (it is our turn to wait)."""

    connect_s: int   # connection and login
    read_ms: int     # each read statement (PostgreSQL statement_timeout, SQLite busy timeout)


COMMAND = Timeouts(connect_s=10, read_ms=60_000)  # a terminal or CI: patient
EDITOR = Timeouts(connect_s=5, read_ms=10_000)    # a save's diagnostics: answer soon, or say why not


class ConnectionLost(Exception):
    """The connection died while a command used it (a server restart, a killed session, the
    network): the command did not finish. The message is safe to show."""


@dataclass
class Database:
    """An open connection and what we need to know about it."""

    dialect: str
    url: str
    conn: Any  # psycopg.Connection or sqlite3.Connection

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    @property
    def alive(self) -> bool:
        return dialects.get(self.dialect).is_alive(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        """Whatever failed on a connection that died is reported as the lost connection it is
        (the driver's own error names a closed socket, or a statement's raw failure)."""
        lost = isinstance(error, Exception) and not isinstance(error, ConnectionLost) and not self.alive
        self.close()
        if lost:
            raise ConnectionLost(lost_message(self.url)) from None


def lost_message(url: str, undone: str = "what was not committed was rolled back by the server") -> str:
    """The one message of a connection that died mid-command."""
    return (f"the connection to {mask_url(url)} was lost (a server restart, a terminated session or "
            f"the network); {undone}. Run the command again when the database is back")


def unanswered_message(url: str, where: str, seconds: float) -> str:
    """The one message of a database that takes the connection, or a read, and does not
    answer (a silent server; a read waiting on another session's lock)."""
    return (f"the database does not answer: {mask_url(url)}{where} gave no reply within {seconds:g} s "
            "(a stuck server or network, or another session holding a lock)")


def connect(url: str, *, create: bool = True, read_only: bool = False, origin: str = "",
            timeouts: Timeouts = COMMAND) -> Database:
    """Open the database at `url`. `origin` names the setting it came from, for hints."""
    name = dialect_of_url(url)
    where = f" (database_url from {origin})" if origin else ""
    runtime = dialects.get(name).runtime
    try:
        conn = runtime.open(url, create=create, read_only=read_only, where=where,
                            connect_s=timeouts.connect_s, read_ms=timeouts.read_ms)
    except NoAnswer:
        raise ConnectError(unanswered_message(url, where, timeouts.connect_s)) from None
    return Database(name, url, conn)
