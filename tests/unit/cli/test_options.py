"""The command line against a command's signature: click's conventions, typer's old contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest

from schemalens.cli import run
from schemalens.cli.options import Option, UsageError, command_help, flags, parse


def sample(db: Annotated[str | None, Option("--db", metavar="URL", help="Database URL.")] = None,
           schema: Annotated[list[Path] | None, Option("--schema", metavar="PATH", help="Repeatable.")] = None,
           force: Annotated[bool, Option("--force", help="No question.")] = False,
           online: Annotated[bool | None, Option("--online/--no-online", help="Concurrently.")] = None,
           port: Annotated[int, Option("--port", metavar="PORT", help="Port.")] = 4983,
           output: Annotated[Path | None, Option("--output", "-o", metavar="FILE", help="Write here.")] = None,
           ) -> None:
    """Do the sample thing."""


def test_values_flags_pairs_and_lists() -> None:
    assert parse(sample, []) == {"db": None, "schema": None, "force": False, "online": None, "port": 4983,
                                 "output": None}
    assert parse(sample, ["--db", "sqlite:///a.db", "--schema=a.sql", "--schema", "b", "--force", "--no-online",
                          "--port", "5", "-o", "x.sql"]) == {
        "db": "sqlite:///a.db", "schema": [Path("a.sql"), Path("b")], "force": True, "online": False, "port": 5,
        "output": Path("x.sql")}
    assert parse(sample, ["--online", "-oy.sql", "--db=a=b"]) == {
        "db": "a=b", "schema": None, "force": False, "online": True, "port": 4983, "output": Path("y.sql")}
    assert flags(sample) == {"--db", "--schema", "--force", "--online", "--no-online", "--port", "--output", "-o"}


@pytest.mark.parametrize(("args", "message"), [
    (["--bogus"], "No such option: --bogus"),
    (["--fo"], "No such option: --fo"),  # no abbreviations
    (["extra"], "Got unexpected extra argument (extra)"),
    (["--db"], "Option '--db' requires an argument."),
    (["--force=yes"], "Option '--force' does not take a value."),
    (["--port", "x"], "Invalid value for '--port': 'x' is not a valid integer."),
])
def test_a_bad_command_line_says_what_is_wrong(args: list[str], message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(sample, args)
    assert str(caught.value) == message


def test_help_names_every_option_with_its_value_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = command_help("schemalens sample", sample)
    assert text.startswith("Usage: schemalens sample [OPTIONS]\n\n  Do the sample thing.\n")
    for shown in ("--db URL", "--schema PATH", "--online / --no-online", "-o, --output FILE",
                  "[default: 4983]", "--help"):
        assert shown in text


def test_usage_errors_exit_2_and_a_command_line_without_command_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--bogus"]) == 2
    assert "Error: No such option: --bogus" in capsys.readouterr().err
    assert run(["nothing"]) == 2
    assert "No such command 'nothing'." in capsys.readouterr().err
    assert run([]) == 2
    assert "Commands:" in capsys.readouterr().out
    assert run(["--help"]) == 0
