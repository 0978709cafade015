"""Commands of the push workflow: check, diff, push, pull.

Exit codes: check 0 in sync / 1 drift / 2 error (with a migrations folder, the gate's:
see cli.migrations); push 0 done or nothing to do / 1 refused / 2 error / 3 failed and
rolled back; diff and pull 0 / 2.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from schemalens.changes import data_loss_line
from schemalens.cli.migrations import migrations_gate
from schemalens.cli.output import (
    DbOpt,
    DialectOpt,
    JsonOpt,
    RenameOpt,
    SchemaOpt,
    change_table,
    check_json,
    err,
    esc,
    json_mode,
    masked,
    out,
    plan_json,
    print_json,
    print_lint,
    print_warnings,
    push_exit_code,
    push_json,
    renames_from,
    run,
    settings_from,
)


def check(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
          rename: RenameOpt = None,
          migrations: Annotated[Path | None, typer.Option(
              "--migrations", metavar="DIR", help="Migrations folder: adds the CI gate (exit 5/3/4/1/0).")] = None,
          as_json: JsonOpt = False) -> None:
    """Exit 0 when the database matches the schema files, 1 on drift (listed), 2 on error.
    With a migrations folder: the CI gate over schema files, migrations and database."""
    from schemalens import history, workflows

    json_mode(as_json)
    settings = settings_from(db, schema, dialect, migrations)
    renames = renames_from(rename, settings)
    if history.keeps_history(settings, named=migrations is not None):
        migrations_gate(settings, renames, as_json)
    plan = run(workflows.check, settings, renames)
    code = 1 if plan.changes else 0
    if as_json:
        detail = (f"{len(plan.changes)} change(s) between the schema files and {masked(settings)}" if plan.changes
                  else f"{masked(settings)} matches the schema files")
        print_json(check_json(code, [("database vs schema files", not plan.changes, detail)], plan.changes,
                              plan.statements, plan.source.problems, plan.findings))
    else:
        print_warnings(plan)
        if plan.changes:
            out.print(f"[bold red]drift[/bold red]: {esc(len(plan.changes))} change(s) between the schema files "
                      f"and {esc(masked(settings))}", markup=True)
            out.print(change_table(plan.changes))
        else:
            out.print(f"[green]in sync[/green]: {esc(masked(settings))} matches the schema files", markup=True)
        print_lint(plan.findings)
    raise typer.Exit(code)


def diff_command(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
                 rename: RenameOpt = None, as_json: JsonOpt = False) -> None:
    """Print the SQL that push would run (nothing is executed)."""
    from schemalens import workflows

    json_mode(as_json)
    settings = settings_from(db, schema, dialect)
    plan = run(workflows.check, settings, renames_from(rename, settings))
    if as_json:
        print_json({"exit_code": 0} | plan_json(plan.changes, plan.statements, plan.source.problems, plan.findings))
        return
    print_warnings(plan)
    print(workflows.annotated_sql(plan.changes, plan.statements))


def push(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
         rename: RenameOpt = None,
         force: Annotated[bool, typer.Option("--force", help="Run without asking, data loss included.")] = False,
         dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and SQL; execute nothing.")] = False,
         online: Annotated[bool | None, typer.Option("--online/--no-online", help="Build indexes on existing tables CONCURRENTLY (default: off, or the `online` setting).", show_default=False)] = None,
         as_json: JsonOpt = False) -> None:
    """Diff the schema files against the database and execute the SQL, in one transaction."""
    from schemalens import workflows

    json_mode(as_json)
    settings = settings_from(db, schema, dialect, online=online)
    interactive = sys.stdin.isatty()

    def confirm(losses: list[tuple[Any, int | None]]) -> bool:
        err.print("[bold red]These changes can lose data:[/bold red]", markup=True)
        for change, rows in losses:
            err.print(f"  - {data_loss_line(change, rows)}", markup=False)
        if not interactive:
            err.print("not a terminal: rerun with --force to accept the data loss", markup=False)
            return False
        return typer.confirm("Execute them?", default=False, err=True)

    def progress(index: int, total: int, statement: Any) -> None:
        if not interactive:
            err.print(f"[{index + 1}/{total}] {statement.sql.splitlines()[0][:100]}", markup=False)

    with err.status("planning and applying...") if interactive else nullcontext():
        result = run(workflows.push, settings, renames_from(rename, settings), confirm=confirm,
                      force=force, dry_run=dry_run, progress=progress)
    plan = result.plan
    if as_json:
        print_json(push_json(result))
        raise typer.Exit(push_exit_code(result))
    print_warnings(plan)
    for warning in result.warnings:
        err.print(f"[yellow]warning: {esc(warning)}[/yellow]", markup=True)
    if not plan.changes:
        out.print(f"[green]nothing to do[/green]: {esc(masked(settings))} matches the schema files", markup=True)
        raise typer.Exit(0)
    out.print(change_table(plan.changes))
    if dry_run:
        out.print(workflows.annotated_sql(plan.changes, plan.statements), markup=False)
        raise typer.Exit(0)
    if result.refused:
        hint = " (or push --force)" if result.warnings else ""
        err.print(f"[red]refused[/red]: {esc(result.refused)}{esc(hint)}; nothing was executed", markup=True)
        raise typer.Exit(1)
    if result.failure:
        failure = result.failure
        sql = failure.statement.sql if failure.statement else ""
        err.print(f"[red]failed, rolled back[/red]: {esc(failure)}", markup=True)
        if sql:
            err.print(f"  while running: {sql}", markup=False)
        raise typer.Exit(3)
    out.print(f"[green]done[/green]: {esc(len(plan.statements))} statement(s) executed", markup=True)


def pull(db: DbOpt = None, dialect: DialectOpt = None,
         output: Annotated[Path | None, typer.Option(
             "--output", "-o", metavar="FILE", help="Write to this file.")] = None,
         ) -> None:
    """Write a schema file from an existing database (to stdout, or --output)."""
    from schemalens import workflows

    settings = settings_from(db, None, dialect)
    text = run(workflows.pull, settings)
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text)


COMMANDS = {"check": check, "diff": diff_command, "push": push, "pull": pull}
