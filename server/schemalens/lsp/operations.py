"""What the commands do to the database, in a worker thread: push (all changes or the
chosen ones) and the SQL preview. The editor's text is what gets pushed, saved or not:
the user acts on what they see.

Questions to the user (data loss) come back to the event loop through `ask`, so the
thread waits for the answer while the loop keeps serving the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pathlib import Path

from schemalens.apply import ApplyError, apply
from schemalens.config import dialect_of_url
from schemalens.connect import sqlite_path
from schemalens.diff import diff
from schemalens.model import Schema
from schemalens.normalize import normalize_schema
from schemalens.changes import Change, Statement
from schemalens.lsp.analysis import NO_RENAMES, Snapshot, read_texts
from schemalens.lsp.database import Databases
from schemalens.render import RenderError, render
from schemalens.sources.sql import SourceError, parse_texts
from schemalens.workflows import (
    Plan,
    WorkflowError,
    affected_rows,
    current_schema,
    format_problem,
    has_migrations_table,
    make_plan,
    open_database,
)

Ask = Callable[[list[tuple[Change, int | None]]], bool]
Report = Callable[[int, int, Statement], None]


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    executed: bool = False
    refused: str | None = None
    failure: str | None = None


def plan_for(snapshot: Snapshot, db: object) -> Plan:
    try:
        texts = read_texts(snapshot.files, snapshot.overlays)
    except SourceError as e:
        raise WorkflowError(str(e)) from None
    source = parse_texts(list(texts.items()), snapshot.settings.dialect, current_schema(db))  # type: ignore[arg-type]
    errors = [p for p in source.problems if p.severity == "error"]
    if errors:
        raise WorkflowError("the schema files have errors: " + "; ".join(format_problem(p) for p in errors[:3]))
    return make_plan(snapshot.settings, db, NO_RENAMES, source)  # type: ignore[arg-type]


def select(plan: Plan, change_ids: list[str] | None) -> tuple[list[Change], list[Statement]]:
    """All changes, or the chosen ones (ids that no longer exist mean the database or the
    file moved since the user looked: refuse rather than guess)."""
    if not change_ids:
        return plan.changes, plan.statements
    wanted = set(change_ids)
    chosen = [c for c in plan.changes if c.id in wanted]
    missing = wanted - {c.id for c in chosen}
    if missing:
        raise WorkflowError(f"{len(missing)} of the chosen changes no longer apply (the file or the database "
                            "changed since): look at the diagnostics again")
    try:
        return chosen, render(chosen, plan.actual, plan.desired)
    except RenderError as e:
        raise WorkflowError(f"cannot write SQL for these changes: {e}") from None


def push(snapshot: Snapshot, databases: Databases, change_ids: list[str] | None, ask: Ask,
         report: Report) -> Outcome:
    settings = snapshot.settings
    with databases.use(settings) as entry, open_database(settings) as db:
        outcome = Outcome()
        try:
            plan = plan_for(snapshot, db)
            outcome.changes, outcome.statements = select(plan, change_ids)
            if not outcome.statements:
                return outcome
            if has_migrations_table(db):
                outcome.refused = ("this database's history is kept by migrations (schemalens_migrations): "
                                   "push would desync it; generate a migration and run it instead")
                return outcome
            losses = [c for c in outcome.changes if c.data_loss]
            if losses and not ask([(c, affected_rows(db, c)) for c in losses]):
                outcome.refused = "data loss not confirmed: nothing was executed"
                return outcome
            total = len(outcome.statements)
            apply(db, outcome.statements, settings.lock_timeout,
                  lambda i, statement: report(i, total, statement))
            outcome.executed = True
        except ApplyError as e:
            outcome.failure = f"{e} — everything was rolled back"
        finally:
            entry.forget()
        return outcome


def preview(snapshot: Snapshot, databases: Databases) -> Outcome:
    settings = snapshot.settings
    if _missing_sqlite(settings.database_url):  # no database yet: what push would create
        texts = read_texts(snapshot.files, snapshot.overlays)
        source = parse_texts(list(texts.items()), settings.dialect, "main")
        if source.has_errors:
            raise WorkflowError("the schema files have errors: fix them first")
        desired = normalize_schema(source.schema)
        empty = Schema(dialect=settings.dialect)
        changes = diff(empty, desired, NO_RENAMES)
        return Outcome(changes, render(changes, empty, desired))
    with databases.use(settings), open_database(settings, create=False) as db:
        plan = plan_for(snapshot, db)
        return Outcome(plan.changes, plan.statements)


def _missing_sqlite(url: str) -> bool:
    if dialect_of_url(url) != "sqlite":
        return False
    path = sqlite_path(url)
    return path != ":memory:" and not Path(path).exists()


def sql_script(outcome: Outcome, header: str) -> str:
    """The statements as a reviewable script, with each change's risks above its SQL."""
    by_id = {c.id: c for c in outcome.changes}
    lines = [header, ""]
    for statement in outcome.statements:
        for change_id in statement.change_ids:
            change = by_id.get(change_id)
            if change is not None and change.data_loss:
                lines.append(f"-- WARNING data loss: {change.data_loss}")
            if change is not None and change.lock:
                lines.append(f"-- WARNING lock: {change.lock}")
        sql = statement.sql.rstrip()
        lines.append(sql if sql.endswith(";") else sql + ";")
        lines.append("")
    if not outcome.statements:
        lines.append("-- nothing to do: the database matches the schema files")
    return "\n".join(lines)
