"""Go to definition from a foreign key's reference to the referenced table or column."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls import uris

from schemalens.lsp.lookup import view_of
from schemalens.lsp.positions import span_range, split_lines
from schemalens.lsp.server import SchemalensServer
from schemalens.model import Span


async def definition(ls: SchemalensServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    view = await view_of(ls, params.text_document.uri)
    if view is None or view.desired is None:
        return None
    word = view.word_at(params.position)
    for table in view.desired.tables:
        fks = [fk for fk in table.foreign_keys if view.here(fk.span, params.position)]
        inline = [fk for fk in table.foreign_keys for c in table.columns
                  if view.here(c.span, params.position) and fk.columns == [c.name]]
        for fk in fks or inline:
            target = view.desired.table(fk.ref_schema, fk.ref_table)
            if target is None:
                continue
            column = next((c for c in target.columns if c.name == word and word in fk.ref_columns), None)
            if column is None and word != fk.ref_table:
                continue
            span = column.span if column is not None else target.span
            if span is not None:
                return [_location(ls, view.path, view.lines, span)]
    return None


def _location(ls: SchemalensServer, path: str, lines: list[str], span: Span) -> lsp.Location:
    if span.file != path:
        doc = ls.open_document(span.file)
        lines = split_lines(doc.source) if doc else _read_lines(span.file)
    return lsp.Location(uri=uris.from_fs_path(span.file) or span.file, range=span_range(span, lines))


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return split_lines(f.read())
    except (OSError, UnicodeDecodeError):
        return []
