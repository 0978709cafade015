"""Document outline: tables with their columns, constraints and indexes."""

from __future__ import annotations

from lsprotocol import types as lsp

from schemalens.changes import describe_constraint
from schemalens.lsp.lookup import View, view_of
from schemalens.lsp.positions import span_range
from schemalens.lsp.server import SchemalensServer
from schemalens.model import Span, Table


async def document_symbol(ls: SchemalensServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    view = await view_of(ls, params.text_document.uri)
    if view is None or view.desired is None:
        return []
    symbols = [_table(view, t) for t in view.desired.tables if t.span and t.span.file == view.path]
    symbols += [_symbol(view, f"{e.schema}.{e.name}", "enum", lsp.SymbolKind.Enum, e.span, [])
                for e in view.desired.enums if e.span and e.span.file == view.path]
    return sorted(symbols, key=lambda s: (s.range.start.line, s.range.start.character))


def _symbol(view: View, name: str, detail: str, kind: lsp.SymbolKind, span: Span,
            children: list[lsp.DocumentSymbol]) -> lsp.DocumentSymbol:
    selection = span_range(span, view.lines)
    whole = selection
    for child in children:  # the table's range covers its elements (the span is its name)
        if (child.range.end.line, child.range.end.character) > (whole.end.line, whole.end.character):
            whole = lsp.Range(start=whole.start, end=child.range.end)
        if (child.range.start.line, child.range.start.character) < (whole.start.line, whole.start.character):
            whole = lsp.Range(start=child.range.start, end=whole.end)
    return lsp.DocumentSymbol(name=name, detail=detail, kind=kind, range=whole, selection_range=selection,
                              children=children or None)


def _table(view: View, table: Table) -> lsp.DocumentSymbol:
    children = []
    for column in table.columns:
        if column.span and column.span.file == view.path:
            detail = column.type + ("" if column.nullable else " NOT NULL")
            children.append(_symbol(view, column.name, detail, lsp.SymbolKind.Field, column.span, []))
    constraints = [table.primary_key] if table.primary_key else []
    constraints += [*table.uniques, *table.foreign_keys, *table.checks]
    for constraint in constraints:
        if constraint.span and constraint.span.file == view.path:
            children.append(_symbol(view, constraint.name or describe_constraint(constraint).split(" (")[0],
                                    describe_constraint(constraint), lsp.SymbolKind.Key, constraint.span, []))
    for index in table.indexes:
        if index.span and index.span.file == view.path:
            children.append(_symbol(view, index.name or "index", f"({', '.join(index.columns)})",
                                    lsp.SymbolKind.Key, index.span, []))
    children.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    assert table.span is not None
    return _symbol(view, f"{table.schema}.{table.name}", "table", lsp.SymbolKind.Struct, table.span, children)
