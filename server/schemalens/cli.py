"""The terminal front end: flags in, workflows run, results printed, exit codes out.

Exit codes are an interface (scripts and CI read them), so every path ends in one of:
check 0 in sync / 1 drift / 2 error; push 0 done or nothing to do / 1 refused /
2 error / 3 failed and rolled back. No traceback reaches the user.
"""

from __future__ import annotations

import gc
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from schemalens.config import ConfigError, Settings, load_settings

app = typer.Typer(
    name="schemalens",
    help="Keep a database in step with the schema you write (PostgreSQL, SQLite).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (postgresql://... or sqlite:///file.db).")]
SchemaOpt = Annotated[list[Path] | None, typer.Option(
    "--schema", help="Schema file or folder of .sql files (repeatable).", show_default=False)]
DialectOpt = Annotated[str | None, typer.Option("--dialect", help="postgresql or sqlite (default: from the URL).")]
RenameOpt = Annotated[list[str] | None, typer.Option(
    "--rename", help="State a rename: users.name=full_name (column) or users=people (table).",
    show_default=False)]


def _e(value: object) -> str:
    """Text from outside (names, database messages) shown inside rich markup, escaped."""
    return escape(str(value))


class Failure(Exception):
    """An error the user must fix: one line on stderr, exit code 2, no traceback."""

    @property
    def message(self) -> str:
        return str(self)


def _fail(message: str) -> NoReturn:
    # typer vendors its own click, so click.ClickException subclasses are not caught by it:
    # print here and exit through typer.
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(2)


def _settings(db: str | None, schema: list[Path] | None, dialect: str | None,
              migrations: Path | None = None) -> Settings:
    overrides: dict[str, Any] = {"database_url": db, "dialect": dialect}
    if schema:
        overrides["schema"] = [str(p.resolve()) for p in schema]
    if migrations:
        overrides["migrations"] = str(migrations.resolve())
    try:
        return load_settings(overrides)
    except ConfigError as e:
        _fail(str(e))


def _renames(specs: list[str] | None, settings: Settings) -> Any:
    from schemalens.diff import Renames

    default_schema = "public" if settings.dialect == "postgresql" else "main"
    tables: dict[tuple[str, str], str] = {}
    columns: dict[tuple[str, str, str], str] = {}
    for spec in specs or []:
        left, sep, right = spec.partition("=")
        parts = left.strip().split(".")
        right = right.strip()
        if not sep or not right or not all(parts):
            _fail(f"--rename {spec!r}: expected old=new, e.g. users.name=full_name or users=people")
        if "." in right:  # schema-qualified table rename: app.users=app.people
            schema, new = right.split(".", 1)
            if len(parts) != 2 or parts[0] != schema:
                _fail(f"--rename {spec!r}: a table keeps its schema: app.users=app.people")
            tables[(schema, parts[1])] = new
        elif len(parts) == 1:
            tables[(default_schema, parts[0])] = right
        elif len(parts) == 2:
            columns[(default_schema, parts[0], parts[1])] = right
        elif len(parts) == 3:
            columns[(parts[0], parts[1], parts[2])] = right
        else:
            _fail(f"--rename {spec!r}: too many dots")
    return Renames(tables, columns)


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from schemalens.workflows import WorkflowError

    try:
        return fn(*args, **kwargs)
    except WorkflowError as e:
        _fail(str(e))


def _print_warnings(plan: Any) -> None:
    from schemalens.workflows import format_problem

    for problem in plan.source.problems:
        if problem.severity == "warning":
            err.print(f"[yellow]{_e(format_problem(problem))}[/yellow]", markup=True)


def _change_table(changes: list[Any]) -> RichTable:
    table = RichTable(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("change")
    table.add_column("risk")
    for i, change in enumerate(changes, 1):
        risk = []
        if change.data_loss:
            risk.append(f"[red]data loss: {_e(change.data_loss)}[/red]")
        if change.lock:
            risk.append(f"[yellow]lock: {_e(change.lock)}[/yellow]")
        if change.rename_candidate:
            risk.append(f"[cyan]rename of {_e(change.rename_candidate)}? state it with --rename[/cyan]")
        table.add_row(str(i), _e(change.description), "; ".join(risk))
    return table


def _change_json(change: Any) -> dict[str, Any]:
    span = change.span
    return {
        "id": change.id, "kind": change.kind, "schema": change.schema, "table": change.table,
        "name": change.name, "description": change.description, "data_loss": change.data_loss,
        "lock": change.lock, "rename_candidate": change.rename_candidate,
        "span": None if span is None else {"file": span.file, "start_line": span.start_line,
                                            "start_col": span.start_col, "end_line": span.end_line,
                                            "end_col": span.end_col},
    }


@app.command()
def check(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
          rename: RenameOpt = None,
          migrations: Annotated[Path | None, typer.Option(
              "--migrations", help="Migrations folder: adds the CI gate (exit 5/3/4/1/0).")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Exit 0 when the database matches the schema files, 1 on drift (listed), 2 on error.
    With a migrations folder: the CI gate over schema files, migrations and database."""
    from schemalens import workflows
    from schemalens.migrations.folder import Folder

    settings = _settings(db, schema, dialect, migrations)
    if Folder(settings.migrations).exists():
        from schemalens.cli_migrations import migrations_gate

        migrations_gate(settings, _renames(rename, settings), as_json)
    plan = _run(workflows.check, settings, _renames(rename, settings))
    if as_json:
        problems = [{"severity": p.severity, "code": p.code, "message": p.message,
                     "file": p.span.file if p.span else None,
                     "line": p.span.start_line + 1 if p.span else None} for p in plan.source.problems]
        print(json.dumps({"in_sync": not plan.changes, "changes": [_change_json(c) for c in plan.changes],
                          "sql": [s.sql for s in plan.statements], "problems": problems}, indent=2))
    else:
        _print_warnings(plan)
        if plan.changes:
            out.print(f"[bold red]drift[/bold red]: {_e(len(plan.changes))} change(s) between the schema files "
                      f"and {_e(_masked(settings))}", markup=True)
            out.print(_change_table(plan.changes))
        else:
            out.print(f"[green]in sync[/green]: {_e(_masked(settings))} matches the schema files", markup=True)
    raise typer.Exit(1 if plan.changes else 0)


def _masked(settings: Settings) -> str:
    from schemalens.connect import mask_url

    return mask_url(settings.database_url)


@app.command("diff")
def diff_command(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
                 rename: RenameOpt = None) -> None:
    """Print the SQL that push would run (nothing is executed)."""
    from schemalens import workflows

    settings = _settings(db, schema, dialect)
    plan = _run(workflows.check, settings, _renames(rename, settings))
    _print_warnings(plan)
    print(workflows.annotated_sql(plan.changes, plan.statements))


@app.command()
def push(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
         rename: RenameOpt = None,
         force: Annotated[bool, typer.Option("--force", help="Run without asking, data loss included.")] = False,
         dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and SQL; execute nothing.")] = False,
         ) -> None:
    """Diff the schema files against the database and execute the SQL, in one transaction."""
    from schemalens import workflows

    settings = _settings(db, schema, dialect)
    interactive = sys.stdin.isatty()

    def confirm(losses: list[tuple[Any, int | None]]) -> bool:
        err.print("[bold red]These changes can lose data:[/bold red]", markup=True)
        for change, rows in losses:
            count = f" ({rows:,} row(s) affected)" if rows is not None else ""
            err.print(f"  - {change.data_loss}{count}")
        if not interactive:
            err.print("not a terminal: rerun with --force to accept the data loss")
            return False
        return typer.confirm("Execute them?", default=False, err=True)

    def progress(index: int, total: int, statement: Any) -> None:
        if not interactive:
            err.print(f"[{index + 1}/{total}] {statement.sql.splitlines()[0][:100]}")

    with err.status("planning and applying...") if interactive else nullcontext():
        result = _run(workflows.push, settings, _renames(rename, settings), confirm=confirm,
                      force=force, dry_run=dry_run, progress=progress)
    plan = result.plan
    _print_warnings(plan)
    for warning in result.warnings:
        err.print(f"[yellow]warning: {_e(warning)}[/yellow]", markup=True)
    if not plan.changes:
        out.print(f"[green]nothing to do[/green]: {_e(_masked(settings))} matches the schema files", markup=True)
        raise typer.Exit(0)
    out.print(_change_table(plan.changes))
    if dry_run:
        out.print(workflows.annotated_sql(plan.changes, plan.statements), markup=False)
        raise typer.Exit(0)
    if result.refused:
        hint = " (or push --force)" if result.warnings else ""
        err.print(f"[red]refused[/red]: {_e(result.refused)}{_e(hint)}; nothing was executed", markup=True)
        raise typer.Exit(1)
    if result.failure:
        failure = result.failure
        sql = failure.statement.sql if failure.statement else ""
        err.print(f"[red]failed, rolled back[/red]: {_e(failure)}", markup=True)
        if sql:
            err.print(f"  while running: {sql}", markup=False)
        raise typer.Exit(3)
    out.print(f"[green]done[/green]: {_e(len(plan.statements))} statement(s) executed", markup=True)


@app.command()
def pull(db: DbOpt = None, dialect: DialectOpt = None,
         output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None) -> None:
    """Write a schema file from an existing database (to stdout, or --output)."""
    from schemalens import workflows

    settings = _settings(db, None, dialect)
    text = _run(workflows.pull, settings)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command()
def studio(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
           port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 4983,
           host: Annotated[str, typer.Option("--host", help="Address to bind; anything but 127.0.0.1 warns.")] = "127.0.0.1",
           no_open: Annotated[bool, typer.Option("--no-open", help="Do not open the browser.")] = False,
           read_only: Annotated[bool, typer.Option("--read-only", help="Browse only: no edits, no writing SQL.")] = False,
           ) -> None:
    """A local web page to browse and edit the database (drift badges from the schema files)."""
    from schemalens.studio.command import studio_command

    raise typer.Exit(studio_command(_settings(db, schema, dialect), port=port, host=host,
                                    no_open=no_open, read_only=read_only))


@app.command()
def lsp() -> None:
    """Run the language server over stdio (editors start this)."""
    from schemalens.lsp.server import main as serve

    serve()


import schemalens.cli_migrations  # noqa: E402,F401  (registers generate, migrate, status, ...)


def main() -> None:
    # A CLI run is one short job that builds a few million small objects (parse trees, the
    # model) and no garbage cycles worth collecting: the cyclic collector's passes over that
    # heap cost more than the work itself (unpickling the cached 1,000-table schema: 0.6 s
    # with it, 0.13 s without). Reference counting still frees everything as usual.
    gc.disable()
    app()
