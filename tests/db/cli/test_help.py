"""`--help` names every option's value the way a user writes it, and `--version` works."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from tests.db.cli.shell import cli

COMMANDS = ["check", "diff", "push", "pull", "studio", "lsp", "generate", "migrate", "status", "rollback",
            "resolve", "reset", "rehash"]


def test_no_option_shows_a_python_type(tmp_path: Path) -> None:
    for command in [*COMMANDS, None]:
        done = cli(*([command] if command else []), "--help", cwd=tmp_path, env={"COLUMNS": "200"})
        assert done.returncode == 0, done.stderr
        assert "<" not in done.stdout, (command, done.stdout)
    check = cli("check", "--help", cwd=tmp_path, env={"COLUMNS": "200"}).stdout
    for metavar in ("URL", "PATH", "OLD=NEW", "DIR"):
        assert metavar in check


def test_version(tmp_path: Path) -> None:
    done = cli("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == f"schemalens {version('schemalens')}\n"
