"""Where "Preview SQL" writes the SQL push would run, and how the server knows such a file
when the editor opens it: a preview is output, never a schema to check (its ALTER
statements would read as a broken schema, and their problems would outlive the tab)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path


def preview_folder() -> Path:
    """Outside every project: a preview is not source."""
    return Path(tempfile.gettempdir()).resolve() / "schemalens-preview"


def preview_path(schema_path: str) -> Path:
    """One preview file per schema file, replaced by the next preview."""
    folder = preview_folder()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(schema_path.encode()).hexdigest()[:10]
    return folder / f"{Path(schema_path).stem}-{digest}.sql"


def is_preview(path: Path) -> bool:
    return path.resolve().parent == preview_folder()
