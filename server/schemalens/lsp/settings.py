"""Editor settings -> engine Settings, ranked like command-line flags.

Editor settings arrive from `initializationOptions`, replaced by the settings a
`workspace/didChangeConfiguration` carries, and from `workspace/configuration` (section
`schemalens`, asked per file so that multi-root workspaces can differ); the last wins.
They become `load_settings` overrides, so the project's own configuration
(`schemalens.toml`, `pyproject.toml`, `.env`, environment) applies beneath them exactly
as it does for the CLI, and an empty editor value counts as unset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemalens.config import ConfigError, Settings, find_project, load_settings

# editor key (camelCase, as in VS Code's settings.json) -> engine key
EDITOR_KEYS = {
    "databaseUrl": "database_url",
    "schema": "schema",
    "migrations": "migrations",
    "dialect": "dialect",
    "schemas": "schemas",
    "exclude": "exclude",
    "lockTimeout": "lock_timeout",
    "modelsTimeout": "models_timeout",
}
_ENGINE_TO_EDITOR = {v: k for k, v in EDITOR_KEYS.items()}
_CLI_ORIGIN = "command line"


def editor_label(engine_key: str) -> str:
    return f"editor setting schemalens.{_ENGINE_TO_EDITOR.get(engine_key, engine_key)}"


def section_of(options: Any) -> dict[str, Any]:
    """The `schemalens` settings in an options object, nested or flat."""
    if not isinstance(options, dict):
        return {}
    nested = options.get("schemalens")
    return nested if isinstance(nested, dict) else options


def pushed_section(settings: Any) -> dict[str, Any] | None:
    """The `schemalens` settings of a workspace/didChangeConfiguration, None when it
    carries none (a client that only says "changed" and answers workspace/configuration)."""
    if not isinstance(settings, dict):
        return None
    if isinstance(settings.get("schemalens"), dict):
        return settings["schemalens"]
    return settings if any(key in settings for key in EDITOR_KEYS) else None


def overrides_from(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win; a value that is unset in a later layer keeps the earlier one."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for editor_key, engine_key in EDITOR_KEYS.items():
            value = layer.get(editor_key)
            if value not in (None, "", [], ()):
                merged[engine_key] = value
    return merged


def has_configuration(folder: Path) -> bool:
    return find_project(folder) != folder.resolve() or _configures(folder)


def _configures(folder: Path) -> bool:
    if (folder / "schemalens.toml").is_file():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and "[tool.schemalens" in pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def project_start(document: Path, workspace_folders: list[Path]) -> Path:
    """Where to look for the project: the document's folder when a configuration is found
    above it, else the workspace folder that holds the document (so that the defaults,
    `schema.sql` and `.schemalens/dev.db`, are where the user opened the editor)."""
    folder = document.parent
    if has_configuration(folder):
        return folder
    holders = [w for w in workspace_folders if folder == w or w in folder.parents]
    return max(holders, key=lambda w: len(w.parts)) if holders else folder


def load_editor_settings(overrides: dict[str, Any], start: Path) -> Settings:
    """Settings with editor values ranked first and labelled as editor settings, so that
    every message names the setting the user has to fix."""
    try:
        settings = load_settings(overrides, start=start)
    except ConfigError as e:
        raise ConfigError(_relabel(str(e))) from None
    for key, origin in list(settings.origins.items()):
        if origin == _CLI_ORIGIN:
            settings.origins[key] = editor_label(key)
    return settings


def _relabel(message: str) -> str:
    return message.replace(f"from {_CLI_ORIGIN}", "from the editor settings (schemalens.*)")
