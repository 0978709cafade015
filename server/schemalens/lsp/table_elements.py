"""The CREATE TABLE element list as the precise quick fixes edit it: its separators,
where a new element goes in the table's own layout, how an element leaves with one
comma, and the check that an edited statement still parses.

Column, constraint and comment fixes all write through these pieces, so that every fix
touches only its own element's text and keeps the comments and layout of the rest.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls import uris

from schemalens import dialects
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.file_text import FileText
from schemalens.model import Span, Table

_LIST_TOKEN = re.compile(r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|`|\[|(?<![\w$])\$(?:[^\W\d]\w*)?\$|[(),;]""")


@dataclass(frozen=True)
class Piece:
    """Replace text[start:end] (offsets in the file's text) with `new`."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class ElementList:
    """The element list of a CREATE TABLE: its `(`, top-level commas and `)`."""

    separators: list[int]

    def around(self, offset: int) -> tuple[int, int] | None:
        """The separators before and after the element holding `offset`."""
        i = bisect_right(self.separators, offset) - 1
        if i < 0 or i + 1 >= len(self.separators):
            return None
        return self.separators[i], self.separators[i + 1]

    def is_last(self, offset: int) -> bool:
        around = self.around(offset)
        return around is not None and around[1] == self.separators[-1]


@dataclass
class TableFix:
    """What a precise fix works on: the file, the database's table and the file's table."""

    result: CheckResult
    text: FileText
    have: Table
    want: Table

    @property
    def dialect(self) -> str:
        return self.result.desired.dialect

    def element_list(self) -> ElementList | None:
        """The CREATE TABLE's list, found from the table's name onwards."""
        if self.want.span is None or self.want.span.file != self.text.path:
            return None
        _, name_end = self.text.span_offsets(self.want.span)
        bounds = self.text.statement_around(name_end, self.dialect)
        return scan_list(self.text.text, name_end, bounds[1], self.dialect) if bounds else None

    def in_file(self, obj: object | None) -> tuple[int, int] | None:
        """Offsets of a column's or constraint's text, when it is written in this file."""
        span = getattr(obj, "span", None)
        if span is None or span.file != self.text.path:
            return None
        return self.text.span_offsets(span)

    def column_holding(self, offset: int) -> tuple[int, int] | None:
        """Offsets of the file's column whose text holds `offset` (an inline constraint)."""
        for column in self.want.columns:
            where = self.in_file(column)
            if where is not None and where[0] <= offset <= where[1]:
                return where
        return None

    def last_element(self, elements: ElementList) -> tuple[int, int] | None:
        """Offsets of the list's last element, when it is a column or a table-level
        constraint the file's table knows (else a new element has no safe anchor)."""
        inline = [w for w in map(self.in_file, constraints(self.want)) if w and self.column_holding(w[0])]
        known = [w for w in map(self.in_file, [*self.want.columns, *constraints(self.want)])
                 if w and w not in inline and elements.is_last(w[0])]
        return min(known) if known else None


def named_outside(text: FileText, name: str, start: int, end: int) -> bool:
    """Whether the name is written as a word outside text[start:end] (over-matching only
    costs precision: the fix is then not offered)."""
    word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)
    return any(m.start() < start or m.start() >= end for m in word.finditer(text.text))


def referenced_key(result: CheckResult, table: Table, columns: list[str]) -> bool:
    """Whether a foreign key of the file points at these columns of the table: without
    a key on them the file no longer loads."""
    key = set(columns)
    return any(fk.ref_schema == table.schema and fk.ref_table == table.name and set(fk.ref_columns) == key
               for t in result.desired.tables for fk in t.foreign_keys)


def constraints(table: Table) -> list:
    return [c for c in (table.primary_key, *table.uniques, *table.foreign_keys, *table.checks) if c is not None]


def starts_inside(inner: Span, outer: Span) -> bool:
    start = (inner.start_line, inner.start_col)
    return inner.file == outer.file and (outer.start_line, outer.start_col) <= start <= (outer.end_line, outer.end_col)


def after_element(text: FileText, elements: ElementList, anchor: tuple[int, int], definition: str) -> list[Piece]:
    """A table written one element per line gets a new line with the anchor's
    indentation; the comma goes right after the anchor's text, before its comment."""
    start, end = anchor
    _, separator = elements.around(start)
    if not text.first_on_line(start):  # the table is written inline: stay inline
        return [Piece(end, end, f", {definition}")]
    line = text.newline + text.text[text.line_start(start):start] + definition
    if text.text[separator] == ",":
        if not text.rest_is_comment(separator + 1):  # the next element follows on this line
            return [Piece(end, end, f", {definition}")]
        at = text.line_end(separator + 1)
        return [Piece(at, at, line + ",")]
    if text.line_start(separator) == text.line_start(end) or not text.rest_is_comment(end):
        return [Piece(end, end, "," + line)]
    at = text.line_end(end)  # `)` on a later line: the comma before the anchor's comment
    return [Piece(end, at, "," + text.text[end:at] + line)]


def from_list(fix: TableFix, where: tuple[int, int]) -> Piece | None:
    """The element at `where` taken out of the CREATE TABLE list with one comma; never
    the only element (a table cannot be left without columns)."""
    elements = fix.element_list()
    around = elements.around(where[0]) if elements is not None else None
    if around is None:
        return None
    before, after = around
    if fix.text.text[before] == "(" and fix.text.text[after] == ")":
        return None
    return deletion(fix.text, where, before, after)


def deletion(text: FileText, where: tuple[int, int], before: int, after: int) -> Piece:
    """The element with the comma after it, or, for the last element, the comma before
    it; its whole line when nothing but its own comment stays there."""
    start, end = where
    body = text.text
    own_line = text.first_on_line(start)
    if body[after] == ",":
        if own_line and text.rest_is_comment(after + 1):
            return Piece(text.line_start(start), text.next_line(after + 1), "")
        stop = after + 1
        while stop < len(body) and body[stop] in " \t":
            stop += 1
        return Piece(start, stop, "")
    if not own_line:
        return Piece(before, end, "")
    lo = text.line_start(start)
    hi = text.next_line(end) if text.rest_is_comment(end) else end
    return Piece(before, hi, body[before + 1:lo])  # keeps what follows the comma on its line


def statement_deletion(text: FileText, start: int, end: int) -> Piece:
    """A whole statement, with its line when nothing but comments shares it."""
    if text.first_on_line(start) and text.rest_is_comment(end):
        return Piece(text.line_start(start), text.next_line(end), "")
    return Piece(start, end, "")


def added_by_alter(text: FileText, where: tuple[int, int], dialect: str, head: re.Pattern[str]) -> Piece | None:
    """An `ALTER TABLE t ADD ...` that adds nothing but the text at `where` (`head`
    matches what comes before it): the whole statement."""
    bounds = text.statement_around(where[0], dialect)
    if bounds is None or not head.fullmatch(text.text[bounds[0]:where[0]]):
        return None
    if text.text[where[1]:bounds[1]].strip() not in ("", ";"):
        return None
    return statement_deletion(text, *bounds)


def inline_clause(fix: TableFix, where: tuple[int, int], column: tuple[int, int]) -> tuple[int, int] | None:
    """The exact text of a constraint written inside a column. A SQLite span covers the
    clause; a PostgreSQL span runs to the column's end, so there the clause ends where
    the column's next clause starts."""
    start, end = where
    if dialects.get(fix.dialect).inline_spans_to_column_end:
        end = dialects.get(fix.dialect).clause_end(fix.text.text[column[0]:column[1]], start - column[0])
        if end is None:
            return None
        end += column[0]
    while end > start and fix.text.text[end - 1].isspace():
        end -= 1
    return start, end


def still_parses(fix: TableFix, pieces: list[Piece]) -> bool:
    """Every statement the pieces touch must still parse (a piece between statements,
    such as a new COMMENT ON, on its own): a quick fix never breaks the file."""
    groups: dict[tuple[int, int], list[Piece]] = {}
    for piece in pieces:
        bounds = fix.text.statement_around(piece.start, fix.dialect) or (piece.start, piece.start)
        groups.setdefault(bounds, []).append(piece)
    body = fix.text.text
    for (start, end), group in groups.items():
        end = max(end, *(p.end for p in group))  # a removed statement may take its line
        parts, pos = [], start
        for piece in sorted(group, key=lambda p: p.start):
            parts += [body[pos:piece.start], piece.new]
            pos = piece.end
        parts.append(body[pos:end])
        if not dialects.get(fix.dialect).parses("".join(parts)):
            return False
    return True


def workspace_edit(text: FileText, pieces: list[Piece]) -> lsp.WorkspaceEdit:
    uri = uris.from_fs_path(text.path) or text.path
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=text.range(p.start, p.end), new_text=p.new)
                                            for p in pieces]})


def scan_list(text: str, start: int, stop: int, dialect: str) -> ElementList | None:
    """The first parenthesized list after `start`, read past comments, strings and quoted
    names; None when the statement ends first."""
    separators: list[int] = []
    depth, pos = 0, start
    while True:
        m = _LIST_TOKEN.search(text, pos, stop)
        if m is None:
            return None
        tok = m.group()
        pos = _skip_quoted(text, m, dialect)
        if pos < 0 or tok == ";":
            return None
        if tok == "(":
            depth += 1
            if depth == 1:
                separators.append(m.start())
        elif tok == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                return ElementList(separators + [m.start()])
        elif tok == "," and depth == 1:
            separators.append(m.start())


def _skip_quoted(text: str, m: re.Match[str], dialect: str) -> int:
    """Where scanning goes on after the token (past the whole comment, string or quoted
    name it opens); -1 when it is never closed."""
    tok, after = m.group(), m.end()
    if tok == "/*":
        end = text.find("*/", after)
        return end + 2 if end >= 0 else -1
    if tok in ("'", '"', "`") or tok.lower() == "e'":
        quote = tok[-1]
        backslash = tok.lower() == "e'"
        pattern = rf"(?:\\.|[^{quote}\\]|{quote}{quote})*{quote}" if backslash else rf"(?:[^{quote}]|{quote}{quote})*{quote}"
        found = re.compile(pattern, re.DOTALL).match(text, after)
        return found.end() if found else -1
    if tok == "[" and dialects.get(dialect).bracket_identifiers:
        end = text.find("]", after)
        return end + 1 if end >= 0 else -1
    if tok.startswith("$") and dialects.get(dialect).dollar_quotes:
        end = text.find(tok, after)
        return end + len(tok) if end >= 0 else -1
    return after
