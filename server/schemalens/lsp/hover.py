"""Hover on a table or column: the schema's definition next to the database's, both
after normalization (what the diff compares), and the table's row estimate."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from schemalens.lsp.lookup import View, view_of
from schemalens.lsp.positions import span_range
from schemalens.lsp.server import SchemalensServer
from schemalens.model import Column, Table


async def hover(ls: SchemalensServer, params: lsp.HoverParams) -> lsp.Hover | None:
    view = await view_of(ls, params.text_document.uri)
    if view is None or view.desired is None:
        return None
    for table in view.desired.tables:
        column = next((c for c in table.columns if view.here(c.span, params.position)), None)
        if column is None and not view.here(table.span, params.position):
            continue
        have = view.actual.table(table.schema, table.name) if view.actual else None
        rows = await _rows(ls, view, table) if have is not None else None
        text = _markdown(view, table, column, have, rows)
        span = column.span if column else table.span
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                         range=span_range(span, view.lines) if span else None)
    return None


def _column_text(column: Column | None) -> str:
    if column is None:
        return "(none)"
    parts = [column.type]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    if not column.nullable:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.identity is not None:
        parts.append("GENERATED " + ("ALWAYS" if column.identity.always else "BY DEFAULT") + " AS IDENTITY")
    if column.generated:
        parts.append(f"GENERATED ALWAYS AS ({column.generated})")
    return " ".join(parts)


def _markdown(view: View, table: Table, column: Column | None, have: Table | None, rows: int | None) -> str:
    label = f"{table.schema}.{table.name}" + (f".{column.name}" if column else "")
    lines = [f"**{label}**", ""]
    if view.actual is None:
        lines.append("database: not compared (see the file's diagnostics)")
    elif have is None:
        lines.append("database: **missing** (push creates it)")
    elif column is not None:
        theirs = have.column(column.name)
        lines += ["| | definition |", "|---|---|", f"| schema | `{_column_text(column)}` |",
                  f"| database | `{_column_text(theirs)}` |" if theirs else "| database | **missing** |"]
    else:
        ours, theirs = {c.name for c in table.columns}, {c.name for c in have.columns}
        lines.append(f"schema: {len(ours)} columns; database: {len(theirs)} columns")
        if ours - theirs:
            lines.append(f"- only in the schema: {', '.join(sorted(ours - theirs))}")
        if theirs - ours:
            lines.append(f"- only in the database: {', '.join(sorted(theirs - ours))}")
    if rows is not None:
        lines += ["", f"rows: about {rows:,}"]
    return "\n".join(lines)


async def _rows(ls: SchemalensServer, view: View, table: Table) -> int | None:
    if view.result is None:
        return None
    settings = view.result.settings
    return await asyncio.get_running_loop().run_in_executor(ls.thread_pool, _estimate, ls, settings, table)


def _estimate(ls: SchemalensServer, settings: object, table: Table) -> int | None:
    """The dialect's cheapest count (PostgreSQL estimates; SQLite counts)."""
    from schemalens import dialects

    try:
        with ls.databases.use(settings) as entry:  # type: ignore[arg-type]
            db = entry.open()
            return dialects.get(db.dialect).estimated_rows(db.conn, table.schema, table.name)
    except Exception:  # the estimate is a courtesy: the hover shows without it
        return None
