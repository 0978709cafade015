"""Where things are in a file: the parser's UTF-8 byte offsets as code-point offsets, lines
and columns, and the Span of a statement or of the name that starts at a place.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from schemalens.model import Anchor, Span


_IDENT = r'(?:"[^"]*(?:""[^"]*)*"|[^\W\d][\w$]*)'
_IDENT_CHAIN = re.compile(_IDENT + r"(?:\s*\.\s*" + _IDENT + r")*")


class File:
    """One file's text: converts the parser's UTF-8 byte offsets to code-point positions."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.anchor: Anchor | None = None  # of the table group statement being read
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._data = text.encode("utf-8")
        self.ascii_only = len(self._data) == len(text)
        self._line_bytes = (self.line_starts if self.ascii_only
                            else [0] + [m.end() for m in re.finditer(b"\n", self._data)])

    def char(self, byte_offset: int) -> int:
        if self.ascii_only:
            return byte_offset
        line = bisect_right(self._line_bytes, byte_offset) - 1
        start = self._line_bytes[line]
        prefix = self._data[start:byte_offset].decode("utf-8", "replace")
        return self.line_starts[line] + len(prefix)

    def line_col(self, char_offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, char_offset) - 1
        return line, char_offset - self.line_starts[line]

    def line(self, char_offset: int) -> int:
        return bisect_right(self.line_starts, char_offset) - 1

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        line = bisect_right(starts, start) - 1
        end = max(start, end)
        if line + 1 == len(starts) or end < starts[line + 1]:
            return Span(self.path, line, start - starts[line], line, end - starts[line], self.anchor)
        el, ec = self.line_col(end)
        return Span(self.path, line, start - starts[line], el, ec, self.anchor)

    def ident_span(self, start: int) -> Span:
        """Span of the (possibly qualified) name that starts at `start`."""
        m = _IDENT_CHAIN.match(self.text, start)
        return self.span(start, m.end() if m else start)
