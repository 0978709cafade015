"""The migrations folder and the applied-migrations table: the history of a database.

A migrations folder holds, for one dialect:

    NNNN_<slug>.sql            up SQL, applied by `migrate`
    NNNN_<slug>.down.sql       reverse SQL, applied by `rollback` (absent for custom ones)
    meta/_journal.json         order + checksums, with a chained hash
    meta/NNNN_snapshot.json    the canonical schema after migration NNNN (`model.to_json`)

The journal is the order of history. Every entry carries the checksum of its up file and
a hash that covers the entry and the hash of the one before it; the journal's `head` is
the last of them. Two branches that each add a migration therefore both change `head`
and conflict in version control instead of silently forking the history, and a
hand-edited journal or migration file is detected (`check`, `migrate`).

File format. Statements are separated by a line `-- schemalens:statement`; a block may
still hold several statements (hand-written files), which are split with the dialect's
own tokenizer (pglast's scanner; SQLite's `complete_statement`) so that semicolons in
strings, dollar quotes and trigger bodies are safe. Markers, on their own line in a block:

    -- schemalens:no-transaction    run this block outside the transaction (PostgreSQL:
                                    CREATE INDEX CONCURRENTLY, VACUUM); it commits first
    -- schemalens:foreign-keys-off  SQLite: switch foreign keys off around the whole
                                    migration (table rebuilds); checked before commit
    -- schemalens:irreversible ...  (down files) rollback refuses, the text says why

Each migration runs in one transaction and its row in `schemalens_migrations` is written
in that same transaction, so a failure or a killed process leaves no trace of it.
Concurrent runs are serialized by a lock taken before anything else: a PostgreSQL
session advisory lock, and for SQLite an OS file lock next to the database file (both
vanish with the process that holds them, so `kill -9` never leaves a stale lock).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from schemalens.apply import db_message
from schemalens.connect import Database, sqlite_path
from schemalens.model import Schema, from_json, to_json

JOURNAL_VERSION = 1
GENESIS = "0" * 64
MIGRATIONS_TABLE = "schemalens_migrations"
SEPARATOR = "-- schemalens:statement"
NO_TRANSACTION = "-- schemalens:no-transaction"
FOREIGN_KEYS_OFF = "-- schemalens:foreign-keys-off"
IRREVERSIBLE = "-- schemalens:irreversible"
# A fixed key for pg_advisory_lock: "schemalens" in ASCII, fits a signed bigint.
ADVISORY_LOCK_KEY = 0x736368656D616C

_TAG = re.compile(r"^(?P<idx>\d{4,})_(?P<slug>[a-z0-9_]+)$")
_TX_CONTROL = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b(?!\s+(?:TRIGGER|FUNCTION))", re.I)
_FK_PRAGMA = re.compile(r"^\s*PRAGMA\s+foreign_keys\s*=\s*['\"]?(?P<value>\w+)['\"]?\s*;?\s*$", re.I)


class MigrationsError(Exception):
    """The migrations folder or a migration file is malformed (a usage error, exit 2)."""


class LedgerError(Exception):
    """The applied-migrations table could not be read or written."""


# --- journal ---------------------------------------------------------------------------


@dataclass
class Entry:
    idx: int
    tag: str       # file stem: "0003_add_posts"; also the name recorded in the database
    checksum: str  # sha256 of the up file (line endings normalized)
    created: str   # ISO 8601 UTC
    hash: str      # chain: covers this entry and the previous entry's hash


@dataclass
class Journal:
    dialect: str
    entries: list[Entry] = field(default_factory=list)
    version: int = JOURNAL_VERSION

    @property
    def head(self) -> str:
        return self.entries[-1].hash if self.entries else GENESIS

    def entry(self, tag: str) -> Entry | None:
        return next((e for e in self.entries if e.tag == tag), None)

    def chain_breaks(self) -> list[Entry]:
        """Entries whose hash does not follow from the ones before them."""
        broken = []
        previous = GENESIS
        for entry in self.entries:
            if entry.hash != chain_hash(previous, entry):
                broken.append(entry)
            previous = entry.hash
        return broken

    def rechain(self) -> None:
        previous = GENESIS
        for entry in self.entries:
            entry.hash = chain_hash(previous, entry)
            previous = entry.hash


def chain_hash(previous: str, entry: Entry) -> str:
    text = f"{previous}\n{entry.idx}\n{entry.tag}\n{entry.checksum}\n{entry.created}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checksum_text(text: str) -> str:
    """Line endings do not count: a checkout with autocrlf must not read as an edit."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug[:60].rstrip("_") or "migration"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the folder ------------------------------------------------------------------------


@dataclass
class Folder:
    path: Path

    @property
    def meta(self) -> Path:
        return self.path / "meta"

    @property
    def journal_path(self) -> Path:
        return self.meta / "_journal.json"

    def exists(self) -> bool:
        return self.journal_path.is_file()

    def up_path(self, tag: str) -> Path:
        return self.path / f"{tag}.sql"

    def down_path(self, tag: str) -> Path:
        return self.path / f"{tag}.down.sql"

    def snapshot_path(self, idx: int) -> Path:
        return self.meta / f"{idx:04d}_snapshot.json"

    def read_journal(self) -> Journal:
        try:
            data = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MigrationsError(f"{self.journal_path} does not exist: no migrations yet "
                                  "(create the first with `schemalens generate`)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise MigrationsError(f"{self.journal_path} cannot be read: {e} "
                                  "(a merge conflict? resolve it, then `schemalens rehash`)") from None
        try:
            if data.get("version") != JOURNAL_VERSION:
                raise MigrationsError(f"{self.journal_path}: journal version {data.get('version')!r} "
                                      f"is not {JOURNAL_VERSION}: written by another schemalens version?")
            entries = [Entry(int(e["idx"]), str(e["tag"]), str(e["checksum"]), str(e["created"]),
                             str(e.get("hash", ""))) for e in data["entries"]]
            journal = Journal(str(data["dialect"]), entries)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise MigrationsError(f"{self.journal_path} is malformed ({type(e).__name__}: {e})") from None
        for entry in journal.entries:
            if not _TAG.match(entry.tag):
                raise MigrationsError(f"{self.journal_path}: entry tag {entry.tag!r} is not NNNN_slug")
        return journal

    def write_journal(self, journal: Journal) -> None:
        self.meta.mkdir(parents=True, exist_ok=True)
        data = {
            "version": journal.version,
            "dialect": journal.dialect,
            "head": journal.head,
            "entries": [{"idx": e.idx, "tag": e.tag, "checksum": e.checksum, "created": e.created,
                         "hash": e.hash} for e in journal.entries],
        }
        _write_atomic(self.journal_path, json.dumps(data, indent=2) + "\n")

    def read_snapshot(self, idx: int) -> Schema | None:
        path = self.snapshot_path(idx)
        if not path.is_file():
            return None
        try:
            return from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError, KeyError) as e:
            raise MigrationsError(f"{path} is malformed: {e}") from None

    def write_snapshot(self, idx: int, schema: Schema) -> None:
        self.meta.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.snapshot_path(idx), json.dumps(to_json(schema), indent=2, sort_keys=True) + "\n")

    def last_snapshot(self, journal: Journal) -> Schema:
        """The schema at the end of history (empty before the first migration)."""
        for entry in reversed(journal.entries):
            snapshot = self.read_snapshot(entry.idx)
            if snapshot is not None:
                return snapshot
        return Schema(dialect=journal.dialect)

    def files_on_disk(self) -> list[str]:
        """Tags of the up files present (down files excluded)."""
        if not self.path.is_dir():
            return []
        return sorted(p.stem for p in self.path.glob("*.sql")
                      if not p.name.endswith(".down.sql") and _TAG.match(p.stem))

    def file_checksum(self, tag: str) -> str | None:
        try:
            return checksum_text(self.up_path(tag).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as e:
            raise MigrationsError(f"cannot read {self.up_path(tag)}: {e}") from None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# --- splitting -------------------------------------------------------------------------


@dataclass
class Piece:
    """One statement of a migration file, with where it starts in the file."""

    sql: str
    line: int      # 1-based line of the statement's first token in the file
    col: int       # 1-based column
    offset: int    # character offset in the file
    transactional: bool = True


@dataclass
class Migration:
    tag: str
    path: Path
    pieces: list[Piece]
    foreign_keys_off: bool = False
    irreversible: str | None = None  # why, when a down file says it cannot be undone

    @property
    def transactional(self) -> bool:
        return all(p.transactional for p in self.pieces)


def read_migration(path: Path, dialect: str) -> Migration:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MigrationsError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise MigrationsError(f"cannot read {path}: {e}") from None
    return parse_migration(text, path, dialect)


def parse_migration(text: str, path: Path, dialect: str) -> Migration:
    """Split a migration file into statements that know their line in the file."""
    text = text.replace("\r\n", "\n")
    migration = Migration(path.stem.removesuffix(".down"), path, [])
    for start, block in _blocks(text):
        words = _marker_words(block)
        transactional = NO_TRANSACTION not in words
        if FOREIGN_KEYS_OFF in words:
            migration.foreign_keys_off = True
        irreversible = _irreversible_reason(block)
        if irreversible is not None:
            migration.irreversible = irreversible
        try:
            statements = split_statements(block, dialect)
        except MigrationsError as e:
            line, col = line_col(text, start + getattr(e, "offset", 0))
            raise MigrationsError(f"{path}:{line}:{col}: {e}") from None
        for offset, sql in statements:
            absolute = start + offset
            if dialect == "sqlite" and (m := _FK_PRAGMA.match(sql)):
                # Inside a transaction SQLite ignores this pragma; do what it means instead.
                if m.group("value").lower() in ("off", "0", "false", "no"):
                    migration.foreign_keys_off = True
                continue
            line, col = line_col(text, absolute)
            if _TX_CONTROL.match(sql):
                raise MigrationsError(f"{path}:{line}:{col}: transaction control ({sql.split()[0]}) is not "
                                      "allowed in a migration: each migration already runs in one "
                                      f"transaction; mark statements that must run outside it with "
                                      f"`{NO_TRANSACTION}`")
            migration.pieces.append(Piece(sql, line, col, absolute, transactional))
    return migration


def _marker_words(block: str) -> set[str]:
    """The markers (`-- schemalens:xyz`, without their arguments) on lines of a block."""
    return {" ".join(line.split()[:2]) for line in block.splitlines() if line.strip().startswith("-- schemalens:")}


def _irreversible_reason(block: str) -> str | None:
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith(IRREVERSIBLE):
            return stripped[len(IRREVERSIBLE):].strip(" :") or "the down file says so"
    return None


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each block between separator lines."""
    start = 0
    for m in re.finditer(rf"^[ \t]*{re.escape(SEPARATOR)}[ \t]*$", text, re.M):
        yield start, text[start:m.start()]
        start = m.end()
    yield start, text[start:]


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def split_statements(text: str, dialect: str) -> list[tuple[int, str]]:
    """(offset of the first token, statement without its semicolon) for each statement."""
    if dialect == "postgresql":
        import pglast

        try:
            slices = pglast.split(text, with_parser=False, only_slices=True)
        except pglast.parser.ParseError as e:
            error = MigrationsError(f"cannot split the SQL into statements: {e.args[0]}")
            error.offset = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
            raise error from None
        return [(_skip_comments(text, s.start), text[_skip_comments(text, s.start):s.stop].rstrip().rstrip(";"))
                for s in slices if text[_skip_comments(text, s.start):s.stop].strip()]
    return _split_sqlite(text)


def _split_sqlite(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(";", text):
        candidate = text[start:m.end()]
        if sqlite3.complete_statement(candidate):
            _add_sqlite(out, text, start, m.start())
            start = m.end()
    _add_sqlite(out, text, start, len(text))
    return out


def _add_sqlite(out: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    begin = _skip_comments(text, start, end)
    sql = text[begin:end].strip()
    if sql:
        out.append((begin, sql))


def _skip_comments(text: str, start: int, end: int | None = None) -> int:
    """The offset of the first character that is neither whitespace nor a comment."""
    end = len(text) if end is None else end
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            i = end if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = end if close < 0 else close + 2
        else:
            return i
    return end


# --- locking ---------------------------------------------------------------------------


@contextmanager
def migration_lock(db: Database, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Serialize migrate/rollback/reset runs against one database. Taken first."""
    if db.dialect == "postgresql":
        with _advisory_lock(db, on_wait):
            yield
    else:
        with _file_lock(db, on_wait):
            yield


@contextmanager
def _advisory_lock(db: Database, on_wait: Callable[[], None] | None) -> Iterator[None]:
    conn = db.conn
    _autocommit(db)
    got = conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()[0]
    if not got:
        if on_wait:
            on_wait()
        conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
    try:
        yield
    finally:
        _release_advisory_lock(db)


def _release_advisory_lock(db: Database) -> None:
    """Best effort: the lock dies with the session anyway, so a broken connection is fine."""
    import psycopg

    try:
        _autocommit(db)
        db.conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    except psycopg.Error:
        pass


@contextmanager
def _file_lock(db: Database, on_wait: Callable[[], None] | None) -> Iterator[None]:
    path = sqlite_path(db.url)
    db.conn.execute("PRAGMA busy_timeout = 30000")
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


# --- the applied-migrations table -------------------------------------------------------


@dataclass
class Applied:
    idx: int
    name: str
    checksum: str
    applied_at: str
    execution_ms: int
    method: str  # "applied" (run), "baseline" / "resolved" (recorded without running)


_CREATE_TABLE = {
    "postgresql": f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    name text PRIMARY KEY,
    idx integer NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    execution_ms integer NOT NULL,
    method text NOT NULL
)""",
    "sqlite": f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    name TEXT PRIMARY KEY,
    idx INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    execution_ms INTEGER NOT NULL,
    method TEXT NOT NULL
)""",
}


def _param(db: Database) -> str:
    return "%s" if db.dialect == "postgresql" else "?"


def table_exists(db: Database) -> bool:
    if db.dialect == "sqlite":
        sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
    else:
        sql = "SELECT 1 FROM pg_catalog.pg_class WHERE oid = to_regclass(%s)"
    return db.conn.execute(sql, (MIGRATIONS_TABLE,)).fetchone() is not None


def ensure_table(db: Database) -> None:
    """Create the table (under the lock, so concurrent first runs do not race)."""
    _autocommit(db)
    if not table_exists(db):
        db.conn.execute(_CREATE_TABLE[db.dialect])


def read_applied(db: Database) -> list[Applied]:
    """Recorded migrations, in the order they were applied. Empty when there is no table."""
    _autocommit(db)
    if not table_exists(db):
        return []
    rows = db.conn.execute(f"SELECT idx, name, checksum, applied_at, execution_ms, method "
                           f"FROM {MIGRATIONS_TABLE} ORDER BY applied_at, idx").fetchall()
    return [Applied(int(r[0]), r[1], r[2], _iso(r[3]), int(r[4]), r[5]) for r in rows]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def _autocommit(db: Database) -> None:
    """PostgreSQL: statements outside our explicit transactions commit on their own."""
    if db.dialect == "postgresql" and not db.conn.autocommit:
        if db.conn.info.transaction_status != 0:
            db.conn.rollback()
        db.conn.autocommit = True


def _record(db: Database, entry: Entry, checksum: str, execution_ms: int, method: str) -> None:
    p = _param(db)
    db.conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, idx, checksum, applied_at, execution_ms, method) "
                    f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
                    (entry.tag, entry.idx, checksum, _now_for(db), execution_ms, method))


def _now_for(db: Database) -> Any:
    now = datetime.now(timezone.utc)
    return now if db.dialect == "postgresql" else now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_without_running(db: Database, entries: list[tuple[Entry, str]], method: str) -> None:
    """Baseline / resolve: write rows for (entry, file checksum) in one transaction."""
    with _transaction(db):
        for entry, checksum in entries:
            _record(db, entry, checksum, 0, method)


def forget(db: Database, name: str) -> bool:
    """Delete a migration's row (resolve --rolled-back). True when there was one."""
    with _transaction(db):
        cur = db.conn.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = {_param(db)}", (name,))
        return (cur.rowcount or 0) > 0


@contextmanager
def _transaction(db: Database, *, foreign_keys_off: bool = False) -> Iterator[None]:
    """One explicit transaction: committed when the block ends, rolled back on any error."""
    _autocommit(db)
    if db.dialect == "postgresql":
        with db.conn.transaction():
            yield
        return
    conn: sqlite3.Connection = db.conn
    fk_was_on = conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    if foreign_keys_off and fk_was_on:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            if foreign_keys_off and fk_was_on:
                violation = conn.execute("PRAGMA foreign_key_check").fetchone()
                if violation:
                    raise StatementError(None, f"foreign key violation: a row of {violation[0]} (rowid "
                                         f"{violation[1]}) references a missing row of {violation[2]}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        if foreign_keys_off and fk_was_on:
            conn.execute("PRAGMA foreign_keys = ON")


# --- running a migration ----------------------------------------------------------------


class StatementError(Exception):
    """A statement of a migration failed; `piece` locates it (None: the final FK check)."""

    def __init__(self, piece: Piece | None, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.piece = piece
        self.message = message
        self.position = position  # 1-based character position in the statement, if the database gave one


class MigrationFailed(Exception):
    """A migration failed. Nothing of it remains unless `partial` says which statements
    ran outside a transaction and stayed."""

    def __init__(self, migration: Migration, error: StatementError, partial: list[Piece]) -> None:
        super().__init__(error.message)
        self.migration = migration
        self.error = error
        self.partial = partial

    @property
    def location(self) -> str:
        piece = self.error.piece
        if piece is None:
            return str(self.migration.path)
        line, col = piece.line, piece.col
        if self.error.position is not None:
            line, col = _advance(piece.sql, line, col, self.error.position - 1)
        return f"{self.migration.path}:{line}:{col}"


def _advance(sql: str, line: int, col: int, chars: int) -> tuple[int, int]:
    before = sql[:chars]
    newlines = before.count("\n")
    if newlines:
        return line + newlines, len(before) - before.rfind("\n")
    return line, col + chars


def run_migration(db: Database, migration: Migration, record: tuple[Entry, str] | None,
                  lock_timeout: str | None = None, *, delete: str | None = None) -> int:
    """Run a migration's statements and, in the same transaction, write (`record`) or
    delete (`delete`, for a rollback) its row. Returns the execution time in ms.

    Statements marked no-transaction split the run: what comes before them commits,
    they run on their own, the rest runs in a new transaction. Raises MigrationFailed."""
    started = time.perf_counter()
    segments = _segments(migration.pieces)
    done: list[Piece] = []
    for number, (transactional, pieces) in enumerate(segments):
        last = number == len(segments) - 1
        try:
            if transactional:
                with _transaction(db, foreign_keys_off=migration.foreign_keys_off):
                    _set_lock_timeout(db, lock_timeout, local=True)
                    for piece in pieces:
                        _execute(db, piece)
                    if last:
                        _bookkeep(db, record, delete, started)
            else:
                _autocommit(db)
                _set_lock_timeout(db, lock_timeout, local=False)
                try:
                    _execute(db, pieces[0])
                finally:
                    if lock_timeout and db.dialect == "postgresql":
                        db.conn.execute("RESET lock_timeout")
        except StatementError as e:
            raise MigrationFailed(migration, e, done) from None
        done += pieces
    if not segments or not segments[-1][0]:
        with _transaction(db):
            _bookkeep(db, record, delete, started)
    return int((time.perf_counter() - started) * 1000)


def _segments(pieces: list[Piece]) -> list[tuple[bool, list[Piece]]]:
    segments: list[tuple[bool, list[Piece]]] = []
    for piece in pieces:
        if piece.transactional and segments and segments[-1][0]:
            segments[-1][1].append(piece)
        else:
            segments.append((piece.transactional, [piece]))
    return segments


def _bookkeep(db: Database, record: tuple[Entry, str] | None, delete: str | None, started: float) -> None:
    if record is not None:
        _record(db, record[0], record[1], int((time.perf_counter() - started) * 1000), "applied")
    if delete is not None:
        db.conn.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = {_param(db)}", (delete,))


def _set_lock_timeout(db: Database, lock_timeout: str | None, *, local: bool) -> None:
    if db.dialect == "postgresql" and lock_timeout:
        db.conn.execute("SELECT set_config('lock_timeout', %s, %s)", (lock_timeout, local))


def _execute(db: Database, piece: Piece) -> None:
    if db.dialect == "postgresql":
        import psycopg

        try:
            db.conn.execute(piece.sql, prepare=False)  # no parameters: `%` stays literal
        except psycopg.Error as e:
            position = getattr(getattr(e, "diag", None), "statement_position", None)
            raise StatementError(piece, db_message(db, e), int(position) if position else None) from None
        return
    try:
        db.conn.execute(piece.sql)
    except sqlite3.Error as e:
        raise StatementError(piece, db_message(db, e)) from None


def try_migrations(db: Database, migrations: list[Migration],
                   lock_timeout: str | None = None) -> tuple[MigrationFailed | None, list[tuple[Migration, Piece]]]:
    """Dry run: every transactional statement of every migration inside one transaction
    that is always rolled back. Returns the first failure and the statements that
    could not be tried (they must run outside a transaction)."""
    skipped: list[tuple[Migration, Piece]] = []
    _autocommit(db)
    fk_off = db.dialect == "sqlite" and any(m.foreign_keys_off for m in migrations)
    conn = db.conn
    fk_was_on = db.dialect == "sqlite" and conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    if fk_off and fk_was_on:
        conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    try:
        _set_lock_timeout(db, lock_timeout, local=True)
        for migration in migrations:
            for piece in migration.pieces:
                if not piece.transactional:
                    skipped.append((migration, piece))
                    continue
                try:
                    _execute(db, piece)
                except StatementError as e:
                    return MigrationFailed(migration, e, []), skipped
            if fk_off and fk_was_on and migration.foreign_keys_off:
                violation = conn.execute("PRAGMA foreign_key_check").fetchone()
                if violation:
                    return MigrationFailed(migration, StatementError(
                        None, f"foreign key violation: a row of {violation[0]} references a missing row of "
                        f"{violation[2]}"), []), skipped
        return None, skipped
    finally:
        conn.execute("ROLLBACK")
        if fk_off and fk_was_on:
            conn.execute("PRAGMA foreign_keys = ON")
