"""Completion of table names after REFERENCES, and of column names in a REFERENCES
column list and an index's column list, from the schema and the database."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from schemalens import dialects
from schemalens.lsp.lookup import View, view_of
from schemalens.lsp.server import SchemalensServer
from schemalens.model import Table

OPTIONS = lsp.CompletionOptions(trigger_characters=["(", ","])

_NAME = r'(?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?'
_REF_TABLE = re.compile(r"\bREFERENCES\s+(?P<partial>[\w.\"]*)$", re.I)
_REF_COLUMNS = re.compile(rf"\bREFERENCES\s+(?P<table>{_NAME})\s*\((?P<done>[^()]*)$", re.I)
_INDEX_COLUMNS = re.compile(rf"\bINDEX\b[^;]*?\bON\s+(?:ONLY\s+)?(?P<table>{_NAME})\s*(?:USING\s+\w+\s*)?"
                            r"\((?P<done>[^;]*)$", re.I | re.S)


async def completion(ls: SchemalensServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    view = await view_of(ls, params.text_document.uri, fresh=False)
    if view is None:
        return None
    line, col = view.code_point(params.position)
    before = "\n".join(view.lines[max(0, line - 20):line] + [view.lines[line][:col] if line < len(view.lines) else ""])
    before = before[before.rfind(";") + 1:]
    if m := _REF_COLUMNS.search(before) or _INDEX_COLUMNS.search(before):
        table = _find(view, m.group("table"))
        if table is None:
            return None
        return _items([c.name for c in table.columns], lsp.CompletionItemKind.Field, f"{table.schema}.{table.name}")
    if _REF_TABLE.search(before):
        return _items(_table_names(view), lsp.CompletionItemKind.Struct, "table")
    return None


def _tables(view: View) -> list[Table]:
    tables = list(view.desired.tables) if view.desired else []
    seen = {t.key for t in tables}
    if view.actual is not None:
        tables += [t for t in view.actual.tables if t.key not in seen]
    return tables


def _table_names(view: View) -> list[str]:
    schema = view.desired or view.actual
    default = dialects.get(schema.dialect).default_schema if schema is not None else None
    return sorted({t.name if t.schema == default else f"{t.schema}.{t.name}" for t in _tables(view)})


def _find(view: View, written: str) -> Table | None:
    parts = [p.strip('"') if p.startswith('"') else p.lower() for p in re.findall(r'"[^"]+"|[^.]+', written)]
    name, schema = parts[-1], parts[0] if len(parts) > 1 else None
    matches = [t for t in _tables(view) if t.name.lower() == name.lower() and (schema is None or t.schema == schema)]
    return matches[0] if matches else None


def _items(names: list[str], kind: lsp.CompletionItemKind, detail: str) -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=False, items=[
        lsp.CompletionItem(label=n, kind=kind, detail=detail) for n in names])
