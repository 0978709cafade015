"""Reading schema files from disk and handing them to the dialect's parser."""

from __future__ import annotations

from pathlib import Path

from schemalens.sources import MODELS_TIMEOUT
from schemalens.model import Problem, Schema, SourceResult, Span


class SourceError(Exception):
    """The schema files cannot be read at all (missing path, not UTF-8)."""


def schema_files(paths: list[Path]) -> list[Path]:
    """Files in apply order: each path as given; a folder's `.sql` files in name order; a
    SQLAlchemy module path (`app.models`, `app.models:Base.metadata`) as its file."""
    from schemalens.sources.sqlalchemy import module_file

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.sql") if p.is_file()))
        elif path.is_file():
            files.append(path)
        elif (module := module_file(path)) is not None:
            files.append(module)
        else:
            raise SourceError(f"schema file {path} does not exist")
    return files


def read_files(files: list[Path], overlays: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(path, text) per file; `overlays` (path -> text) stand for files an editor holds unsaved."""
    texts = []
    for file in files:
        if overlays and str(file) in overlays:
            texts.append((str(file), overlays[str(file)]))
            continue
        try:
            texts.append((str(file), file.read_text(encoding="utf-8")))
        except UnicodeDecodeError as e:
            raise SourceError(f"{file} is not UTF-8 text (byte {e.start})") from None
        except OSError as e:
            raise SourceError(f"cannot read {file}: {e.strerror}") from None
    return texts


def is_models(path: str) -> bool:
    """A SQLAlchemy models module (read by running it), not a SQL file."""
    return path.endswith(".py")


def parse_texts(texts: list[tuple[str, str]], dialect: str, default_schema: str = "public",
                models_timeout: float = MODELS_TIMEOUT) -> SourceResult:
    """The files' schema for the dialect. SQLAlchemy model modules (`.py`) are read as what
    `metadata.create_all` would create; they cannot be mixed with SQL files, whose
    statements would have to run in some order against tables create_all makes.
    `models_timeout`: seconds the models' import may take (the `models_timeout` setting)."""
    python = [path for path, _ in texts if is_models(path)]
    if python and len(python) < len(texts):
        sql = next(path for path, _ in texts if not is_models(path))
        return SourceResult(Schema(dialect=dialect), [Problem(
            "error", "mixed-sources",
            f"schema files mix SQLAlchemy models ({python[0]}) and SQL ({sql}): use one kind",
            Span(sql, 0, 0, 0, 0),
        )])
    if python:
        from schemalens.sources.sqlalchemy import parse_sqlalchemy

        return parse_sqlalchemy(texts, dialect, default_schema, models_timeout)
    from schemalens import dialects

    return dialects.get(dialect).read_files(texts, default_schema)

