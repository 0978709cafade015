"""An on-disk cache of the desired schema, keyed by the schema files' exact text.

Parsing and normalising a large schema file is the slow part of every check (see
`shared/notes/facts.md`); the files rarely change between two runs. The key covers every
input of the computation: the files' paths and text, the dialect, the default schema and
the code that reads them (schemalens's own source files, by size and mtime), so a stale
entry can only be hit if the inputs are byte-identical.

Entries are pickles under the project's `.schemalens/cache/`: a folder the project's
owner controls, like the code it already runs. A corrupt or unreadable entry is treated
as a miss; a cache that cannot be written is silently skipped (the result is the same).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
_KEEP = 16  # entries kept per cache folder: a few recent versions of the files and the database


def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for file in sorted(_PACKAGE.rglob("*.py")):
        stat = file.stat()
        digest.update(f"{file.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.digest()


def cache_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(_code_fingerprint())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def cached(folder: Path, key: str, compute: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """The value stored under `key`, else `compute()`, stored when `keep` says it may be
    reused (a result that depends on more than the key, such as a failed import, is not)."""
    entry = folder / f"{key}.pickle"
    try:
        with entry.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = compute()
    if not keep(value):
        return value
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(f.name, entry)
        _prune(folder)
    except OSError:
        pass
    return value


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[_KEEP:]:
        old.unlink(missing_ok=True)
