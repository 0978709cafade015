"""The worker's reply (the models' DDL), kept on disk by what it was computed from.

Importing a models package costs what the application's imports cost (seconds for a
large one), and the package rarely changes between two checks. A reply is a function of
the request (the models' text, module names, import roots, dialect), of the Python
modules the child can import from the import roots, and of the interpreter and
SQLAlchemy that run them; the key hashes all of those, every `.py` file under the roots by
its content. What the key does not see: installed packages other than SQLAlchemy, files
other than `.py` and the environment that the models read at import, so a change there needs an edit (or deleting
`.schemalens/cache/`). A reply with problems is never kept: an import that failed may
succeed once the user installs what was missing, with no source changed. A root holding
more than `_MAX_FILES` modules (a home folder, say) is not hashed at all: the worker runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from schemalens.cache import cache_key, cached
from schemalens.model import Problem

Reply = dict[str, Any] | Problem
_MAX_FILES = 5000


def reply_for(request: dict[str, Any], run_worker: Callable[[], Reply]) -> Reply:
    """The cached reply to `request`, else `run_worker()`'s (kept when it is clean)."""
    try:
        sqlalchemy = version("sqlalchemy")
    except PackageNotFoundError:
        return run_worker()  # the worker says so, in its own words
    roots = [Path(root) for root in request["roots"]]
    sources = _sources_digest(roots)
    if sources is None:
        return run_worker()
    key = cache_key("sqlalchemy-models", sys.executable, sqlalchemy, json.dumps(request, sort_keys=True), sources)
    return cached(roots[0] / ".schemalens" / "cache", key, run_worker, keep=_clean)


def _clean(reply: Reply) -> bool:
    return isinstance(reply, dict) and not reply.get("missing") and not reply.get("problems")


def _sources_digest(roots: list[Path]) -> bytes | None:
    digest = hashlib.sha256()
    for root in roots:
        files = list(itertools.islice(_python_files(root), _MAX_FILES + 1))
        if len(files) > _MAX_FILES:
            return None
        for path in files:
            try:
                data = path.read_bytes()
            except OSError:
                continue  # gone or unreadable: the child cannot import it either
            name = str(path.relative_to(root)).encode()
            digest.update(len(name).to_bytes(8, "big") + name + hashlib.sha256(data).digest())
    return digest.digest()


def _python_files(root: Path) -> Iterator[Path]:
    """`.py` files the child could import from `root`, in a stable order: only folders
    named like a package are importable (`.venv`, `my-app`, `__pycache__` are not; a
    virtual environment's modules come from its own site-packages, not from the root)."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d.isidentifier() and d != "__pycache__"
                               and not os.path.isfile(os.path.join(folder, d, "pyvenv.cfg")))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder, name)
