"""A schema file's text as the quick fixes edit it: offsets, LSP positions (UTF-16),
lines and statements."""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types as lsp

from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.positions import split_lines, utf16_column
from schemalens import dialects
from schemalens.model import Span

_LINE_COMMENTS = re.compile(r"(?:\s|/\*.*?\*/)*(?:--.*)?")


class FileText:
    """Offsets <-> LSP positions in one file's text."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines = split_lines(text)
        self._statements: list[tuple[int, str]] | None = None

    def offset(self, line: int, col: int) -> int:
        return min(self.starts[min(line, len(self.starts) - 1)] + col, len(self.text))

    def position(self, offset: int) -> lsp.Position:
        line = bisect_right(self.starts, offset) - 1
        col = offset - self.starts[line]
        return lsp.Position(line=line, character=utf16_column(self.lines[line] if line < len(self.lines) else "", col))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(start=self.position(start), end=self.position(end))

    def span_offsets(self, span: Span) -> tuple[int, int]:
        return self.offset(span.start_line, span.start_col), self.offset(span.end_line, span.end_col)

    def line_start(self, offset: int) -> int:
        return self.starts[bisect_right(self.starts, offset) - 1]

    def line_end(self, offset: int) -> int:
        """Where the line's text ends (before `\r\n` or `\n`)."""
        end = self.text.find("\n", offset)
        end = len(self.text) if end < 0 else end
        return end - 1 if end > offset and self.text[end - 1] == "\r" else end

    def next_line(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def first_on_line(self, offset: int) -> bool:
        return not self.text[self.line_start(offset):offset].strip()

    def rest_is_comment(self, offset: int) -> bool:
        """Only blanks and comments after `offset` on its line (nothing a statement needs)."""
        return _LINE_COMMENTS.fullmatch(self.text[offset:self.line_end(offset)]) is not None

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def statements(self, dialect: str) -> list[tuple[int, str]]:
        """Split once per text: a column fix asks several times, and a schema file may
        hold a thousand statements."""
        if self._statements is None:
            self._statements = dialects.get(dialect).split_statements(self.text)
        return self._statements

    def statement_around(self, offset: int, dialect: str) -> tuple[int, int] | None:
        """The statement holding `offset`, its `;` included."""
        for start, sql in self.statements(dialect):
            end = start + len(sql)
            if start <= offset <= end:
                if self.text[end:end + 1] == ";":
                    end += 1
                return start, end
        return None


def text_of(result: CheckResult, path: str) -> FileText | None:
    text = result.texts.get(path)
    return FileText(path, text) if text is not None else None


def statement_at(result: CheckResult, span: Span | None) -> tuple[FileText, int, int] | None:
    """The file text and the bounds of the statement that holds `span`."""
    text = text_of(result, span.file) if span is not None else None
    if span is None or text is None:
        return None
    found = text.statement_around(text.offset(span.start_line, span.start_col), result.desired.dialect)
    return (text, *found) if found is not None else None
