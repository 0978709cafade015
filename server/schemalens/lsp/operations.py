"""What the commands do to the database, in a worker thread: push (all changes or the
chosen ones) and the SQL preview. The editor's text is what gets pushed, saved or not:
the user acts on what they see.

Questions to the user (data loss) come back to the event loop through `ask`, so the
thread waits for the answer while the loop keeps serving the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


from schemalens import dialects, workflows
from schemalens.changes import Change, Statement
from schemalens.lsp.analysis import Snapshot, read_texts
from schemalens.lsp.database import Databases
from schemalens.workflows import NO_RENAMES, WorkflowError, open_database

Ask = Callable[[list[tuple[Change, int | None]]], bool]
Report = Callable[[int, int, Statement], None]


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    executed: bool = False
    refused: str | None = None
    failure: str | None = None


def push(snapshot: Snapshot, databases: Databases, change_ids: list[str] | None, ask: Ask,
         report: Report) -> Outcome:
    """The editor's push: the editor's text, the chosen changes, no force (a database kept
    by migrations is refused, data loss asks)."""
    with databases.use(snapshot.settings) as entry:
        try:
            result = workflows.push(snapshot.settings, NO_RENAMES, confirm=ask, progress=report,
                                    overlays=snapshot.overlays, change_ids=change_ids)
        finally:
            entry.forget()
    failure = f"{result.failure} — everything was rolled back" if result.failure else None
    return Outcome(result.changes, result.statements, result.executed, result.refused, failure)


def preview(snapshot: Snapshot, databases: Databases) -> Outcome:
    settings = snapshot.settings
    if dialects.get(settings.dialect).missing_database(settings.database_url):  # what push would create
        texts = read_texts(snapshot.files, snapshot.overlays)
        source = workflows.parse(list(texts.items()), settings.dialect, dialects.get(settings.dialect).default_schema,
                                 settings.models_timeout)
        if source.has_errors:
            raise WorkflowError("the schema files have errors: fix them first")
        return Outcome(*workflows.creation(workflows.desired_of(source).schema))
    with databases.use(settings), open_database(settings, create=False) as db:
        plan = workflows.make_plan(settings, db, NO_RENAMES, snapshot.overlays)
        return Outcome(plan.changes, plan.statements)


def sql_script(outcome: Outcome, header: str) -> str:
    return f"{header}\n\n{workflows.annotated_sql(outcome.changes, outcome.statements)}\n"
