"""Commands of the push workflow: check, diff, push, pull.

Exit codes: check 0 in sync / 1 drift / 2 error (with a migrations folder, the gate's:
see cli.migrations); push 0 done or nothing to do / 1 refused (data loss not confirmed,
database kept by migrations) / 2 error, or a plan that cannot run as it is (a possible
rename nobody answered, a NOT NULL column its table's rows cannot fill) / 3 failed and
rolled back; diff and pull 0 / 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated


from schemalens.cli.options import Option
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
from schemalens.cli.prompts import Session, refuse_renames, rename_hints


def check(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
          rename: RenameOpt = None,
          migrations: Annotated[Path | None, Option(
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
    raise SystemExit(code)


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


NoRenamesOpt = Annotated[bool, Option(
    "--no-renames", help="The possible renames (a drop and an add of the same shape) are not renames: "
                         "plan them as drop + add without asking.")]


def push(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
         rename: RenameOpt = None,
         force: Annotated[bool, Option(
             "--force", help="Run without the data-loss confirmation, data loss included "
                             "(possible renames are still asked, or refused when no terminal).")] = False,
         no_renames: NoRenamesOpt = False,
         dry_run: Annotated[bool, Option("--dry-run", help="Show the plan and SQL; execute nothing.")] = False,
         online: Annotated[bool | None, Option("--online/--no-online", help="Build indexes on existing tables CONCURRENTLY (default: off, or the `online` setting).", show_default=False)] = None,
         as_json: JsonOpt = False) -> None:
    """Diff the schema files against the database and execute the SQL, in one transaction."""
    from schemalens import dialects, workflows

    json_mode(as_json)
    settings = settings_from(db, schema, dialect, online=online)
    session = Session()
    with session.working("planning..."):
        result = run(workflows.push, settings, renames_from(rename, settings), writes=True,
                     on_wait=lambda: err.print("another push or migrate holds the lock on this database: waiting",
                                               markup=False), confirm=session.confirm_data_loss,
                     force=force, dry_run=dry_run, progress=session.progress,
                     ask_renames=session.ask_renames(no_renames), show=None if as_json else session.show_plan)
        if result.executed:
            session.all_ran()
    plan = result.plan
    if as_json:
        print_json(push_json(result))
        raise SystemExit(push_exit_code(result))
    if result.unanswered:
        refuse_renames(result.unanswered, "push", dialects.get(settings.dialect).default_schema,
                       "nothing was executed")
        raise SystemExit(2)
    if not plan.changes:
        print_warnings(plan)
        out.print(f"[green]nothing to do[/green]: {esc(masked(settings))} matches the schema files", markup=True)
        raise SystemExit(0)
    if dry_run:
        out.print(workflows.annotated_sql(plan.changes, plan.statements), markup=False)
        raise SystemExit(0)
    if result.refused:
        hint = " (or push --force)" if result.warnings else ""
        err.print(f"[red]refused[/red]: {esc(result.refused)}{esc(hint)}; nothing was executed", markup=True)
        raise SystemExit(2 if result.blocked else 1)
    if result.failure:
        failure = result.failure
        sql = failure.statement.sql if failure.statement else ""
        undone = "" if getattr(failure, "committed", False) else ", rolled back"
        err.print(f"[red]failed{undone}[/red]: {esc(failure)}", markup=True)
        if sql:
            err.print(f"  while running: {sql}", markup=False)
        raise SystemExit(3)
    out.print(f"[green]done[/green]: {esc(len(plan.statements))} statement(s) executed", markup=True)
    rename_hints(result.renamed)


def pull(db: DbOpt = None, dialect: DialectOpt = None,
         output: Annotated[Path | None, Option(
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
