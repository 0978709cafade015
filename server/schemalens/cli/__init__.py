"""The terminal front end: flags in, workflows run, results printed, exit codes out.

Exit codes are an interface (scripts and CI read them): each command module says its
own; no traceback reaches the user. The command modules know nothing of this app: it
registers their COMMANDS, so nothing imports back into this package's root.
"""

from __future__ import annotations

import gc
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from schemalens.cli import migrations, servers, sync
from schemalens.cli.output import json_mode
from schemalens.urls import redact


def _plain_flags(params: list[Any]) -> list[Any]:
    """A flag takes no value, so its help shows none (typer would print `<bool>`)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))


app = typer.Typer(
    name="schemalens",
    help="Keep a database in step with the schema you write (PostgreSQL, SQLite).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)
for _module in (sync, servers, migrations):
    for _name, _command in _module.COMMANDS.items():
        app.command(_name, cls=Command)(_command)


def _print_version(value: bool) -> None:
    if value:
        try:
            number = version("schemalens")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown"
        print(f"schemalens {number}")
        raise typer.Exit(0)


@app.callback()
def _root(_version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_print_version, is_eager=True)] = False) -> None:
    json_mode(False)  # a command's --json switches it on; nothing carries over between runs in one process


def main() -> None:
    # A CLI run is one short job that builds a few million small objects (parse trees, the
    # model) and no garbage cycles worth collecting: the cyclic collector's passes over that
    # heap cost more than the work itself (unpickling the cached 1,000-table schema: 0.6 s
    # with it, 0.13 s without). Reference counting still frees everything as usual.
    gc.disable()
    try:
        app()
    except Exception:  # a bug: its report still carries no password (the message may quote a URL)
        sys.stderr.write(redact(traceback.format_exc()))
        sys.exit(1)
