"""The model of the document under the cursor, for outline, hover, definition and
completion: the latest check's when it read this very text, else a parse of the
editor's text alone (database-free, in a worker thread)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls import uris

from schemalens.config import DEFAULT_URL, dialect_of_url
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.positions import code_point_column, span_contains, split_lines
from schemalens.lsp.server import SchemalensServer
from schemalens.model import Schema, Span
from schemalens import dialects, workflows

log = logging.getLogger(__name__)


@dataclass
class View:
    path: str
    text: str
    lines: list[str]
    desired: Schema | None      # normalized where the check normalized it; spans kept
    result: CheckResult | None  # the latest check of the project, if any

    @property
    def actual(self) -> Schema | None:
        return self.result.actual if self.result and self.result.database == "ok" else None

    def code_point(self, position: lsp.Position) -> tuple[int, int]:
        line = self.lines[position.line] if position.line < len(self.lines) else ""
        return position.line, code_point_column(line, position.character)

    def here(self, span: Span | None, position: lsp.Position) -> bool:
        return span is not None and span.file == self.path and span_contains(span, *self.code_point(position))

    def word_at(self, position: lsp.Position) -> str:
        line, col = self.code_point(position)
        text = self.lines[line] if line < len(self.lines) else ""
        start = col
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in '_"'):
            start -= 1
        end = col
        while end < len(text) and (text[end].isalnum() or text[end] in '_"'):
            end += 1
        return text[start:end].strip('"')


async def view_of(ls: SchemalensServer, uri: str, *, fresh: bool = True) -> View | None:
    """`fresh=False` takes the last check's model even when the text moved on since
    (completion runs on half-typed text that does not parse)."""
    path = uris.to_fs_path(uri)
    if path is None or uri not in ls.workspace.text_documents:
        return None
    text = ls.workspace.get_text_document(uri).source
    result = ls.checks.latest_for(path)
    checked = (result.desired or result.source.schema) if result and result.source else None
    if checked is not None and (result.texts.get(path) == text or not fresh):
        return View(path, text, split_lines(text), checked, result)
    dialect = result.settings.dialect if result else _guess_dialect(ls, path)
    default = dialects.get(dialect).default_schema
    try:
        source = await asyncio.get_running_loop().run_in_executor(
            ls.thread_pool, workflows.parse, [(path, text)], dialect, default)
    except Exception:  # a parser bug on odd input: fall back to the last check's model
        log.exception("parsing %s for the editor failed", path)
        return View(path, text, split_lines(text), checked, result)
    return View(path, text, split_lines(text), source.schema, result)


def _guess_dialect(ls: SchemalensServer, path: str) -> str:
    for project in ls.checks.projects.values():
        if project.target is not None:
            return project.target.settings.dialect
    return dialect_of_url(DEFAULT_URL)
