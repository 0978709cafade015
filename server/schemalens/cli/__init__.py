"""The terminal front end: flags in, workflows run, results printed, exit codes out.

Exit codes are an interface (scripts and CI read them): each command module says its
own; a bad command line is 2; a question left unanswered (Ctrl-C) is 1; no traceback
reaches the user. The command modules know nothing of this one: it gathers their
COMMANDS, so nothing imports back into this package's root. A command's engine is
imported when it runs: `--help` and `--version` load none of it.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from schemalens.cli import migrations, servers, sync
from schemalens.cli.options import Abort, UsageError, command_help, group_help, parse, print_usage_error
from schemalens.cli.output import json_mode
from schemalens.urls import redact

ABOUT = "Keep a database in step with the schema you write (PostgreSQL, SQLite)."
COMMANDS: dict[str, Callable[..., Any]] = {**sync.COMMANDS, **servers.COMMANDS, **migrations.COMMANDS}
_ROOT_OPTIONS = [("--version", "Print the version and exit.")]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("schemalens")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _program() -> str:
    """The name the user typed, as usage lines show it (click's rule)."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "schemalens"
    return "python -m schemalens" if name == "__main__.py" else name


def run(args: list[str]) -> int:
    """The exit code of the command line `args` (what follows the program name)."""
    prog = _program()
    json_mode(False)  # a command's --json switches it on; nothing carries over between runs in one process
    root = prog
    try:
        while args and args[0].startswith("-"):
            if args[0] == "--version":
                print(f"schemalens {_version()}")
                return 0
            if args[0] == "--help":
                sys.stdout.write(group_help(prog, ABOUT, _ROOT_OPTIONS, COMMANDS))
                return 0
            raise UsageError(f"No such option: {args[0]}")
        if not args:
            sys.stdout.write(group_help(prog, ABOUT, _ROOT_OPTIONS, COMMANDS))
            return 2
        name, rest = args[0], args[1:]
        command = COMMANDS.get(name)
        if command is None:
            raise UsageError(f"No such command '{name}'.")
        root = f"{prog} {name}"
        if "--help" in rest:
            sys.stdout.write(command_help(root, command))
            return 0
        command(**parse(command, rest))
        return 0
    except UsageError as e:
        print_usage_error(root, str(e))
        return 2
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0 if e.code is None else 1
    except (Abort, KeyboardInterrupt, EOFError) as e:
        if not isinstance(e, Abort):
            sys.stderr.write("\n")
        sys.stderr.write("Aborted.\n")
        return 1
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        sys.stdout = open(os.devnull, "w")  # a closed pipe (`| head`): stop quietly
        return 1


def main() -> None:
    # A CLI run is one short job that builds a few million small objects (parse trees, the
    # model) and no garbage cycles worth collecting: the cyclic collector's passes over that
    # heap cost more than the work itself (unpickling the cached 1,000-table schema: 0.6 s
    # with it, 0.13 s without). Reference counting still frees everything as usual.
    gc.disable()
    try:
        code = run(sys.argv[1:])
    except Exception:  # a bug: its report still carries no password (the message may quote a URL)
        sys.stderr.write(redact(traceback.format_exc()))
        code = 1
    sys.exit(code)
