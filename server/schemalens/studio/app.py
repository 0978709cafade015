"""The studio's HTTP API and page. Every page view has a JSON twin under /api/, so the CLI
and the language server can use what the browser uses.

GET never changes anything; writes are JSON POSTs (the Guard checks their origin). Each
request borrows one connection from the pool for its whole duration.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from schemalens.changes import Change
from schemalens.config import Settings
from schemalens.connect import Database
from schemalens.urls import mask_text, mask_url
from schemalens.workflows import NO_RENAMES, affected_rows, check
from schemalens.studio import console, rows
from schemalens.studio.catalog import Catalog, UnknownObject, table_json
from schemalens.studio.pool import Pool
from schemalens.studio.rows import Filter, StudioError, View
from schemalens.studio.security import Guard, Hosts, Secrets, cookie_name

STATIC = Path(__file__).parent / "static"
MAX_BODY = 1 << 20
DRIFT_TTL_S = 5.0


class Studio:
    """Per-launch state: the pool to the one configured database, caches and secrets."""

    def __init__(self, url: str, *, port: int, read_only: bool = False, settings: Settings | None = None,
                 secrets_: Secrets | None = None) -> None:
        self.url = url
        self.port = port
        self.read_only = read_only
        self.settings = settings
        self.secrets = secrets_ or Secrets()
        self.hosts = Hosts(port)  # the editor that started it may add its port proxy's host
        self.pool = Pool(url, read_only=read_only)
        self.catalog = Catalog()
        self._drift: tuple[float, dict[str, Any]] | None = None
        self._drift_lock = threading.Lock()

    def close(self) -> None:
        self.pool.close()

    # -- running work against the database ---------------------------------------------

    def call(self, work: Callable[[Database], Any], *, fresh: bool = False) -> Response:
        """Run `work` on a pooled connection (`fresh`: on one of its own, closed afterwards);
        every failure becomes a JSON answer."""
        try:
            with self.pool.fresh() if fresh else self.pool.connection() as db:
                try:
                    result = work(db)
                except (sqlite3.Error, _psycopg_error()) as e:
                    raise rows.refused(db, e) from None
        except StudioError as e:
            return JSONResponse(e.payload, status_code=e.status)
        except UnknownObject as e:
            return JSONResponse({"error": str(e)}, status_code=404)
        except Exception as e:  # connection lost, pool exhausted, introspection failure
            return JSONResponse({"error": mask_text(str(e) or type(e).__name__, self.url)}, status_code=503)
        return result if isinstance(result, Response) else JSONResponse(result)

    def drift(self) -> dict[str, Any]:
        with self._drift_lock:
            if self._drift and time.monotonic() - self._drift[0] < DRIFT_TTL_S:
                return self._drift[1]
            result = drift_badges(self.settings, self._rows_lost)
            self._drift = (time.monotonic(), result)
            return result

    def _rows_lost(self, change: Change) -> int | None:
        """The rows a data-loss change destroys (a courtesy: None when they cannot be counted)."""
        try:
            with self.pool.connection() as db:
                return affected_rows(db, change)
        except Exception:  # pool exhausted, connection lost: the badge goes on without a count
            return None


def _psycopg_error() -> type[Exception]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return sqlite3.Error
    return psycopg.Error


def drift_badges(settings: Settings | None, rows_lost: Callable[[Change], int | None]) -> dict[str, Any]:
    """What `check` would report, per table, with the rows each data-loss change destroys.
    Never raises: no files or a broken engine piece is a message on the page, not a crash."""
    if settings is None:
        return {"configured": False, "message": "no schema files configured", "changes": []}
    files = [p for p in settings.schema if p.exists()]
    if not files:
        names = ", ".join(str(p) for p in settings.schema)
        return {"configured": False, "message": f"no schema files configured ({names} not found)", "changes": []}
    try:
        plan = check(settings, NO_RENAMES)
    except Exception as e:  # parse errors, an unreachable database
        return {"configured": True, "error": mask_text(str(e) or type(e).__name__, settings.database_url),
                "changes": []}
    return {"configured": True, "changes": [
        {"schema": c.schema, "table": owner_table(c), "name": c.name, "kind": c.kind,
         "description": c.description, "data_loss": c.data_loss,
         "rows": rows_lost(c) if c.data_loss else None} for c in plan.changes]}


def owner_table(change: Change) -> str | None:
    """The table a change is about: its own name for a whole-table change (which carries no
    `table`), so the table push would drop is not shown "in sync"."""
    if change.table is None and change.kind.endswith("_table"):
        return change.name
    return change.table


# --- request parsing -------------------------------------------------------------------------

def _param(request: Request, name: str, default: str | None = None) -> str:
    value = request.query_params.get(name, default)
    if value is None:
        raise StudioError(f"missing query parameter {name!r}")
    return value


def _json_param(request: Request, name: str, default: Any) -> Any:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return json.loads(raw)
    except ValueError:
        raise StudioError(f"query parameter {name!r} is not valid JSON") from None


def _filters(raw: Any) -> tuple[Filter, ...]:
    if not isinstance(raw, list):
        raise StudioError("filters must be a list of {column, op, value}")
    out = []
    for f in raw:
        if not isinstance(f, dict) or not isinstance(f.get("column"), str) or not isinstance(f.get("op"), str):
            raise StudioError("each filter needs a column and an op")
        value = f.get("value")
        if value is not None and not isinstance(value, (str, int, float)):
            raise StudioError("a filter value must be text")
        out.append(Filter(f["column"], f["op"], None if value is None else str(value)))
    return tuple(out)


def _view(request: Request) -> View:
    sort = request.query_params.get("sort") or None
    desc = request.query_params.get("desc", "") in ("1", "true")
    return View(sort, desc, _filters(_json_param(request, "filters", [])))


def _limit(request: Request) -> int:
    try:
        limit = int(request.query_params.get("limit", "100"))
    except ValueError:
        raise StudioError("limit must be a number") from None
    return max(1, min(limit, rows.PAGE_LIMIT_MAX))


async def _body(request: Request) -> dict[str, Any]:
    data = await request.body()
    if len(data) > MAX_BODY:
        raise StudioError("request body too large")
    try:
        body = json.loads(data)
    except ValueError:
        raise StudioError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise StudioError("the body must be a JSON object")
    return body


def _name(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise StudioError(f"{key} must be a string")
    return value


# --- the application ------------------------------------------------------------------------

def create_app(studio: Studio) -> Starlette:
    def index(request: Request) -> Response:
        response = FileResponse(STATIC / "index.html", media_type="text/html")
        if studio.secrets.token_ok(request.query_params.get("token")):
            response.set_cookie(cookie_name(studio.port), studio.secrets.session, httponly=True,
                                samesite="strict", path="/")
        return response

    def info(request: Request) -> Response:
        return JSONResponse({"dialect": studio.pool.dialect, "database": mask_url(studio.url),
                             "read_only": studio.read_only})

    def tables(request: Request) -> Response:
        if request.query_params.get("refresh"):
            studio.catalog.invalidate()  # only a cache: GET still changes nothing
        return studio.call(lambda db: {"tables": [
            {"schema": e.schema, "name": e.name, "rows": e.rows, "exact": e.exact}
            for e in studio.catalog.entries(db)]})

    def table_of(db: Database, request: Request) -> Any:
        return studio.catalog.table(db, _param(request, "schema"), _param(request, "table"))

    def table(request: Request) -> Response:
        return studio.call(lambda db: table_json(db, studio.catalog, table_of(db, request), studio.read_only))

    def page(request: Request) -> Response:
        return studio.call(lambda db: rows.page(db, table_of(db, request), _view(request),
                                                request.query_params.get("after") or None, _limit(request)))

    def row(request: Request) -> Response:
        def work(db: Database) -> Any:
            found = rows.full_row(db, table_of(db, request), _json_param(request, "key", None))
            if found is None:
                return JSONResponse({"error": "no such row (deleted meanwhile?)"}, status_code=404)
            return {"row": found}
        return studio.call(work)

    def count(request: Request) -> Response:
        return studio.call(lambda db: {"count": rows.count(db, table_of(db, request),
                                                           list(_view(request).filters))})

    def export(request: Request) -> Response:
        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "json"):
            return JSONResponse({"error": "format must be csv or json"}, status_code=400)
        with studio.pool.connection() as db:  # fail before streaming: a bad table or filter is a 4xx
            try:
                target = table_of(db, request)
                view = _view(request)
                rows.where_filters(db, target, list(view.filters))
            except StudioError as e:
                return JSONResponse(e.payload, status_code=e.status)
            except UnknownObject as e:
                return JSONResponse({"error": str(e)}, status_code=404)
        body = _export_lines(studio, target, view, fmt)
        return StreamingResponse(body, media_type="text/csv" if fmt == "csv" else "application/json",
                                 headers={"content-disposition": attachment(f"{target.name}.{fmt}")})

    def drift(request: Request) -> Response:
        return JSONResponse(studio.drift())

    def row_write(act: Callable[[Database, Any, dict[str, Any]], Any]) -> Callable[[Request], Awaitable[Response]]:
        """A JSON POST that changes rows of one table named in the body."""
        async def endpoint(request: Request) -> Response:
            try:
                body = await _body(request)
            except StudioError as e:
                return JSONResponse(e.payload, status_code=e.status)

            def work(db: Database) -> Any:
                return act(db, studio.catalog.table(db, _name(body, "schema"), _name(body, "table")), body)
            return await run_in_threadpool(studio.call, work)
        return endpoint

    update = row_write(lambda db, target, body: {"row": rows.update_cell(
        db, target, studio.read_only, body.get("key"), _name(body, "column"), body.get("expected"),
        body.get("value"))})
    insert = row_write(lambda db, target, body: {"row": rows.insert_row(
        db, target, studio.read_only, body.get("values", {}))})
    delete = row_write(lambda db, target, body: {"deleted": rows.delete_rows(
        db, target, studio.read_only, body.get("rows"))})

    async def sql(request: Request) -> Response:
        try:
            body = await _body(request)
        except StudioError as e:
            return JSONResponse(e.payload, status_code=e.status)

        def work(db: Database) -> Any:
            result = console.run_sql(db, body.get("sql"), body.get("confirm", False), studio.read_only)
            if result["wrote"]:
                studio.catalog.invalidate()
            return result
        return await run_in_threadpool(lambda: studio.call(work, fresh=True))

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/api/info", info, methods=["GET"]),
        Route("/api/tables", tables, methods=["GET"]),
        Route("/api/table", table, methods=["GET"]),
        Route("/api/rows", page, methods=["GET"]),
        Route("/api/row", row, methods=["GET"]),
        Route("/api/count", count, methods=["GET"]),
        Route("/api/export", export, methods=["GET"]),
        Route("/api/drift", drift, methods=["GET"]),
        Route("/api/update", update, methods=["POST"]),
        Route("/api/insert", insert, methods=["POST"]),
        Route("/api/delete", delete, methods=["POST"]),
        Route("/api/sql", sql, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[
        Middleware(Guard, secrets_=studio.secrets, hosts=studio.hosts)])


def attachment(filename: str) -> str:
    """A download's Content-Disposition for any table name: header values are Latin-1 without
    control characters, so the name goes percent-encoded (RFC 6266 `filename*`), with a plain
    ASCII fallback for old clients."""
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\%' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _export_lines(studio: Studio, target: Any, view: View, fmt: str) -> Iterator[str]:
    names = [c.name for c in target.columns]
    with studio.pool.connection() as db:
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(names)
            for values in rows.stream(db, target, view):
                writer.writerow(["" if v is None else v for v in values])
                if buffer.tell() > 65536:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
            return
        yield "["
        first = True
        for values in rows.stream(db, target, view):
            yield ("" if first else ",") + "\n" + json.dumps(dict(zip(names, values, strict=True)))
            first = False
        yield "\n]\n"
