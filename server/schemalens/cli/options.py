"""Command lines -> calls: each command is a function whose parameters declare their options
(`Annotated[type, Option(...)]`); this module parses argv against them, prints help and
usage errors, and calls the function.

It replaces typer, which builds pydantic validators for every option while parsing: with
typer, rich and pydantic a SQLite `check` spent most of its time importing. The types in
use are few (str, int, Path, a str Enum of choices, a flag, an `--x/--no-x` pair, repeatable str or Path), so
they are converted here. What a user sees stays click's contract: options in any order,
`--opt value` or `--opt=value`, exit 2 with a usage line on a bad command line, `--help`
on every command.
"""

from __future__ import annotations

import enum
import os
import shutil
import sys
import textwrap
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Option:
    """`flags`: "--db", "--output", "-o" or the pair "--online/--no-online" (True / False / unset)."""

    flags: tuple[str, ...]
    help: str
    metavar: str = ""
    show_default: bool = True

    def __init__(self, *flags: str, help: str, metavar: str = "", show_default: bool = True) -> None:
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "help", help)
        object.__setattr__(self, "metavar", metavar)
        object.__setattr__(self, "show_default", show_default)


class UsageError(Exception):
    """A command line that names no command, an unknown option or a bad value: exit 2."""


class Abort(Exception):
    """The user left a question unanswered (Ctrl-C, end of input): "Aborted.", exit 1."""


@dataclass
class _Param:
    name: str  # the function's parameter
    option: Option
    kind: str  # "flag", "pair", "value", "list"
    convert: Callable[[str], Any]
    default: Any

    @property
    def names(self) -> list[str]:
        return [f for flag in self.option.flags for f in flag.split("/")]

    @property
    def shown(self) -> str:
        if self.kind == "pair":
            return " / ".join(self.option.flags[0].split("/"))
        return ", ".join(sorted(self.option.flags, key=len)) + (f" {self.option.metavar}" if self.option.metavar else "")


_CONVERTERS: dict[Any, Callable[[str], Any]] = {str: str, int: int, Path: Path}


def _params(function: Callable[..., Any]) -> list[_Param]:
    hints = typing.get_type_hints(function, include_extras=True)
    defaults = function.__defaults__ or ()
    names = function.__code__.co_varnames[:function.__code__.co_argcount]
    params = []
    for name, default in zip(names, (None,) * (len(names) - len(defaults)) + defaults):
        hint = hints[name]
        option = next(m for m in hint.__metadata__ if isinstance(m, Option))
        kinds = [t for t in typing.get_args(hint.__origin__) if t is not type(None)] or [hint.__origin__]
        base = kinds[0]
        if base is bool:
            kind, convert = ("pair" if "/" in option.flags[0] else "flag"), bool
        elif typing.get_origin(base) is list:
            kind, convert = "list", _CONVERTERS[typing.get_args(base)[0]]
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            kind, convert = "value", base
        else:
            kind, convert = "value", _CONVERTERS[base]
        params.append(_Param(name, option, kind, convert, default))
    return params


def _expected(convert: Callable[[str], Any]) -> str:
    if isinstance(convert, type) and issubclass(convert, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in convert)
    return "a valid integer"


def flags(function: Callable[..., Any]) -> set[str]:
    """Every option the command takes (`--online` and `--no-online` both)."""
    return {name for p in _params(function) for name in p.names}


def _width() -> int:
    try:
        return max(int(os.environ["COLUMNS"]), 40)
    except (KeyError, ValueError):
        return max(shutil.get_terminal_size().columns, 40)


def _rows(rows: list[tuple[str, str]]) -> str:
    """Two columns, the second wrapped to the terminal."""
    left = min(max((len(a) for a, _ in rows), default=0), 30) + 4
    width = max(_width() - left, 20)
    lines = []
    for a, b in rows:
        wrapped = textwrap.wrap(b, width) or [""]
        if len(a) + 4 > left:
            lines.append(f"  {a}")
            lines.extend(" " * left + w for w in wrapped)
        else:
            lines.append(f"  {a}".ljust(left) + wrapped[0])
            lines.extend(" " * left + w for w in wrapped[1:])
    return "\n".join(lines)


def _paragraphs(text: str) -> str:
    return "\n".join(textwrap.fill(" ".join(line.split()), _width() - 2, initial_indent="  ",
                                   subsequent_indent="  ") for line in textwrap.dedent(text).strip().splitlines())


def command_help(prog: str, function: Callable[..., Any]) -> str:
    rows = []
    for p in _params(function):
        shown = p.default.value if isinstance(p.default, enum.Enum) else p.default
        default = f" [default: {shown}]" if p.option.show_default and p.default not in (None, False) else ""
        rows.append((p.shown, p.option.help + default))
    rows.append(("--help", "Show this message and exit."))
    return f"Usage: {prog} [OPTIONS]\n\n{_paragraphs(function.__doc__ or '')}\n\nOptions:\n{_rows(rows)}\n"


def group_help(prog: str, about: str, options: list[tuple[str, str]], commands: dict[str, Callable[..., Any]]) -> str:
    listed = [(name, " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())) for name, fn in commands.items()]
    return (f"Usage: {prog} [OPTIONS] COMMAND [ARGS]...\n\n{_paragraphs(about)}\n\n"
            f"Options:\n{_rows([*options, ('--help', 'Show this message and exit.')])}\n\n"
            f"Commands:\n{_rows(listed)}\n")


def print_usage_error(prog: str, message: str) -> None:
    sys.stderr.write(f"Usage: {prog} [OPTIONS]\nTry '{prog} --help' for help.\n\nError: {message}\n")


def parse(function: Callable[..., Any], args: list[str]) -> dict[str, Any]:
    """The keyword arguments for `function` from `args` (UsageError on a bad command line)."""
    params = _params(function)
    by_flag: dict[str, _Param] = {}
    for p in params:
        for name in p.names:
            by_flag[name] = p
    values: dict[str, Any] = {p.name: ([] if p.kind == "list" else p.default) for p in params}
    queue = list(args)
    while queue:
        arg = queue.pop(0)
        flag, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if not arg.startswith("--") and len(arg) > 2 and arg[:2] in by_flag:  # -oFILE, click's short form
            flag, eq, inline = arg[:2], "=", arg[2:]
        p = by_flag.get(flag)
        if p is None:
            if arg.startswith("-") and arg != "-":
                raise UsageError(f"No such option: {flag}")
            raise UsageError(f"Got unexpected extra argument ({arg})")
        if p.kind in ("flag", "pair"):
            if eq:
                raise UsageError(f"Option '{flag}' does not take a value.")
            values[p.name] = p.kind == "flag" or flag == p.option.flags[0].split("/")[0]
            continue
        if eq:
            text = inline
        elif queue:
            text = queue.pop(0)
        else:
            raise UsageError(f"Option '{flag}' requires an argument.")
        try:
            value = p.convert(text)
        except ValueError:
            raise UsageError(f"Invalid value for '{flag}': {text!r} is not {_expected(p.convert)}.") from None
        if p.kind == "list":
            values[p.name].append(value)
        else:
            values[p.name] = value
    for p in params:
        if p.kind == "list" and not values[p.name]:
            values[p.name] = p.default
    return values
