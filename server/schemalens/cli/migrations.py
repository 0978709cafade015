"""Terminal commands of the production workflow: generate, migrate, status, rollback,
resolve, reset, rehash, drop, and the migrations gate
that `check` runs when a migrations folder exists.

Exit codes are an interface. migrate / rollback / reset: 0 done or nothing to do,
1 refused (integrity, relation exists, wrong dialect, irreversible), 2 usage or
connection error, 3 a migration failed and was rolled back. status: 0 clean, 1 pending,
2 error, 4 integrity problem. check with migrations: 2 error, 5 integrity, 3 schema
ahead of the migrations, 4 pending, 1 drift, 0 in step.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import enum

from schemalens.cli.options import Option
from schemalens.cli.output import (
    DbOpt,
    DialectOpt,
    JsonOpt,
    MigrationsOpt,
    RenameOpt,
    SchemaOpt,
    change_table,
    check_json,
    err,
    esc,
    json_mode,
    masked,
    out,
    print_json,
    rel,
    renames_from,
    run,
    settings_from,
)
from schemalens.cli.prompts import Session, confirm, print_blockers, refuse_renames, rename_hints
from schemalens.config import Settings


class Format(str, enum.Enum):
    schemalens = "schemalens"
    alembic = "alembic"


def generate(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None,
             migrations: MigrationsOpt = None, rename: RenameOpt = None,
             name: Annotated[str | None, Option(
                 "--name", metavar="NAME", help="What the migration does (file name).")] = None,
             custom: Annotated[bool, Option("--custom", help="An empty migration for hand-written SQL.")] = False,
             online: Annotated[bool | None, Option("--online/--no-online", help="Build indexes on existing tables CONCURRENTLY (default: on, or the `online` setting).", show_default=False)] = None,
             no_renames: Annotated[bool, Option(
                 "--no-renames", help="The possible renames (a drop and an add of the same shape) are not "
                                      "renames: write them as drop + add without asking.")] = False,
             fmt: Annotated[Format, Option(
                 "--format", metavar="schemalens|alembic",
                 help="schemalens: the migrations folder; alembic: a revision in alembic.ini's versions folder, "
                      "from the database at the head to the schema files.")] = Format.schemalens,
             ) -> None:
    """Diff the schema files against the last migration snapshot and write the next migration (--format alembic: against the database at the Alembic head, into its versions folder)."""
    from schemalens import dialects, history

    settings = settings_from(db, schema, dialect, migrations, online)
    session = Session()
    alembic = fmt is Format.alembic
    if alembic and custom:
        err.print("[red]error[/red]: --custom writes a schemalens migration; for Alembic, `alembic revision`", markup=True)
        raise SystemExit(2)
    with session.working("comparing with the database at the Alembic head..." if alembic
                         else "comparing with the last migration..."):
        if alembic:
            result = run(history.generate_alembic, settings, renames_from(rename, settings), name=name,
                         ask_renames=session.ask_renames(no_renames))
        else:
            result = run(history.generate, settings, renames_from(rename, settings), name=name, custom=custom,
                         ask_renames=session.ask_renames(no_renames))
    if result.unanswered:
        refuse_renames(result.unanswered, "generate", dialects.get(settings.dialect).default_schema,
                       "nothing was written")
        raise SystemExit(2)
    if result.refused:
        err.print(f"[red]refused[/red]: {esc(result.refused)}", markup=True)
        raise SystemExit(1)
    if result.tag is None:
        against = "the database at the Alembic head" if alembic else "the last migration"
        out.print(f"[green]nothing to generate[/green]: the schema files match {against}", markup=True)
        raise SystemExit(0)
    if result.changes:
        out.print(change_table(result.changes))
    print_blockers(result.warnings)
    for path in result.files:
        out.print(f"wrote {rel(path)}", markup=False)
    for reason in [] if custom else result.irreversible:
        err.print(f"[yellow]the down migration cannot undo: {esc(reason)}[/yellow]", markup=True)
    rename_hints(result.renamed)
    if custom:
        out.print(f"write your SQL in {rel(result.files[0])}, then run `schemalens rehash`", markup=False)
    elif alembic:
        out.print(f"revision {result.tag}: review it, commit it, and apply it with `alembic upgrade head`",
                  markup=False)
    else:
        out.print("review it, commit it, and apply it with `schemalens migrate`", markup=False)


def _progress(interactive: bool, status: Any) -> Any:
    def progress(tag: str, number: int, total: int, ms: int | None) -> None:
        if ms is None:
            if interactive:
                status.update(f"applying {tag} ({number}/{total})...")
            else:
                err.print(f"applying {tag} ({number}/{total})", markup=False)
        else:
            (out if interactive else err).print(f"applied {tag} in {ms} ms", markup=False)
    return progress


class _Quiet:
    def update(self, text: str) -> None:
        pass

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _print_failure(failure: Any, done: list[tuple[str, int]]) -> None:
    err.print(f"[red]failed, rolled back[/red]: {esc(failure.migration.tag)}", markup=True)
    location = failure.location.replace(str(failure.migration.path), rel(failure.migration.path), 1)
    err.print(f"  {location}: {failure.error.message}", markup=False)
    if failure.error.piece is not None:
        err.print(f"  while running: {failure.error.piece.sql}", markup=False)
    if failure.partial:
        lines = ", ".join(str(p.line) for p in failure.partial)
        err.print(f"  [yellow]these statements had already committed and stay (line {lines}): they ran "
                  "outside a transaction; make them safe to repeat (IF NOT EXISTS) before rerunning[/yellow]",
                  markup=True)
    else:
        err.print("  nothing of this migration remains in the database", markup=False)
    if done:
        err.print(f"  applied before it in this run, and kept: {', '.join(tag for tag, _ in done)}", markup=False)


def migrate(db: DbOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None,
            out_of_order: Annotated[bool, Option(
                "--out-of-order", help="Also apply pending migrations that sort before applied ones.")] = False,
            dry_run: Annotated[bool, Option(
                "--dry-run", help="Run the pending migrations in a transaction and roll it back.")] = False,
            backup: Annotated[Path | None, Option(
                "--backup", metavar="FILE",
                help="Write a backup to this file first (pg_dump / SQLite backup); stop if it fails.")
            ] = None,
            baseline: Annotated[bool, Option(
                "--baseline", help="Record every pending migration as applied without running it, "
                                   "after checking the database matches them.")] = False,
            as_json: JsonOpt = False) -> None:
    """Apply pending migrations in order, each in one transaction, each exactly once."""
    from schemalens import history

    json_mode(as_json)
    settings = settings_from(db, None, dialect, migrations)
    interactive = sys.stderr.isatty() and not as_json
    with (err.status("waiting for the migration lock...") if interactive else _Quiet()) as status:
        def on_wait() -> None:
            if not interactive:
                err.print("another migrate holds the lock on this database: waiting", markup=False)
        result = run(history.migrate, settings, writes=True, out_of_order=out_of_order, dry_run=dry_run, backup=backup,
                      baseline=baseline, progress=_progress(interactive, status), on_wait=on_wait)
    if as_json:
        print_json(_migrate_json(result))
        raise SystemExit(result.exit_code)
    if result.refused:
        err.print(f"[red]refused[/red] ({esc(result.database)}):", markup=True)
        err.print(result.refused, markup=False)
        raise SystemExit(1)
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    if result.failure:
        if dry_run:
            err.print(f"[red]dry run: would fail[/red]: {esc(result.failure.location)}: {esc(result.failure.error.message)}",
                      markup=True)
        else:
            _print_failure(result.failure, result.applied)
        raise SystemExit(3)
    if result.backup:
        out.print(f"backup written to {rel(result.backup)}", markup=False)
    if baseline:
        message = (f"recorded as applied (not run): {', '.join(result.recorded)}" if result.recorded
                   else "nothing to record: every migration is applied")
        out.print(message, markup=False)
    elif dry_run:
        names = ", ".join(tag for tag, _ in result.applied)
        out.print(f"[green]dry run ok[/green]: {esc(names or 'nothing pending')}; nothing was kept", markup=True)
    elif result.applied:
        out.print(f"[green]done[/green]: applied {esc(len(result.applied))} migration(s) to {esc(result.database)}", markup=True)
    else:
        out.print(f"[green]nothing to do[/green]: {esc(result.database)} is up to date", markup=True)


def _migrate_json(result: Any) -> dict[str, Any]:
    failure = result.failure
    return {"exit_code": result.exit_code, "database": result.database, "dry_run": result.dry_run,
            "applied": [{"name": tag, "execution_ms": ms} for tag, ms in result.applied],
            "recorded": result.recorded, "refused": result.refused,
            "failure": None if failure is None else {
                "migration": failure.migration.tag, "location": failure.location, "message": failure.error.message,
                "statement": failure.error.piece.sql if failure.error.piece else None,
                "kept_lines": [p.line for p in failure.partial]},
            "notes": result.notes, "backup": str(result.backup) if result.backup else None}


_COLOR = {"applied": "green", "pending": "yellow", "edited": "red", "missing": "red", "out-of-order": "red",
          "modified": "red", "unjournaled": "red"}


def status(db: DbOpt = None, schema: SchemaOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None,
           as_json: JsonOpt = False) -> None:
    """Every migration: applied, pending, edited, missing or out of order; beside an
    alembic.ini, the Alembic revision the database is at and whether the models are ahead.
    Exit 0 clean, 1 pending, 2 error, 4 integrity problem."""
    from schemalens import history

    json_mode(as_json)
    settings = settings_from(db, schema, dialect, migrations)
    result = run(history.status, settings)
    if as_json:
        found: dict[str, Any] = {"exit_code": result.exit_code, "database": result.database}
        if result.assessment is not None:
            found |= _assessment_json(result.assessment)
        found["alembic"] = None if result.alembic is None else {
            "ini": str(result.alembic.ini), "versions": str(result.alembic.versions), "heads": result.alembic.heads,
            "current": result.alembic.current, "behind": result.alembic.behind,
            "models_ahead": result.alembic.models_ahead, "detail": result.alembic.detail or None}
        print_json(found)
        raise SystemExit(result.exit_code)
    if result.assessment is not None:
        _print_assessment(result.assessment, result.database, settings)
    if result.alembic is not None:
        _print_alembic(result.alembic, result.database)
    raise SystemExit(result.exit_code)


def _assessment_json(assessment: Any) -> dict[str, Any]:
    return {"pending": [e.tag for e in assessment.pending], "problems": assessment.problems, "migrations": [
        {"name": s.tag, "idx": s.idx, "state": s.state,
         "applied_at": s.applied.applied_at if s.applied else None,
         "execution_ms": s.applied.execution_ms if s.applied else None,
         "method": s.applied.method if s.applied else None, "detail": s.detail or None} for s in assessment.states]}


def _print_assessment(assessment: Any, database: str, settings: Settings) -> None:
    from rich.table import Table as RichTable

    table = RichTable(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("migration", "state", "applied at", "ms"):
        table.add_column(column)
    for s in assessment.states:
        color = _COLOR.get(s.state, "white")
        applied = s.applied
        table.add_row(esc(s.tag), f"[{color}]{s.state}[/{color}]", applied.applied_at if applied else "",
                      f"{applied.execution_ms}" + ("" if applied.method == "applied" else f" ({applied.method})")
                      if applied else "")
    out.print(f"{database}, {rel(settings.migrations)}:", markup=False)
    out.print(table)
    for problem in assessment.problems:
        err.print(f"[red]problem[/red]: {esc(problem)}", markup=True)
    pending = len(assessment.pending)
    out.print(f"{pending} pending" if pending else "up to date", markup=False)


def _print_alembic(state: Any, database: str) -> None:
    at = ", ".join(state.current) or "no revision (alembic_version is empty or absent)"
    heads = ", ".join(state.heads) or "no revisions"
    out.print(f"{database}, Alembic ({rel(state.versions)}): at {at}; head {heads}", markup=False)
    if state.behind:
        out.print(f"{len(state.behind)} revision(s) not applied: {', '.join(state.behind)} (`alembic upgrade head`)",
                  markup=False)
    if state.models_ahead:
        out.print(f"the models are ahead of the database: {state.models_ahead} change(s) "
                  "(`schemalens generate --format alembic --name ...`)", markup=False)
    elif state.models_ahead == 0:
        out.print("the models match the database", markup=False)
    elif state.detail:
        out.print(f"models vs database: not compared ({state.detail})", markup=False)


def rollback(db: DbOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None) -> None:
    """Undo the last applied migration with its down file (refused when irreversible)."""
    from schemalens import history

    settings = settings_from(db, None, dialect, migrations)
    result = run(history.rollback, settings, writes=True)
    if result.refused:
        err.print(f"[red]refused[/red]: {esc(result.refused)}", markup=True)
        raise SystemExit(1)
    if result.failure:
        _print_failure(result.failure, [])
        raise SystemExit(3)
    out.print(f"[green]rolled back[/green] {esc(result.rolled_back)} in {esc(result.database)}", markup=True)


def resolve(db: DbOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None,
            applied: Annotated[str | None, Option(
                "--applied", metavar="MIGRATION", help="Record this migration as applied without running it "
                                  "(after checking the database matches it).")] = None,
            rolled_back: Annotated[str | None, Option(
                "--rolled-back", metavar="MIGRATION",
                help="Forget this migration's record (it was undone by hand).")] = None) -> None:
    """Fix the record of applied migrations by hand (adopting a database, manual fixes)."""
    from schemalens import history

    settings = settings_from(db, None, dialect, migrations)
    result = run(history.resolve, settings, writes=True, applied=applied, rolled_back=rolled_back)
    if result.refused:
        err.print(f"[red]refused[/red]: {esc(result.refused)}", markup=True)
        raise SystemExit(1)
    out.print(result.done, markup=False)


def reset(db: DbOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None,
          force: Annotated[bool, Option("--force", help="Really wipe the database (no question).")] = False
          ) -> None:
    """Development: drop every managed object and its data, then run every migration."""
    from schemalens import history

    settings = settings_from(db, None, dialect, migrations)
    session = Session()
    if not force and session.asks:
        force = session.confirm(f"Reset {masked(settings)}: drop every table, type and sequence schemalens "
                                "manages there, and all their data, then apply every migration?", "")
        if not force:
            err.print("[red]refused[/red]: nothing was dropped", markup=True)
            raise SystemExit(1)
    with (err.status("resetting...") if session.draws else _Quiet()) as status:
        result = run(history.reset, settings, writes=True, force=force, progress=_progress(session.draws, status))
    if result.refused:
        err.print(f"[red]refused[/red]: {esc(result.refused)}", markup=True)
        raise SystemExit(1)
    if result.failure:
        err.print(f"[red]failed[/red]: {esc(result.failure)}", markup=True)
        raise SystemExit(3)
    migrated = result.migrate
    if migrated and migrated.refused:
        err.print(f"[red]refused[/red]: {esc(migrated.refused)}", markup=True)
        raise SystemExit(1)
    if migrated and migrated.failure:
        _print_failure(migrated.failure, migrated.applied)
        raise SystemExit(3)
    count = len(migrated.applied) if migrated else 0
    out.print(f"[green]reset[/green] {esc(result.database)}: dropped {esc(result.dropped)} object(s), "
              f"applied {esc(count)} migration(s)", markup=True)


def rehash(migrations: MigrationsOpt = None, dialect: DialectOpt = None, db: DbOpt = None) -> None:
    """Record the new checksums of pending migrations you edited on purpose."""
    from schemalens import history

    settings = settings_from(db, None, dialect, migrations)
    changed = run(history.rehash, settings)
    if changed:
        out.print(f"re-recorded: {', '.join(changed)}", markup=False)
    else:
        out.print("nothing changed: the journal matches the files", markup=False)


def migrations_gate(settings: Settings, renames: Any, as_json: bool) -> None:
    """`check` when a migrations folder exists: one line per gate, exit with the gate's code."""
    from schemalens import history

    result = run(history.check_migrations, settings, renames)
    if as_json:
        print_json(check_json(result.exit_code, result.lines, result.changes, result.statements,
                              result.problems, result.findings))
    else:
        for gate, ok, detail in result.lines:
            mark = "[green]ok[/green]  " if ok else "[red]FAIL[/red]"
            out.print(f"{mark} {esc(gate)}: ", markup=True, end="")
            out.print(detail, markup=False)
    raise SystemExit(result.exit_code)


def drop(db: DbOpt = None, dialect: DialectOpt = None, migrations: MigrationsOpt = None,
         yes: Annotated[bool, Option("--yes", "-y", help="Drop without asking (needed when not a terminal).")
                        ] = False,
         force: Annotated[bool, Option(
             "--force", help="Drop even when the database cannot be read to see whether it is applied.")] = False,
         ) -> None:
    """Discard the last migration (files, snapshot, journal entry) when no database has it applied.

    Exit codes: 0 dropped, 1 not confirmed, 2 refused (applied, database unreadable, not a
    terminal without --yes) or usage error; nothing changes unless it exits 0."""
    from schemalens import history

    settings = settings_from(db, None, dialect, migrations)
    interactive = sys.stdin.isatty()

    def confirm_drop(plan: Any) -> bool:
        err.print(plan.checked, markup=False)
        if plan.risk:
            err.print(f"[yellow]--force: {esc(plan.risk)}[/yellow]", markup=True)
        err.print(f"dropping {plan.tag}, which removes:", markup=False)
        for path in plan.files:
            err.print(f"  {rel(path)}", markup=False)
        err.print(f"  and its entry in {rel(plan.journal)}", markup=False)
        if yes or not interactive:
            return yes
        return confirm(f"Drop {plan.tag}?")

    result = run(history.drop, settings, force=force, confirm=confirm_drop)
    refused = result.refused or (None if result.dropped or yes or interactive
                                 else "not a terminal: rerun with --yes to drop it; nothing was dropped")
    if refused:
        err.print(f"[red]refused[/red]: {esc(refused)}", markup=True)
        raise SystemExit(2)
    if not result.dropped:
        err.print("not confirmed: nothing was dropped", markup=False)
        raise SystemExit(1)
    out.print(f"dropped {result.tag}", markup=False)


COMMANDS = {"generate": generate, "migrate": migrate, "status": status, "rollback": rollback,
            "resolve": resolve, "reset": reset, "rehash": rehash, "drop": drop}
