"""Code actions: on the file (push, generate, migrate, preview), offered whenever they
apply, also when the request has no `only` filter; and quick fixes on a drift
diagnostic (push this change, update the file from the database, treat as a rename),
with push, generate and preview offered there too, so that the lightbulb has them (a
client's lightbulb leaves out `source.*` actions).

Actions come from the latest check of the file's project while it read the editor's
text: the editor asks on every cursor move and must get an instant answer. After an
unsaved edit that check is stale (push acts on the unsaved text), so the project is
checked again first, once per edit.

On a database whose history migrations keep, push is refused: it is not offered there,
generate and migrate are.
"""

from __future__ import annotations

from typing import Any

import attrs
from lsprotocol import types as lsp
from pygls import uris

from schemalens.changes import Change
from schemalens.lsp import edits
from schemalens.lsp.analysis import CheckResult
from schemalens.history.alembic import INI
from schemalens.lsp.commands import GENERATE, GENERATE_ALEMBIC, MIGRATE, PREVIEW, PUSH
from schemalens.lsp.diagnostics import object_label
from schemalens.lsp.server import SchemalensServer
from schemalens.lsp.targets import Target
from schemalens.workflows import carried_along

KIND_PUSH = "source.schemalens.push"
KIND_GENERATE = "source.schemalens.generate"
KIND_GENERATE_ALEMBIC = "source.schemalens.generate.alembic"
KIND_MIGRATE = "source.schemalens.migrate"
KIND_PREVIEW = "source.schemalens.previewSql"
LIFTED = (KIND_PUSH, KIND_GENERATE, KIND_PREVIEW)  # also quick fixes on a drift diagnostic

OPTIONS = lsp.CodeActionOptions(code_action_kinds=[
    lsp.CodeActionKind.QuickFix, KIND_PUSH, KIND_GENERATE, KIND_MIGRATE, KIND_PREVIEW])


async def code_action(ls: SchemalensServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    path = uris.to_fs_path(uri)
    result = await current_result(ls, uri, path) if path else None
    if result is None:
        return []
    drift = [d for d in params.context.diagnostics if _data(d).get("kind") == "drift"]
    whole_file = file_actions(uri, result)
    lifted = [_as_quick_fix(a, drift) for a in whole_file if a.kind in LIFTED] if drift else []
    only = params.context.only
    if only:
        actions = [a for a in quick_fixes(uri, result, drift) + lifted + whole_file
                   if any(_within(a.kind or "", str(k)) for k in only)]
    else:  # a client that shows everything at once would list the lifted ones twice
        actions = quick_fixes(uri, result, drift) + lifted + [a for a in whole_file
                                                               if not (lifted and a.kind in LIFTED)]
    return actions


async def current_result(ls: SchemalensServer, uri: str, path: str) -> CheckResult | None:
    """The latest check, checked again when it did not read the editor's text of the
    project's open files (an unsaved edit since)."""
    result = ls.checks.latest_for(path)
    if result is not None and _read_the_editors_text(ls, result):
        return result
    target = await ls.target(uri)
    if not isinstance(target, Target) or target.kind != "schema":
        return result
    return await ls.checks.request(target) or ls.checks.latest_for(path)


def _read_the_editors_text(ls: SchemalensServer, result: CheckResult) -> bool:
    for path in result.snapshot.files:
        doc = ls.open_document(path)
        if doc is not None and result.texts.get(path) != doc.source:
            return False
    return True


def _data(diag: lsp.Diagnostic) -> dict[str, Any]:
    return diag.data if isinstance(diag.data, dict) else {}


def _within(kind: str, wanted: str) -> bool:
    return kind == wanted or kind.startswith(wanted + ".")


def _command(title: str, command: str, uri: str, change_ids: list[str] | None = None) -> lsp.Command:
    argument: dict[str, Any] = {"uri": uri}
    if change_ids is not None:
        argument["changeIds"] = change_ids
    return lsp.Command(title=title, command=command, arguments=[argument])


def _as_quick_fix(action: lsp.CodeAction, drift: list[lsp.Diagnostic]) -> lsp.CodeAction:
    return attrs.evolve(action, kind=lsp.CodeActionKind.QuickFix, diagnostics=drift)


def file_actions(uri: str, result: CheckResult) -> list[lsp.CodeAction]:
    actions = []
    pushable = result.database in ("ok", "no-database") and not result.parse_errors
    if pushable and result.changes and not result.kept_by_migrations:
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


def quick_fixes(uri: str, result: CheckResult, drift: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    by_id = {c.id: c for c in result.changes}
    actions: list[lsp.CodeAction] = []
    for diag in drift:
        for change in (by_id[i] for i in _data(diag).get("changeIds", []) if i in by_id):
            actions += _fixes_for(uri, result, change, diag)
    return actions


def _fixes_for(uri: str, result: CheckResult, change: Change, diag: lsp.Diagnostic) -> list[lsp.CodeAction]:
    fixes = [] if result.kept_by_migrations else [_push_one(uri, result, change, diag)]
    update = edits.update_from_database(result, change)
    if update is not None:
        fixes.append(lsp.CodeAction(title=_update_title(result, change), kind=lsp.CodeActionKind.QuickFix,
                                    diagnostics=[diag], edit=update))
    rename = edits.declare_rename(result, change)
    if rename is not None:
        old = rename[0]
        fixes.append(lsp.CodeAction(title=f"Treat as rename of {old}", kind=lsp.CodeActionKind.QuickFix,
                                    diagnostics=[diag], edit=rename[1], is_preferred=True))
    return fixes


def _push_one(uri: str, result: CheckResult, change: Change, diag: lsp.Diagnostic) -> lsp.CodeAction:
    title = f"Push this change: {change.description}"
    together = (carried_along(result.changes, [change], result.actual, result.desired)
                if result.actual is not None and result.desired is not None else [change])
    if len(together) > 1:
        others = len(together) - 1
        title += f" (SQLite rebuilds {change.table}: with its {others} other change{'s' if others != 1 else ''})"
    if any(c.data_loss for c in together):
        title += " (data loss: asks first)"
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                          command=_command(title, PUSH, uri, [change.id]))


def _update_title(result: CheckResult, change: Change) -> str:
    """Names the object (several fixes in one request must be told apart); a table the
    database lacks is deleted from the file, so the title says what still refers to it."""
    title = f"Update schema file from database: {object_label(change)}"
    if change.kind == "create_table" and result.desired is not None:
        title += " (deletes its CREATE TABLE"
        referrers = edits.references_to(result.desired, change.schema, change.name)
        if referrers:
            title += f"; still referenced by {', '.join(referrers)}"
        title += ")"
    return title
