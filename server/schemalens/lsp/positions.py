"""Model spans (0-based lines, code-point columns) <-> LSP positions (UTF-16 columns).

LSP counts columns in UTF-16 code units by default; the model counts code points, so a
line with an emoji or any astral character before the object would otherwise put every
squiggle a few columns off.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from schemalens.model import Span


def utf16_column(line: str, col: int) -> int:
    prefix = line[:col]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def code_point_column(line: str, utf16: int) -> int:
    """Inverse of `utf16_column` (a column inside a surrogate pair rounds down)."""
    units = 0
    for i, ch in enumerate(line):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > utf16:
            return i
    return len(line)


def position(lines: list[str], line: int, col: int) -> lsp.Position:
    if not lines:
        return lsp.Position(line=0, character=0)
    if line >= len(lines):  # a span past the end (text changed since): clamp to the end
        line, col = len(lines) - 1, len(lines[-1])
    return lsp.Position(line=line, character=utf16_column(lines[line], col))


def span_range(span: Span, lines: list[str]) -> lsp.Range:
    return lsp.Range(start=position(lines, span.start_line, span.start_col),
                     end=position(lines, span.end_line, span.end_col))


def top_of_file() -> lsp.Range:
    return lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))


def first_line_range(lines: list[str]) -> lsp.Range:
    """The first non-empty line: where file-wide findings go so that they are seen."""
    for i, text in enumerate(lines):
        if text.strip():
            return lsp.Range(start=lsp.Position(line=i, character=0),
                             end=lsp.Position(line=i, character=utf16_column(text, len(text.rstrip()))))
    return top_of_file()


def span_contains(span: Span, line: int, col: int) -> bool:
    """Whether the code-point position lies inside the span (ends inclusive)."""
    if (line, col) < (span.start_line, span.start_col):
        return False
    return (line, col) <= (span.end_line, span.end_col)


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them (\\n, \\r\\n and \\r end a line), without their endings."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
