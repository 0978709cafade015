"""Quick fixes that write one column of the database into the schema file: its
definition replaced, the database's column inserted, or the file's column taken out,
each touching only that column's text (and one comma), so the comments, layout and
directives of every other line stay as the user wrote them. Where a column cannot be
placed that way (inline constraints in its text, a column other objects name), none is
offered and the caller may rewrite the whole statement (`rewrite_is_safe` says when).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from bisect import bisect_right
from dataclasses import dataclass

import pglast
from lsprotocol import types as lsp
from pygls import uris

from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.file_text import FileText, statement_at, text_of
from schemalens.model import Column, Span, Table
from schemalens.render import postgresql as render_pg
from schemalens.render import sqlite as render_sqlite

_LIST_TOKEN = re.compile(r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|`|\[|(?<![\w$])\$(?:[^\W\d]\w*)?\$|[(),;]""")


@dataclass(frozen=True)
class _Piece:
    """Replace text[start:end] (offsets in the file's text) with `new`."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class _List:
    """The element list of a CREATE TABLE: its `(`, top-level commas and `)`."""

    separators: list[int]

    def around(self, offset: int) -> tuple[int, int] | None:
        """The separators before and after the element holding `offset`."""
        i = bisect_right(self.separators, offset) - 1
        if i < 0 or i + 1 >= len(self.separators):
            return None
        return self.separators[i], self.separators[i + 1]


@dataclass
class _Fix:
    """What a column fix works on: the file, the database's table and the file's table."""

    result: CheckResult
    text: FileText
    have: Table
    want: Table

    @property
    def dialect(self) -> str:
        return self.result.desired.dialect

    def definition(self, column: Column) -> str:
        """The database's column as push writes it. The actual schema is the context, so
        that a serial column reads as serial; a SQLite primary key stays where the file
        declares it (the column text never holds it when this is used)."""
        if self.dialect == "postgresql":
            return render_pg.column_definition(column, self.result.actual, self.have.schema)
        return render_sqlite.column_definition(column, dataclasses.replace(self.have, primary_key=None))

    def element_list(self) -> _List | None:
        """The CREATE TABLE's list, found from the table's name onwards."""
        if self.want.span is None or self.want.span.file != self.text.path:
            return None
        _, name_end = self.text.span_offsets(self.want.span)
        bounds = self.text.statement_around(name_end, self.dialect)
        return _scan_list(self.text.text, name_end, bounds[1], self.dialect) if bounds else None

    def in_file(self, column: Column | None) -> tuple[int, int] | None:
        if column is None or column.span is None or column.span.file != self.text.path:
            return None
        return self.text.span_offsets(column.span)


def column_fix(result: CheckResult, change: Change, have: Table, want: Table) -> lsp.WorkspaceEdit | None:
    """An edit of the column's own text; None when it cannot be placed safely (the caller
    then rewrites the whole statement)."""
    fixer = {"alter_column": _alter, "drop_column": _insert, "add_column": _remove}.get(change.kind)
    text = text_of(result, want.span.file) if fixer is not None and want.span is not None else None
    if text is None:
        return None
    fix = _Fix(result, text, have, want)
    pieces = fixer(fix, change.name)
    if not pieces or not _still_parses(fix, pieces[0]):
        return None
    uri = uris.from_fs_path(text.path) or text.path
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=text.range(p.start, p.end), new_text=p.new)
                                            for p in pieces]})


def _alter(fix: _Fix, name: str) -> list[_Piece] | None:
    """The column's definition replaced by the database's, when its text holds no
    constraint (rendering the column alone would drop it)."""
    column, actual = fix.want.column(name), fix.have.column(name)
    where = fix.in_file(column)
    if where is None or actual is None or _holds_constraint(fix.want, column.span):
        return None
    return [_Piece(*where, fix.definition(actual))]


def _holds_constraint(table: Table, span: Span) -> bool:
    """Whether a constraint is written inside the column's text (its span starts there)."""
    return any(c.span is not None and _starts_inside(c.span, span) for c in _constraints(table))


def _constraints(table: Table) -> list:
    return [c for c in (table.primary_key, *table.uniques, *table.foreign_keys, *table.checks) if c is not None]


def _starts_inside(inner: Span, outer: Span) -> bool:
    start = (inner.start_line, inner.start_col)
    return inner.file == outer.file and (outer.start_line, outer.start_col) <= start <= (outer.end_line, outer.end_col)


def _insert(fix: _Fix, name: str) -> list[_Piece] | None:
    """The database's column written after the column that precedes it in the
    database (else after the file's last column), in the table's own layout."""
    column = fix.have.column(name)
    elements = fix.element_list()
    anchor = _anchor(fix, elements, name) if elements is not None and column is not None else None
    if anchor is None:
        return None
    pieces = _after_element(fix.text, elements, anchor, fix.definition(column))
    if pieces and column.comment is not None and fix.dialect == "postgresql":
        pieces.append(_comment_after_statement(fix, column))
    return pieces


def _anchor(fix: _Fix, elements: _List, name: str) -> tuple[int, int] | None:
    """Offsets of the file's column to write the new one after."""
    order = [c.name for c in fix.have.columns]
    earlier = reversed(order[:order.index(name)])
    placed = [w for w in (fix.in_file(fix.want.column(n)) for n in earlier) if w and elements.around(w[0])]
    if placed:
        return placed[0]
    listed = [w for w in (fix.in_file(c) for c in fix.want.columns) if w and elements.around(w[0])]
    return max(listed) if listed else None


def _after_element(text: FileText, elements: _List, anchor: tuple[int, int], definition: str) -> list[_Piece]:
    """A table written one element per line gets a new line with the anchor's
    indentation; the comma goes right after the anchor's text, before its comment."""
    start, end = anchor
    _, separator = elements.around(start)
    if not text.first_on_line(start):  # the table is written inline: stay inline
        return [_Piece(end, end, f", {definition}")]
    line = text.newline + text.text[text.line_start(start):start] + definition
    if text.text[separator] == ",":
        if not text.rest_is_comment(separator + 1):  # the next element follows on this line
            return [_Piece(end, end, f", {definition}")]
        at = text.line_end(separator + 1)
        return [_Piece(at, at, line + ",")]
    if text.line_start(separator) == text.line_start(end) or not text.rest_is_comment(end):
        return [_Piece(end, end, "," + line)]
    at = text.line_end(end)  # `)` on a later line: the comma before the anchor's comment
    return [_Piece(end, at, "," + text.text[end:at] + line)]


def _comment_after_statement(fix: _Fix, column: Column) -> _Piece:
    """COMMENT ON COLUMN is a statement of its own in PostgreSQL: after the table's."""
    _, name_end = fix.text.span_offsets(fix.want.span)
    _, end = fix.text.statement_around(name_end, fix.dialect)
    target = f"{render_pg.qn(fix.have.schema, fix.have.name)}.{render_pg.q(column.name)}"
    return _Piece(end, end, f"{fix.text.newline}COMMENT ON COLUMN {target} IS {render_pg.literal(column.comment)};")


def _remove(fix: _Fix, name: str) -> list[_Piece] | None:
    """The file's column taken out with one adjoining comma (and its line, when nothing
    else is left on it), or the ALTER TABLE that adds it; its COMMENT ON COLUMN goes too.
    Not when anything else in the file names the column."""
    column = fix.want.column(name)
    where = fix.in_file(column)
    if where is None or _referenced(fix, column):
        return None
    piece = _from_list(fix, where) or _added_by_alter(fix.text, where, fix.dialect)
    if piece is None or column.comment is None or fix.dialect != "postgresql":
        return [piece] if piece is not None else None
    comment = _comment_statement(fix, column)
    return [piece, comment] if comment is not None else None


def _from_list(fix: _Fix, where: tuple[int, int]) -> _Piece | None:
    elements = fix.element_list()
    around = elements.around(where[0]) if elements is not None else None
    if around is None:
        return None
    before, after = around
    if fix.text.text[before] == "(" and fix.text.text[after] == ")":
        return None  # the only element: a table cannot be left without columns
    return _deletion(fix.text, where, before, after)


_ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+[^,;]*?\s+ADD(?:\s+COLUMN)?(?:\s+IF\s+NOT\s+EXISTS)?\s+", re.IGNORECASE)


def _added_by_alter(text: FileText, where: tuple[int, int], dialect: str) -> _Piece | None:
    """An `ALTER TABLE t ADD COLUMN c ...` that adds nothing else: the whole statement."""
    bounds = text.statement_around(where[0], dialect)
    if bounds is None or not _ADD_COLUMN.fullmatch(text.text[bounds[0]:where[0]]):
        return None
    if text.text[where[1]:bounds[1]].strip() not in ("", ";"):
        return None
    return _statement_deletion(text, *bounds)


def _comment_statement(fix: _Fix, column: Column) -> _Piece | None:
    """The file's `COMMENT ON COLUMN` for the column (PostgreSQL)."""
    for start, sql in fix.text.statements("postgresql"):
        if not re.match(r"COMMENT\s+ON\s+COLUMN\b", sql, re.IGNORECASE):
            continue
        try:
            names = [n.sval for n in pglast.parse_sql(sql)[0].stmt.object]
        except (pglast.parser.ParseError, AttributeError, IndexError):
            continue
        if names[-2:] == [fix.want.name, column.name] and (len(names) == 2 or names[0] == fix.want.schema):
            return _statement_deletion(fix.text, *fix.text.statement_around(start, "postgresql"))
    return None


def _statement_deletion(text: FileText, start: int, end: int) -> _Piece:
    """A whole statement, with its line when nothing but comments shares it."""
    if text.first_on_line(start) and text.rest_is_comment(end):
        return _Piece(text.line_start(start), text.next_line(end), "")
    return _Piece(start, end, "")


def _deletion(text: FileText, where: tuple[int, int], before: int, after: int) -> _Piece:
    """The element with the comma after it, or, for the last element, the comma before
    it; its whole line when nothing but its own comment stays there."""
    start, end = where
    body = text.text
    own_line = text.first_on_line(start)
    if body[after] == ",":
        if own_line and text.rest_is_comment(after + 1):
            return _Piece(text.line_start(start), text.next_line(after + 1), "")
        stop = after + 1
        while stop < len(body) and body[stop] in " \t":
            stop += 1
        return _Piece(start, stop, "")
    if not own_line:
        return _Piece(before, end, "")
    lo = text.line_start(start)
    hi = text.next_line(end) if text.rest_is_comment(end) else end
    return _Piece(before, hi, body[before + 1:lo])  # keeps what follows the comma on its line


def _referenced(fix: _Fix, column: Column) -> bool:
    """Whether something outside the column's text names it: taking the column out
    would leave that pointing at nothing."""
    word = _word(column.name)
    table = fix.want
    outside = [c for c in _constraints(table) if c.span is None or not _starts_inside(c.span, column.span)]
    if any(column.name in getattr(c, "columns", ()) or word.search(getattr(c, "expression", "")) for c in outside):
        return True
    if _named_by_index(table, column):
        return True
    if any(word.search(f"{c.generated or ''} {c.default or ''}") for c in table.columns if c is not column):
        return True
    return any(fk.ref_table == table.name and fk.ref_schema == table.schema and column.name in fk.ref_columns
               for t in fix.result.desired.tables for fk in t.foreign_keys)


def _named_by_index(table: Table, column: Column) -> bool:
    word = _word(column.name)
    return any(word.search(" ".join([*i.columns, i.where or "", *i.include])) for i in table.indexes)


def _word(name: str) -> re.Pattern[str]:
    """The name as a whole word of an expression (over-matching only costs precision)."""
    return re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)


def rewrite_is_safe(result: CheckResult, have: Table, want: Table) -> bool:
    """The rewrite replaces the CREATE TABLE alone: what else in the file builds on the
    file's table (ALTER TABLE adding to it; comments and indexes on a column the
    database lacks) would be doubled or left naming nothing."""
    found = statement_at(result, want.span)
    if found is None:
        return False
    text, start, end = found
    for span in (o.span for o in (*want.columns, *_constraints(want)) if o.span is not None):
        if span.file != text.path or not start <= text.offset(span.start_line, span.start_col) <= end:
            return False
    gone = [c for c in want.columns if have.column(c.name) is None]
    return not any(c.comment is not None or _named_by_index(want, c) for c in gone)


def _still_parses(fix: _Fix, piece: _Piece) -> bool:
    """The edited statement must still parse: a quick fix never breaks the file."""
    bounds = fix.text.statement_around(piece.start, fix.dialect)
    if bounds is None:
        return False
    start, end = bounds[0], max(bounds[1], piece.end)  # a removed statement may take its line
    body = fix.text.text
    statement = body[start:piece.start] + piece.new + body[piece.end:end]
    if fix.dialect == "postgresql":
        try:
            pglast.parse_sql(statement)
        except pglast.parser.ParseError:
            return False
        return True
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(statement)
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return True


def _scan_list(text: str, start: int, stop: int, dialect: str) -> _List | None:
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
                return _List(separators + [m.start()])
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
    if tok == "[" and dialect == "sqlite":
        end = text.find("]", after)
        return end + 1 if end >= 0 else -1
    if tok.startswith("$") and dialect == "postgresql":
        end = text.find(tok, after)
        return end + len(tok) if end >= 0 else -1
    return after
