"""What every command shares: the consoles, the common options, settings and renames
from flags, and how changes, problems and findings are shown.

Exit codes are an interface (scripts and CI read them): 2 is every usage, parse or
connection error (`fail`, `run`); each command module documents the rest. So is `--json`:
once a command said `json_mode(True)`, its errors print as `{"error": {...}}` on stdout
too, so a CI job that parses the output never gets nothing.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

from rich.console import Console
from rich.markup import escape

from schemalens import dialects
from schemalens.cli.options import Option
from schemalens.changes import Renames
from schemalens.config import ConfigError, Settings, load_settings
from schemalens.urls import redact

if TYPE_CHECKING:  # a table is drawn by the commands that print changes, not by --help
    from rich.console import RenderableType


class _Redacted:
    """sys.stdout or sys.stderr as it is when written to (a test may swap it), with every
    write passed through `redact`: no message reaches the terminal with a password."""

    def __init__(self, name: str) -> None:
        self._name = name

    def write(self, text: str) -> int:
        return getattr(sys, self._name).write(redact(text))

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(sys, self._name), attr)


out = Console(file=_Redacted("stdout"), highlight=False, soft_wrap=True)
err = Console(file=_Redacted("stderr"), highlight=False, soft_wrap=True)

# Every option that takes a value names it (URL, PATH); flags name none.
DbOpt = Annotated[str | None, Option(
    "--db", metavar="URL", help="Database URL (postgresql://... or sqlite:///file.db).")]
SchemaOpt = Annotated[list[Path] | None, Option(
    "--schema", metavar="PATH", help="Schema file or folder of .sql files (repeatable).", show_default=False)]
DialectOpt = Annotated[str | None, Option(
    "--dialect", metavar="postgresql|sqlite", help="The dialect (default: from the URL).")]
RenameOpt = Annotated[list[str] | None, Option(
    "--rename", metavar="OLD=NEW", help="State a rename: users.name=full_name (column) or users=people (table).",
    show_default=False)]
JsonOpt = Annotated[bool, Option("--json", help="Machine-readable output on stdout, errors included.")]

USAGE_ERROR = "usage-error"
_json_errors = False


def json_mode(on: bool) -> None:
    """Whether `fail` prints its error as JSON: the command's `--json` (reset before every command)."""
    global _json_errors
    _json_errors = on


def print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(redact(json.dumps(data, indent=2)) + "\n")


def esc(value: object) -> str:
    """Text from outside (names, database messages) shown inside rich markup, escaped."""
    return escape(str(value))


def fail(message: str, code: str = USAGE_ERROR, status: int = 2) -> NoReturn:
    """Exit 2 (`status`). `code` names the kind of error for JSON readers (config-error, database-unreachable, ...)."""
    err.print(f"error: {message}", markup=False)
    if _json_errors:
        print_json({"exit_code": status, "error": {"code": code, "message": message}})
    raise SystemExit(status)


def settings_from(db: str | None, schema: list[Path] | None, dialect: str | None,
                  migrations: Path | None = None, online: bool | None = None) -> Settings:
    overrides: dict[str, Any] = {"database_url": db, "dialect": dialect, "online": online}
    if schema:
        overrides["schema"] = [str(p.resolve()) for p in schema]
    if migrations:
        overrides["migrations"] = str(migrations.resolve())
    try:
        return load_settings(overrides)
    except ConfigError as e:
        fail(str(e), "config-error")


def renames_from(specs: list[str] | None, settings: Settings) -> Renames:
    default_schema = dialects.get(settings.dialect).default_schema
    tables: dict[tuple[str, str], str] = {}
    columns: dict[tuple[str, str, str], str] = {}
    for spec in specs or []:
        left, sep, right = spec.partition("=")
        parts = left.strip().split(".")
        right = right.strip()
        if not sep or not right or not all(parts):
            fail(f"--rename {spec!r}: expected old=new, e.g. users.name=full_name or users=people")
        if "." in right:  # schema-qualified table rename: app.users=app.people
            schema, new = right.split(".", 1)
            if len(parts) != 2 or parts[0] != schema:
                fail(f"--rename {spec!r}: a table keeps its schema: app.users=app.people")
            tables[(schema, parts[1])] = new
        elif len(parts) == 1:
            tables[(default_schema, parts[0])] = right
        elif len(parts) == 2:
            columns[(default_schema, parts[0], parts[1])] = right
        elif len(parts) == 3:
            columns[(parts[0], parts[1], parts[2])] = right
        else:
            fail(f"--rename {spec!r}: too many dots")
    return Renames(tables, columns)


def run(fn: Any, *args: Any, writes: bool = False, **kwargs: Any) -> Any:
    """`writes`: the command changes the database, so a lost connection exits 3, as a failed
    statement does (it did not finish; the server rolled back what it had not committed);
    for a command that only reads, it is an error like any other (2)."""
    from schemalens.connect import ConnectionLost
    from schemalens.workflows import WorkflowError

    try:
        return fn(*args, **kwargs)
    except WorkflowError as e:
        fail(str(e), e.code)
    except ConnectionLost as e:
        fail(str(e), "connection-lost", 3 if writes else 2)


def print_warnings(plan: Any) -> None:
    from schemalens.workflows import format_problem

    for problem in plan.source.problems:
        if problem.severity == "warning":
            err.print(f"[yellow]{esc(format_problem(problem))}[/yellow]", markup=True)


SUMMARY_ABOVE = 100  # changes: a longer plan is shown as counts per kind, its risky changes one by one


def change_table(changes: list[Any]) -> RenderableType:
    """The changes, a row each; above SUMMARY_ABOVE, counts per kind and only the changes
    that carry a risk as rows (a 3,000-row table is seconds of drawing nobody reads; the
    full list is in `--json`, the SQL in `diff`)."""
    from rich.table import Table as RichTable

    if len(changes) > SUMMARY_ABOVE:
        return _summary(changes)
    table = RichTable(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("change")
    table.add_column("risk")
    for i, change in enumerate(changes, 1):
        table.add_row(str(i), esc(change.description), _risk(change))
    return table


def _risk(change: Any) -> str:
    from schemalens.lint import fills_no_rows

    risk = []
    if change.data_loss:
        risk.append(f"[red]data loss: {esc(change.data_loss)}[/red]")
    if change.lock:
        risk.append(f"[yellow]lock: {esc(change.lock)}[/yellow]")
    if change.needs_using:
        risk.append(f"[red]cannot run: {esc(change.needs_using)}[/red]")
    if change.rename_candidate:
        risk.append(f"[cyan]rename of {esc(change.rename_candidate)}? state it with --rename[/cyan]")
    if fills_no_rows(change):
        risk.append("[yellow]NOT NULL without a default: fails if the table has rows[/yellow]")
    return "; ".join(risk)


def _summary(changes: list[Any]) -> RenderableType:
    """Counts per kind in a small table, then each risky change on a plain line with its
    number (one markup text: drawing stays linear and cheap however many there are)."""
    from collections import Counter

    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    table = RichTable(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("changes", justify="right")
    table.add_column("kind")
    for kind, count in sorted(Counter(c.kind for c in changes).items(), key=lambda kc: (-kc[1], kc[0])):
        table.add_row(str(count), kind.replace("_", " "))
    risky = [f"{i:>{len(str(len(changes)))}}  {esc(c.description)}  {risk}"
             for i, c in enumerate(changes, 1) if (risk := _risk(c))]
    risks = f"{len(risky)} with a risk, listed below" if risky else "none with a risk"
    head = f"{len(changes)} changes, {risks} (every change: --json; the SQL: schemalens diff)"
    parts: list[Any] = [Text(head), table]
    if risky:
        parts.append(Text.from_markup("\n".join(risky)))
    return Group(*parts)


def position_json(span: Any) -> dict[str, Any]:
    """A span as the CLI's JSON gives positions: 1-based lines and columns (code points),
    as the text output's file:line:col shows them. (The language server speaks LSP's
    0-based positions; that is the protocol's, not ours.)"""
    if span is None:
        return {"file": None, "line": None, "column": None, "end_line": None, "end_column": None}
    return {"file": span.file, "line": span.start_line + 1, "column": span.start_col + 1,
            "end_line": span.end_line + 1, "end_column": span.end_col + 1}


def finding_json(found: Any) -> dict[str, Any]:
    """A source problem or a lint finding (they share these fields)."""
    return {"severity": found.severity, "code": found.code, "message": found.message, **position_json(found.span)}


def print_lint(findings: list[Any]) -> None:
    """The schema's own findings; a change's findings are its risk column already."""
    from schemalens.workflows import format_problem

    shown = [format_problem(f) for f in findings if f.change_id is None]
    if shown:  # one print: rich's per-call cost, paid for each of hundreds of findings, was most of it
        out.print("\n".join(shown), markup=False)


def change_json(change: Any) -> dict[str, Any]:
    span = change.span
    return {
        "id": change.id, "kind": change.kind, "schema": change.schema, "table": change.table,
        "name": change.name, "description": change.description, "data_loss": change.data_loss,
        "lock": change.lock, "hazards": [dataclasses.asdict(h) for h in change.hazards],
        "rename_candidate": change.rename_candidate,
        "span": None if span is None else position_json(span),
    }


def plan_json(changes: list[Any], statements: list[Any], problems: list[Any], findings: list[Any]) -> dict[str, Any]:
    """The part every planning command's JSON shares (check, diff, push)."""
    return {"changes": [change_json(c) for c in changes], "sql": [s.sql for s in statements],
            "problems": [finding_json(p) for p in problems],
            "lint": [finding_json(f) | {"change_id": f.change_id} for f in findings]}


def check_json(code: int, gates: list[tuple[str, bool, str]], changes: list[Any], statements: list[Any],
               problems: list[Any], findings: list[Any]) -> dict[str, Any]:
    """check's one shape, with or without a migrations folder (the gates differ)."""
    return ({"exit_code": code, "in_sync": code == 0,
             "gates": [{"gate": gate, "ok": ok, "detail": detail} for gate, ok, detail in gates]}
            | plan_json(changes, statements, problems, findings))


def push_exit_code(result: Any) -> int:
    """2: a refusal only the user can settle (unanswered renames, a NOT NULL blocker);
    1: data loss not confirmed, or the database is kept by migrations; 3: a failure."""
    if result.refused:
        return 2 if result.blocked or result.unanswered else 1
    return 3 if result.failure else 0


def push_json(result: Any) -> dict[str, Any]:
    failure = result.failure
    plan = result.plan
    return ({"exit_code": push_exit_code(result), "executed": result.executed, "refused": result.refused,
             "failure": None if failure is None else {
                 "message": str(failure), "statement": failure.statement.sql if failure.statement else None},
             "warnings": result.warnings}
            | plan_json(result.changes, result.statements, plan.source.problems, plan.findings))


def masked(settings: Settings) -> str:
    from schemalens.urls import mask_url

    return mask_url(settings.database_url)


MigrationsOpt = Annotated[Path | None, Option(
    "--migrations", metavar="DIR", help="Migrations folder (default: from the configuration, else migrations/).")]


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
