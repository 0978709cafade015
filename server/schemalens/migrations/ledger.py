"""The applied-migrations table (`schemalens_migrations`): what ran, when, with which checksum.

Rows are written in the same transaction as the migration they record (see runner), so
the table never claims a migration that did not commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from schemalens import dialects
from schemalens.connect import Database
from schemalens.migrations.folder import Entry

MIGRATIONS_TABLE = "schemalens_migrations"


@dataclass
class Applied:
    idx: int
    name: str
    checksum: str
    applied_at: str
    execution_ms: int
    method: str  # "applied" (run), "baseline" / "resolved" (recorded without running)


def table_exists(db: Database) -> bool:
    return dialects.get(db.dialect).runtime.table_exists(db.conn, MIGRATIONS_TABLE)


def _create_if_missing(db: Database) -> None:
    """Inside the transaction that writes the first row (under the migration lock, so
    concurrent first runs do not race): a refused or failed run leaves no table behind."""
    if not table_exists(db):
        db.conn.execute(dialects.get(db.dialect).runtime.ledger_ddl(MIGRATIONS_TABLE))


def read_applied(db: Database) -> list[Applied]:
    """Recorded migrations, in the order they were applied. Empty when there is no table."""
    dialects.get(db.dialect).runtime.autocommit(db.conn)
    if not table_exists(db):
        return []
    rows = db.conn.execute(f"SELECT idx, name, checksum, applied_at, execution_ms, method "
                           f"FROM {MIGRATIONS_TABLE} ORDER BY applied_at, idx").fetchall()
    return [Applied(int(r[0]), r[1], r[2], _iso(r[3]), int(r[4]), r[5]) for r in rows]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def record(db: Database, entry: Entry, checksum: str, execution_ms: int, method: str) -> None:
    """Write a migration's row (inside the caller's transaction)."""
    _create_if_missing(db)
    runtime = dialects.get(db.dialect).runtime
    p = runtime.param
    db.conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, idx, checksum, applied_at, execution_ms, method) "
                    f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                    (entry.tag, entry.idx, checksum, runtime.timestamp(datetime.now(timezone.utc)),
                     execution_ms, method))


def delete(db: Database, name: str) -> bool:
    """Delete a migration's row (inside the caller's transaction). True when there was one."""
    p = dialects.get(db.dialect).runtime.param
    cur = db.conn.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = {p}", (name,))
    return (cur.rowcount or 0) > 0


@contextmanager
def _transaction(db: Database) -> Iterator[None]:
    with dialects.get(db.dialect).runtime.transaction(db.conn):
        yield


def record_without_running(db: Database, entries: list[tuple[Entry, str]], method: str) -> None:
    """Baseline / resolve: write rows for (entry, file checksum) in one transaction."""
    with _transaction(db):
        for entry, checksum in entries:
            record(db, entry, checksum, 0, method)


def forget(db: Database, name: str) -> bool:
    """Delete a migration's row (resolve --rolled-back). True when there was one."""
    with _transaction(db):
        return delete(db, name)
