"""Settings, and where each one came from.

Precedence, highest first: command-line flags (or editor settings) > environment
(`DATABASE_URL`, `SCHEMALENS_<KEY>`) > `.env` in the project folder > `[tool.schemalens]`
in `pyproject.toml` or `schemalens.toml` > defaults. An empty value counts as unset.
Every setting remembers its origin so that an error can say which one to fix
("database_url from .env").

Relative paths are resolved against the project folder (the nearest folder upwards that
holds `schemalens.toml` or a `pyproject.toml` with `[tool.schemalens]`), never against
the process's working directory: the editor and CI start us from anywhere.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemalens import dialects
from schemalens.sources import MODELS_TIMEOUT
from schemalens.urls import mask_url, remember

# With no configuration at all: an embedded SQLite database in the project.
DEFAULT_URL = "sqlite:///.schemalens/dev.db"
KEYS = ("database_url", "schema", "migrations", "dialect", "schemas", "exclude", "lock_timeout", "online",
        "models_timeout")
LIST_KEYS = {"schema", "schemas", "exclude"}


class ConfigError(Exception):
    """A setting is malformed; the message names the setting and where it came from."""


@dataclass
class Settings:
    project: Path
    database_url: str
    schema: list[Path]
    migrations: Path
    dialect: str
    schemas: list[str] | None
    exclude: list[str]
    lock_timeout: str | None
    # Build indexes on existing tables CONCURRENTLY; None: the command's own default.
    online: bool | None = None
    models_timeout: float = MODELS_TIMEOUT
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        return self.origins.get(key, "default")

    def online_for(self, default: bool) -> bool:
        """`online` as set, else the command's default: on for generate (migrations run
        where others write), off for push (a local development database)."""
        return default if self.online is None else self.online


def find_project(start: Path) -> Path:
    """The nearest folder at or above `start` that configures schemalens, else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "schemalens.toml").is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "schemalens" in _read_toml(pyproject).get("tool", {}):
            return folder
    return start


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from None


def _file_settings(project: Path) -> tuple[dict[str, Any], str]:
    standalone = project / "schemalens.toml"
    if standalone.is_file():
        data = _read_toml(standalone)
        return data.get("tool", {}).get("schemalens", data), "schemalens.toml"
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        return _read_toml(pyproject).get("tool", {}).get("schemalens", {}), "pyproject.toml [tool.schemalens]"
    return {}, ""


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, `export` prefixes and quotes allowed; comments and blanks skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        layer["database_url"] = environ["DATABASE_URL"]
    for key in KEYS:
        value = environ.get(f"SCHEMALENS_{key.upper()}")
        if value:
            layer[key] = [v.strip() for v in value.split(",") if v.strip()] if key in LIST_KEYS else value
    return layer


def _is_set(value: Any) -> bool:
    return value not in (None, "", [], ())


def load_settings(
    overrides: dict[str, Any] | None = None,
    start: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Merge every layer into Settings. `overrides` are flags or editor settings."""
    project = find_project(start or Path.cwd())
    environ = dict(os.environ) if environ is None else environ
    file_values, file_name = _file_settings(project)
    unknown = sorted(set(file_values) - set(KEYS))
    if unknown:
        raise ConfigError(f"{file_name}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")
    layers = [
        ("command line", overrides or {}),
        ("environment", _env_layer(environ)),
        (".env", _env_layer(read_dotenv(project / ".env"))),
        (file_name, file_values),
    ]
    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for origin, layer in layers:
        for key in KEYS:
            if key not in merged and _is_set(layer.get(key)):
                merged[key] = layer[key]
                origins[key] = origin
    return _build(project, merged, origins)


def _as_list(key: str, value: Any, origin: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{key} (from {origin}) must be a string or a list of strings")


def _build(project: Path, merged: dict[str, Any], origins: dict[str, str]) -> Settings:
    url = _anchor_sqlite_url(merged.get("database_url") or DEFAULT_URL, project)
    remember(url)
    dialect = merged.get("dialect") or dialect_of_url(url)
    if dialect not in dialects.NAMES:
        raise ConfigError(f"dialect {dialect!r} (from {origins.get('dialect', 'the database URL')}) "
                          f"is not one of {', '.join(dialects.NAMES)}")
    schema_paths = _as_list("schema", merged.get("schema", "schema.sql"), origins.get("schema", "default"))
    schemas = merged.get("schemas")
    return Settings(
        project=project,
        database_url=url,
        schema=[project / p for p in schema_paths],
        migrations=project / merged.get("migrations", "migrations"),
        dialect=dialect,
        schemas=_as_list("schemas", schemas, origins["schemas"]) if schemas else None,
        exclude=_as_list("exclude", merged.get("exclude", []), origins.get("exclude", "default")),
        lock_timeout=lock_timeout(merged["lock_timeout"], origins["lock_timeout"]) if "lock_timeout" in merged
        else None,
        online=_as_bool("online", merged["online"], origins["online"]) if "online" in merged else None,
        models_timeout=_as_seconds("models_timeout", merged["models_timeout"], origins["models_timeout"])
        if "models_timeout" in merged else MODELS_TIMEOUT,
        origins=origins,
    )


def _as_bool(key: str, value: Any, origin: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"{key} (from {origin}) must be true or false, not {value!r}")


def _as_seconds(key: str, value: Any, origin: str) -> float:
    try:
        seconds = float(value) if not isinstance(value, bool) else -1.0
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ConfigError(f"{key} (from {origin}) must be a number of seconds above 0, not {value!r}")
    return seconds


# What PostgreSQL's parser accepts for a time setting (checked against a server with
# `SET lock_timeout = '...'`): a number, optionally signed, fraction and exponent allowed,
# then an optional unit (case-sensitive), spaces around either; no unit means milliseconds.
_DURATION = re.compile(r"^\s*\+?(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>us|ms|s|min|h|d)?\s*$")
_MS_PER_UNIT = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_MAX_MS = 2_147_483_647


def lock_timeout(value: Any, origin: str) -> str:
    """The setting as PostgreSQL will take it, or a ConfigError naming it: a bad value
    would otherwise fail the first statement of a push or migration, far from its cause."""
    text = str(value)
    m = _DURATION.match(text) if not isinstance(value, bool) else None
    if m is None or float(m.group("number")) * _MS_PER_UNIT[m.group("unit") or "ms"] > _MAX_MS:
        raise ConfigError(f"lock_timeout {text!r} (from {origin}) is not a duration PostgreSQL accepts: an integer "
                          "of milliseconds, or a number with a unit ms, s, min, h or d (e.g. 5s), at most 24 days")
    return text


def _anchor_sqlite_url(url: str, project: Path) -> str:
    """Make a relative SQLite file path relative to the project folder."""
    head, sep, path = url.partition(":///")
    if head.split("+", 1)[0].lower() != "sqlite" or not sep or path.startswith("/") or path.startswith(":memory:"):
        return url
    return f"{head}:///{project / path}"


def dialect_of_url(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    if "://" not in url:
        raise ConfigError(f"cannot tell the dialect of database URL {mask_url(url)!r}: "
                          "use postgresql://... or sqlite:///path")
    raise ConfigError(f"cannot tell the dialect of a {scheme!r} URL: use postgresql://... or sqlite:///path")
