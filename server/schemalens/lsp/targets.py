"""Which project a document belongs to, and what it is there: a schema file, a migration
file, or something schemalens leaves alone.

With nothing configured, the SQL file the user opens is the schema (the default
`schema.sql` may not exist, or may be another file): a user who just opens a file sees
what it means. Once `schema` is configured, only the configured files are schema files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from schemalens.config import Settings
from schemalens.lsp.analysis import resolve_files
from schemalens.lsp.settings import load_editor_settings, project_start
from schemalens.workflows import SourceError

Kind = Literal["schema", "migration", "other"]


@dataclass
class Target:
    kind: Kind
    path: str
    settings: Settings
    files: list[str] = field(default_factory=list)  # the project's schema files (kind "schema")

    @property
    def key(self) -> tuple[Any, ...]:
        """Documents with the same key are checked together (one schema, many files)."""
        return (str(self.settings.project), self.settings.database_url, tuple(self.files))


def classify(path: Path, overrides: dict[str, Any], workspace_folders: list[Path]) -> Target:
    """Raises ConfigError when the settings are malformed."""
    path = path.resolve()
    settings = load_editor_settings(overrides, project_start(path, workspace_folders))
    migrations = settings.migrations.resolve()
    if migrations == path.parent or migrations in path.parents:
        return Target("migration", str(path), settings)
    try:
        files = resolve_files(settings)
    except SourceError:
        files = []
    if str(path) in files:
        return Target("schema", str(path), settings, files)
    if settings.origin("schema") == "default" and path.suffix.lower() == ".sql":
        settings.schema = [path]
        return Target("schema", str(path), settings, [str(path)])
    return Target("other", str(path), settings)
