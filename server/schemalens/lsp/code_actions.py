"""Code actions: on the file (push, generate, migrate, preview), offered whenever they
apply, also when the request has no `only` filter; and quick fixes on a drift
diagnostic (push this change, update the file from the database, treat as a rename).

Actions come from the latest finished check of the file's project, never from a new
one: the editor asks for code actions on every cursor move and must get an instant
answer.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp
from pygls import uris

from schemalens.changes import Change
from schemalens.lsp import edits
from schemalens.lsp.analysis import CheckResult
from schemalens.history.alembic import INI
from schemalens.lsp.commands import GENERATE, GENERATE_ALEMBIC, MIGRATE, PREVIEW, PUSH
from schemalens.lsp.server import SchemalensServer
from schemalens.workflows import carried_along

KIND_PUSH = "source.schemalens.push"
KIND_GENERATE = "source.schemalens.generate"
KIND_GENERATE_ALEMBIC = "source.schemalens.generate.alembic"
KIND_MIGRATE = "source.schemalens.migrate"
KIND_PREVIEW = "source.schemalens.previewSql"

OPTIONS = lsp.CodeActionOptions(code_action_kinds=[
    lsp.CodeActionKind.QuickFix, KIND_PUSH, KIND_GENERATE, KIND_MIGRATE, KIND_PREVIEW])


def code_action(ls: SchemalensServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    path = uris.to_fs_path(uri)
    result = ls.checks.latest_for(path) if path else None
    if result is None:
        return []
    actions = file_actions(uri, result) + quick_fixes(uri, result, params.context.diagnostics)
    only = params.context.only
    if only:
        actions = [a for a in actions if any(_within(a.kind or "", str(k)) for k in only)]
    return actions


def _within(kind: str, wanted: str) -> bool:
    return kind == wanted or kind.startswith(wanted + ".")


def _command(title: str, command: str, uri: str, change_ids: list[str] | None = None) -> lsp.Command:
    argument: dict[str, Any] = {"uri": uri}
    if change_ids is not None:
        argument["changeIds"] = change_ids
    return lsp.Command(title=title, command=command, arguments=[argument])


def file_actions(uri: str, result: CheckResult) -> list[lsp.CodeAction]:
    actions = []
    pushable = result.database in ("ok", "no-database") and not result.parse_errors
    if pushable and result.changes:
        count = len(result.changes)
        title = f"Push schema to database ({count} change{'s' if count != 1 else ''})"
        if result.database == "no-database":
            title = f"Push schema to a new database ({count} change{'s' if count != 1 else ''})"
        actions.append(lsp.CodeAction(title=title, kind=KIND_PUSH, command=_command(title, PUSH, uri)))
    migrations = result.migrations
    if not result.parse_errors and (migrations.ahead if migrations else result.changes):
        title = "Generate migration"
        actions.append(lsp.CodeAction(title=title, kind=KIND_GENERATE, command=_command(title, GENERATE, uri)))
    if result.database == "ok" and not result.parse_errors and result.changes and (result.settings.project / INI).is_file():
        title = "Generate Alembic revision"
        actions.append(lsp.CodeAction(title=title, kind=KIND_GENERATE_ALEMBIC,
                                      command=_command(title, GENERATE_ALEMBIC, uri)))
    if migrations is not None and migrations.pending:
        title = f"Run pending migrations ({migrations.pending})"
        actions.append(lsp.CodeAction(title=title, kind=KIND_MIGRATE, command=_command(title, MIGRATE, uri)))
    if pushable and result.changes:
        title = "Preview SQL"
        actions.append(lsp.CodeAction(title=title, kind=KIND_PREVIEW, command=_command(title, PREVIEW, uri)))
    return actions


def quick_fixes(uri: str, result: CheckResult, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    by_id = {c.id: c for c in result.changes}
    actions: list[lsp.CodeAction] = []
    for diag in diagnostics:
        data = diag.data if isinstance(diag.data, dict) else {}
        if data.get("kind") != "drift":
            continue
        for change in (by_id[i] for i in data.get("changeIds", []) if i in by_id):
            actions += _fixes_for(uri, result, change, diag)
    return actions


def _fixes_for(uri: str, result: CheckResult, change: Change, diag: lsp.Diagnostic) -> list[lsp.CodeAction]:
    title = f"Push this change: {change.description}"
    together = (carried_along(result.changes, [change], result.actual, result.desired)
                if result.actual is not None and result.desired is not None else [change])
    if len(together) > 1:
        others = len(together) - 1
        title += f" (SQLite rebuilds {change.table}: with its {others} other change{'s' if others != 1 else ''})"
    if any(c.data_loss for c in together):
        title += " (data loss: asks first)"
    fixes = [lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                            command=_command(title, PUSH, uri, [change.id]))]
    update = edits.update_from_database(result, change)
    if update is not None:
        fixes.append(lsp.CodeAction(title="Update schema file from database", kind=lsp.CodeActionKind.QuickFix,
                                    diagnostics=[diag], edit=update))
    rename = edits.declare_rename(result, change)
    if rename is not None:
        old = rename[0]
        fixes.append(lsp.CodeAction(title=f"Treat as rename of {old}", kind=lsp.CodeActionKind.QuickFix,
                                    diagnostics=[diag], edit=rename[1], is_preferred=True))
    return fixes
