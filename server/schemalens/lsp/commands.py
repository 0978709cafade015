"""Server commands (`workspace/executeCommand`) with stable IDs, each taking one object
argument `{"uri": ..., "changeIds": [...]}`, so that any editor, the VS Code client and
the code actions call the same thing.

Push, generate and migrate report work-done progress, end with a message, and re-check
the project so that the diagnostics show the new state.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from lsprotocol import types as lsp
from pygls import uris

from schemalens import history
from schemalens.changes import Change, Statement, data_loss_line
from schemalens.config import ConfigError
from schemalens.urls import ConnectError, mask_url
from schemalens.lsp import operations
from schemalens.lsp.diagnostics import MigrationFailure
from schemalens.lsp.previews import preview_path
from schemalens.lsp.server import SchemalensServer
from schemalens.lsp.targets import Target
from schemalens.workflows import NO_RENAMES, WorkflowError

PUSH, GENERATE, MIGRATE = "schemalens.push", "schemalens.generate", "schemalens.migrate"
GENERATE_ALEMBIC = "schemalens.generateAlembic"
PREVIEW, STATUS, CHECK = "schemalens.previewSql", "schemalens.status", "schemalens.check"
STUDIO = "schemalens.studio"
CONFIRM, CANCEL = "Push and lose the data", "Cancel"


@attrs.define
class CommandArgs:
    uri: str
    change_ids: list[str] | None = None
    baseline: bool = False  # migrate: record the pending migrations as applied, run nothing
    forwarded_host: str | None = None  # studio: the editor's port-proxy host the page arrives under


class CommandError(Exception):
    """The command cannot run for this file; the message goes to the user."""


async def _target(ls: SchemalensServer, uri: str) -> Target:
    target = await ls.target(uri)
    if isinstance(target, ConfigError):
        raise CommandError(str(target))
    if target is None or target.kind != "schema":
        raise CommandError(f"{uri} is not a schema file of this project")
    return target


async def _in_thread(ls: SchemalensServer, fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(ls.thread_pool, fn, *args)


class _Progress:
    """Work-done progress when the client supports it; silently nothing otherwise."""

    def __init__(self, ls: SchemalensServer, title: str) -> None:
        self.ls = ls
        self.title = title
        self.token: str | None = None

    async def __aenter__(self) -> _Progress:
        window = self.ls.client_capabilities.window
        if window is not None and window.work_done_progress:
            token = f"schemalens-{uuid.uuid4()}"
            try:
                await self.ls.work_done_progress.create_async(token)
                self.ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title=self.title, percentage=0))
                self.token = token
            except Exception:  # a client that refuses progress still gets the work done
                self.token = None
        return self

    def report(self, message: str, percentage: int | None = None) -> None:
        if self.token is not None:
            self.ls.work_done_progress.report(self.token, lsp.WorkDoneProgressReport(
                message=message, percentage=percentage))

    def report_threadsafe(self, loop: asyncio.AbstractEventLoop, message: str, percentage: int | None) -> None:
        loop.call_soon_threadsafe(self.report, message, percentage)

    async def __aexit__(self, *exc: object) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, lsp.WorkDoneProgressEnd(message="done"))


async def _recheck(ls: SchemalensServer, target: Target) -> None:
    await ls.checks.request(target)


def _command(fn: Callable[[SchemalensServer, CommandArgs], Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Turn CommandError and WorkflowError into a message, not a crash."""
    async def run(ls: SchemalensServer, args: CommandArgs) -> Any:
        try:
            return await fn(ls, args)
        except (CommandError, WorkflowError) as e:
            ls.tell(f"schemalens: {e}", lsp.MessageType.Error)
            return {"ok": False, "message": str(e)}
    run.__name__ = fn.__name__
    run.__annotations__ = {"ls": SchemalensServer, "args": CommandArgs, "return": Any}
    return run


# --- push ---------------------------------------------------------------------------------


def _loss_question(losses: list[tuple[Change, int | None]]) -> str:
    lines = []
    for change, rows in losses:
        lines.append(f"- {data_loss_line(change, rows)}")
    return "These changes lose data:\n" + "\n".join(lines) + "\nPush them?"


@_command
async def push(ls: SchemalensServer, args: CommandArgs) -> Any:
    target = await _target(ls, args.uri)
    snapshot = ls.checks.snapshot(target)
    loop = asyncio.get_running_loop()

    def ask(losses: list[tuple[Change, int | None]]) -> bool:
        question = ls.window_show_message_request_async(lsp.ShowMessageRequestParams(
            type=lsp.MessageType.Warning, message=_loss_question(losses),
            actions=[lsp.MessageActionItem(title=CONFIRM), lsp.MessageActionItem(title=CANCEL)]))
        answer = asyncio.run_coroutine_threadsafe(_awaited(question), loop).result()
        return answer is not None and answer.title == CONFIRM

    async with _Progress(ls, "schemalens: push") as progress:
        def report(index: int, total: int, statement: Statement) -> None:
            first = statement.sql.strip().splitlines()[0][:80] if statement.sql.strip() else ""
            progress.report_threadsafe(loop, f"{index + 1}/{total}: {first}", int(100 * index / max(total, 1)))

        outcome = await _in_thread(ls, operations.push, snapshot, ls.databases, args.change_ids, ask, report)
    await _recheck(ls, target)
    where = mask_url(target.settings.database_url)
    if outcome.failure:
        ls.tell(f"schemalens: push failed: {outcome.failure}", lsp.MessageType.Error)
        return {"ok": False, "message": outcome.failure}
    if outcome.refused:
        ls.tell(f"schemalens: push refused: {outcome.refused}", lsp.MessageType.Warning)
        return {"ok": False, "message": outcome.refused}
    if not outcome.statements:
        message = f"nothing to push: {where} matches the schema"
    else:
        message = f"pushed {len(outcome.changes)} change(s) to {where} ({len(outcome.statements)} statement(s))"
    ls.tell(f"schemalens: {message}")
    return {"ok": True, "message": message, "changes": [c.id for c in outcome.changes]}


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


# --- preview ------------------------------------------------------------------------------


@_command
async def preview_sql(ls: SchemalensServer, args: CommandArgs) -> Any:
    """The SQL in a document the editor opens; a client that cannot open documents
    (`window/showDocument`) gets it as a message and in the log instead."""
    target = await _target(ls, args.uri)
    outcome = await _in_thread(ls, operations.preview, ls.checks.snapshot(target), ls.databases)
    header = f"-- SQL that push would run against {mask_url(target.settings.database_url)} (not executed)"
    sql = operations.sql_script(outcome, header)
    path = preview_path(target.path)
    path.write_text(sql, encoding="utf-8")
    uri = uris.from_fs_path(str(path)) or str(path)
    if _can_show_documents(ls):
        await ls.window_show_document_async(lsp.ShowDocumentParams(uri=uri, take_focus=True))
    else:
        ls.log(sql, lsp.MessageType.Info)
        ls.tell(f"schemalens: {len(outcome.statements)} statement(s) that push would run "
                f"(not executed; also in {path} and the log):\n\n{sql}")
    return {"ok": True, "sql": sql, "uri": uri}


def _can_show_documents(ls: SchemalensServer) -> bool:
    window = ls.client_capabilities.window
    return window is not None and window.show_document is not None and bool(window.show_document.support)


# --- check and status -----------------------------------------------------------------------


@_command
async def check(ls: SchemalensServer, args: CommandArgs) -> Any:
    target = await _target(ls, args.uri)
    result = await ls.checks.request(target)
    if result is None:  # superseded by a newer check: report that one
        result = ls.checks.latest_for(target.path)
    return _status(result)


@_command
async def status(ls: SchemalensServer, args: CommandArgs) -> Any:
    target = await _target(ls, args.uri)
    result = ls.checks.latest_for(target.path) or await ls.checks.request(target)
    return _status(result)


def _status(result: Any) -> dict[str, Any]:
    if result is None:
        return {"ok": False, "message": "no check has finished yet"}
    migrations = result.migrations
    return {
        "ok": True,
        "state": result.state,
        "database": mask_url(result.settings.database_url),
        "databaseState": result.database,
        "message": result.database_message,
        "changes": [{"id": c.id, "description": c.description, "dataLoss": c.data_loss, "lock": c.lock}
                    for c in result.changes],
        "pending": [e.tag for e in migrations.assessment.pending] if migrations and migrations.assessment else [],
        "ahead": len(migrations.ahead) if migrations else 0,
    }


# --- migrations ---------------------------------------------------------------------------------


@_command
async def generate(ls: SchemalensServer, args: CommandArgs) -> Any:
    result = await _generated(ls, args, history.generate, "schemalens: generate migration")
    if result.refused:
        ls.tell(f"schemalens: generate refused: {result.refused}", lsp.MessageType.Warning)
        return {"ok": False, "message": result.refused}
    if result.tag is None:
        ls.tell("schemalens: nothing to generate: the last migration matches the schema")
        return {"ok": True, "message": "nothing to generate", "files": []}
    note = f"; cannot be undone: {'; '.join(result.irreversible)}" if result.irreversible else ""
    ls.tell(f"schemalens: wrote migration {result.tag} ({len(result.changes)} change(s)){note}")
    return await _written(ls, result)


async def _generated(ls: SchemalensServer, args: CommandArgs, workflow: Callable[..., Any], title: str) -> Any:
    """Run a generate workflow on the editor's text (unsaved included), then check again."""
    target = await _target(ls, args.uri)
    async with _Progress(ls, title):
        overlays = ls.checks.snapshot(target).overlays
        result = await _in_thread(ls, functools.partial(workflow, target.settings, NO_RENAMES, overlays=overlays))
    await _recheck(ls, target)
    return result


async def _written(ls: SchemalensServer, result: Any) -> Any:
    """Open the file a generate wrote (where the editor can show documents), and say what it wrote."""
    if _can_show_documents(ls):
        first = result.files[0]
        await ls.window_show_document_async(lsp.ShowDocumentParams(uri=uris.from_fs_path(str(first)) or str(first)))
    return {"ok": True, "tag": result.tag, "files": [uris.from_fs_path(str(f)) for f in result.files]}


@_command
async def generate_alembic(ls: SchemalensServer, args: CommandArgs) -> Any:
    """An Alembic revision from the database at the head to the file's models."""
    result = await _generated(ls, args, history.generate_alembic, "schemalens: generate Alembic revision")
    if result.refused or result.unanswered:
        message = result.refused or "possible renames: state them with a `@renamed` comment first"
        ls.tell(f"schemalens: Alembic revision refused: {message}", lsp.MessageType.Warning)
        return {"ok": False, "message": message}
    if result.tag is None:
        ls.tell("schemalens: nothing to generate: the database at the Alembic head matches the schema")
        return {"ok": True, "message": "nothing to generate", "files": []}
    note = f"; its downgrade refuses: {'; '.join(result.irreversible)}" if result.irreversible else ""
    ls.tell(f"schemalens: wrote Alembic revision {result.tag} ({len(result.changes)} change(s)){note}: "
            "`alembic upgrade head` applies it")
    return await _written(ls, result)


@_command
async def migrate(ls: SchemalensServer, args: CommandArgs) -> Any:
    target = await ls.target(args.uri)
    if isinstance(target, ConfigError):
        raise CommandError(str(target))
    if target is None:
        raise CommandError(f"{args.uri} is not a file")
    loop = asyncio.get_running_loop()
    async with _Progress(ls, "schemalens: migrate") as progress:
        def report(tag: str, number: int, total: int, ms: int | None) -> None:
            if ms is None:
                progress.report_threadsafe(loop, f"{number}/{total}: {tag}", int(100 * (number - 1) / total))

        result = await _in_thread(ls, lambda: history.migrate(target.settings, progress=report,
                                                              baseline=args.baseline))
    ls.checks.migration_failures.clear()
    if result.failure is not None:
        failure = result.failure
        line, col = _failure_position(failure)
        ls.checks.migration_failures[str(failure.migration.path)] = MigrationFailure(
            str(failure.migration.path), line, col, failure.error.message)
    if target.kind == "schema":
        await _recheck(ls, target)
    else:
        await ls.checks.request_migrations(target)
    applied = ", ".join(tag for tag, _ in result.applied)
    if result.refused:
        ls.tell(f"schemalens: migrate refused: {result.refused}", lsp.MessageType.Warning)
        return {"ok": False, "message": result.refused, "applied": [t for t, _ in result.applied]}
    if result.failure is not None:
        message = f"migration failed at {result.failure.location}: {result.failure.error.message}"
        if applied:
            message += f" (applied before it: {applied})"
        ls.tell(f"schemalens: {message}", lsp.MessageType.Error)
        return {"ok": False, "message": message, "applied": [t for t, _ in result.applied]}
    if result.recorded:
        message = (f"recorded {len(result.recorded)} migration(s) as applied without running them: "
                   f"{', '.join(result.recorded)}")
    else:
        message = f"applied {len(result.applied)} migration(s): {applied}" if applied else "no pending migrations"
    ls.tell(f"schemalens: {message}")
    return {"ok": True, "message": message, "applied": [t for t, _ in result.applied]}


def _failure_position(failure: Any) -> tuple[int, int]:
    location = failure.location.rsplit(":", 2)
    try:
        return int(location[1]), int(location[2])
    except (IndexError, ValueError):
        return 1, 1


@_command
async def studio(ls: SchemalensServer, args: CommandArgs) -> Any:
    """The studio for the file's database, started on first use and kept for the session:
    returns its URL (with the per-launch token) for the editor to open."""
    target = await _target(ls, args.uri)
    url = target.settings.database_url
    running = ls.studios.get(url)
    if running is None:
        from schemalens.studio import StudioStartError, start_studio  # starlette and uvicorn: only when asked

        try:
            running = await _in_thread(ls, start_studio, target.settings)
        except (StudioStartError, ConnectError) as e:
            raise CommandError(f"cannot start the studio: {e}") from None
        ls.studios[url] = running
    if args.forwarded_host and running.studio is not None:
        running.studio.hosts.forwarded = args.forwarded_host
    return {"ok": True, "url": running.url, "message": f"studio for {mask_url(url)} at {running.base_url}"}


COMMANDS: dict[str, Callable[..., Any]] = {
    PUSH: push, GENERATE: generate, MIGRATE: migrate, PREVIEW: preview_sql, STATUS: status, CHECK: check,
    STUDIO: studio, GENERATE_ALEMBIC: generate_alembic,
}
