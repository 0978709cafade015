"""The migrations folder: journal, snapshots and migration files (format: the package's docstring)."""


from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from schemalens import dialects
from schemalens.changes import USING_PLACEHOLDER
from schemalens.dialects.base import SplitError
from schemalens.model import Schema, from_json, to_json

JOURNAL_VERSION = 1
GENESIS = "0" * 64
SEPARATOR = "-- schemalens:statement"
NO_TRANSACTION = "-- schemalens:no-transaction"
# After what comes before it has committed, alone in a transaction (VALIDATE CONSTRAINT:
# the ADD's lock is released first, so writes go on while the rows are checked).
OWN_TRANSACTION = "-- schemalens:own-transaction"
FOREIGN_KEYS_OFF = "-- schemalens:foreign-keys-off"
IRREVERSIBLE = "-- schemalens:irreversible"

_TAG = re.compile(r"^(?P<idx>\d{4,})_(?P<slug>[a-z0-9_]+)$")
_TX_CONTROL = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b(?!\s+(?:TRIGGER|FUNCTION))", re.I)


class MigrationsError(Exception):
    """The migrations folder or a migration file is malformed (a usage error, exit 2)."""


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


SLUG_LENGTH = 60


def slugify(name: str, limit: int = SLUG_LENGTH) -> str:
    """A file-name part of at most `limit` characters, cut between words (a word cut in
    half, `..._and_1_m`, reads as a typo in every listing)."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if len(slug) > limit:
        boundary = slug.rfind("_", 0, limit + 1)
        slug = slug[:boundary] if boundary > 0 else slug[:limit]
    return slug or "migration"


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

    def files_of(self, entry: Entry) -> list[Path]:
        """The files of one migration that are present: up, down, snapshot."""
        return [p for p in (self.up_path(entry.tag), self.down_path(entry.tag), self.snapshot_path(entry.idx))
                if p.is_file()]

    def discard_last(self, journal: Journal) -> Journal:
        """Forget the last migration. The journal is rewritten first (its head then follows
        the entry before): a failure half way leaves a file that status reports as
        unjournaled, never an entry whose file is gone."""
        last = journal.entries[-1]
        kept = Journal(journal.dialect, journal.entries[:-1], journal.version)
        files = self.files_of(last)
        self.write_journal(kept)
        for path in files:
            path.unlink()
        return kept

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


# --- migration files -------------------------------------------------------------------------


@dataclass
class Piece:
    """One statement of a migration file, with where it starts in the file."""

    sql: str
    line: int      # 1-based line of the statement's first token in the file
    col: int       # 1-based column
    offset: int    # character offset in the file
    transactional: bool = True
    own_transaction: bool = False  # marked OWN_TRANSACTION: never batched with other statements


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
    dialect_of = dialects.get(dialect)
    migration = Migration(path.stem.removesuffix(".down"), path, [])
    for start, block in _blocks(text):
        words = _marker_words(block)
        transactional = NO_TRANSACTION not in words
        own_transaction = OWN_TRANSACTION in words
        if FOREIGN_KEYS_OFF in words:
            migration.foreign_keys_off = True
        irreversible = _irreversible_reason(block)
        if irreversible is not None:
            migration.irreversible = irreversible
        try:
            statements = dialect_of.split_statements(block)
        except SplitError as e:
            line, col = line_col(text, start + e.offset)
            raise MigrationsError(f"{path}:{line}:{col}: {e}") from None
        for offset, sql in statements:
            absolute = start + offset
            switch = dialect_of.runtime.foreign_keys_switch(sql)
            if switch is not None:
                # A transaction would ignore it; do what it means instead.
                migration.foreign_keys_off |= not switch
                continue
            line, col = line_col(text, absolute)
            if f"{USING_PLACEHOLDER}(" in sql:
                raise MigrationsError(f"{path}:{line}:{col}: a type change's USING expression is still the "
                                      f"placeholder {USING_PLACEHOLDER}(...): write the expression that "
                                      "converts the column's values (the comment above it says which), then "
                                      "`schemalens rehash`")
            if _TX_CONTROL.match(sql):
                raise MigrationsError(f"{path}:{line}:{col}: transaction control ({sql.split()[0]}) is not "
                                      "allowed in a migration: each migration already runs in one "
                                      f"transaction; mark statements that must run outside it with "
                                      f"`{NO_TRANSACTION}`")
            migration.pieces.append(Piece(sql, line, col, absolute, transactional, own_transaction))
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
