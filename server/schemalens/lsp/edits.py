"""Workspace edits behind the quick fixes: write what the database has into the schema
file, or declare a rename (`-- @renamed from=old`, which both SQL sources read).

The database's side is written by the same renderer push uses, from the normalized
model, so the file afterwards diffs empty against the database for that object.

A column change edits only that column's text (its definition, or its element of the
CREATE TABLE list with one comma), so the comments, layout and directives of every
other line stay as the user wrote them. When the column cannot be placed that way
(inline constraints in its text, a table written across statements, a column other
objects refer to), the whole CREATE TABLE is rewritten as before.
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
from schemalens.diff import diff
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.positions import split_lines, utf16_column
from schemalens.migrations import split_statements
from schemalens.model import Column, Enum, Schema, Span, Table
from schemalens.render import RenderError, quote_ident, render
from schemalens.render import postgresql as render_pg
from schemalens.render import sqlite as render_sqlite

_TABLE_SCOPED = {"add_column", "drop_column", "alter_column", "add_constraint", "drop_constraint", "set_comment"}
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")
_LINE_COMMENTS = re.compile(r"(?:\s|/\*.*?\*/)*(?:--.*)?")


class _Text:
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
            self._statements = split_statements(self.text, dialect)
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


def _edit(path: str, range_: lsp.Range, new_text: str) -> lsp.WorkspaceEdit:
    uri = uris.from_fs_path(path) or path
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=range_, new_text=new_text)]})


def _sql(statements: list[str]) -> str:
    return "\n\n".join(s.strip().rstrip(";") + ";" for s in statements)


def _render_between(before: Schema, after: Schema) -> str | None:
    try:
        return _sql([s.sql for s in render(diff(before, after), before, after)])
    except (RenderError, KeyError, ValueError):
        return None


def table_ddl(table: Table, dialect: str) -> str | None:
    """CREATE TABLE (with comments) for the table, its indexes left out: those are
    statements of their own in a schema file and have their own drift."""
    bare = dataclasses.replace(table, indexes=[])
    return _render_between(Schema(dialect), Schema(dialect, tables=[bare]))


def index_ddl(table: Table, index_name: str, dialect: str) -> str | None:
    index = next((i for i in table.indexes if i.name == index_name), None)
    if index is None:
        return None
    bare = dataclasses.replace(table, indexes=[])
    return _render_between(Schema(dialect, tables=[bare]), Schema(dialect, tables=[dataclasses.replace(
        table, indexes=[index])]))


def enum_ddl(enum: Enum, dialect: str) -> str | None:
    return _render_between(Schema(dialect), Schema(dialect, enums=[enum]))


def update_from_database(result: CheckResult, change: Change) -> lsp.WorkspaceEdit | None:
    """Rewrite the object's DDL in the file to what the database has (insert it when only
    the database has it; delete it when only the file has it)."""
    actual, desired = result.actual, result.desired
    if actual is None or desired is None or result.database != "ok":
        return None
    dialect = desired.dialect
    if change.kind in _TABLE_SCOPED and change.table is not None:
        have, want = actual.table(change.schema, change.table), desired.table(change.schema, change.table)
        if have is None or want is None:
            return None
        precise = _column_fix(result, change, have, want)
        if precise is not None or not _rewrite_is_safe(result, have, want):
            return precise
        return _replace_statement(result, want.span, table_ddl(have, dialect))
    if change.kind == "drop_index" and change.table is not None:
        have, want = actual.table(change.schema, change.table), desired.table(change.schema, change.table)
        if have is None or want is None:
            return None
        return _insert_after_statement(result, want.span, index_ddl(have, change.before.name, dialect))
    if change.kind in ("create_index", "create_table", "create_enum"):
        return _replace_statement(result, change.span, "")
    if change.kind in ("add_enum_value", "recreate_enum"):
        have = actual.enum(change.schema, change.after.name)
        return _replace_statement(result, change.span, enum_ddl(have, dialect) if have else None)
    if change.kind == "drop_table":
        return _append(result, table_ddl(change.before, dialect))
    if change.kind == "drop_enum":
        return _append(result, enum_ddl(change.before, dialect))
    return None


def _text_of(result: CheckResult, path: str) -> _Text | None:
    text = result.texts.get(path)
    return _Text(path, text) if text is not None else None


def _statement_at(result: CheckResult, span: Span | None) -> tuple[_Text, int, int] | None:
    """The file text and the bounds of the statement that holds `span`."""
    text = _text_of(result, span.file) if span is not None else None
    if span is None or text is None:
        return None
    found = text.statement_around(text.offset(span.start_line, span.start_col), result.desired.dialect)
    return (text, *found) if found is not None else None


def _replace_statement(result: CheckResult, span: Span | None, ddl: str | None) -> lsp.WorkspaceEdit | None:
    found = _statement_at(result, span) if ddl is not None else None
    if found is None:
        return None
    text, start, end = found
    if not ddl:  # deleting: take the line break after it too, so no blank line stays
        end += 1 if text.text[end:end + 1] == "\n" else 0
    return _edit(text.path, text.range(start, end), ddl)


def _insert_after_statement(result: CheckResult, span: Span | None, ddl: str | None) -> lsp.WorkspaceEdit | None:
    found = _statement_at(result, span) if ddl is not None else None
    if found is None:
        return None
    text, _, end = found
    at = text.position(end)
    return _edit(text.path, lsp.Range(start=at, end=at), "\n" + ddl)


def _append(result: CheckResult, ddl: str | None) -> lsp.WorkspaceEdit | None:
    files = result.snapshot.files
    if ddl is None or not files:
        return None
    text = _text_of(result, files[0])
    if text is None:
        return None
    at = text.position(len(text.text))
    prefix = "" if not text.text or text.text.endswith("\n\n") else ("\n" if text.text.endswith("\n") else "\n\n")
    return _edit(text.path, lsp.Range(start=at, end=at), prefix + ddl + "\n")


# --- column fixes ----------------------------------------------------------------------

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
    text: _Text
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


def _column_fix(result: CheckResult, change: Change, have: Table, want: Table) -> lsp.WorkspaceEdit | None:
    """An edit of the column's own text; None when it cannot be placed safely (the caller
    then rewrites the whole statement)."""
    fixer = {"alter_column": _alter, "drop_column": _insert, "add_column": _remove}.get(change.kind)
    text = _text_of(result, want.span.file) if fixer is not None and want.span is not None else None
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


def _after_element(text: _Text, elements: _List, anchor: tuple[int, int], definition: str) -> list[_Piece]:
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


def _added_by_alter(text: _Text, where: tuple[int, int], dialect: str) -> _Piece | None:
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


def _statement_deletion(text: _Text, start: int, end: int) -> _Piece:
    """A whole statement, with its line when nothing but comments shares it."""
    if text.first_on_line(start) and text.rest_is_comment(end):
        return _Piece(text.line_start(start), text.next_line(end), "")
    return _Piece(start, end, "")


def _deletion(text: _Text, where: tuple[int, int], before: int, after: int) -> _Piece:
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


def _rewrite_is_safe(result: CheckResult, have: Table, want: Table) -> bool:
    """The rewrite replaces the CREATE TABLE alone: what else in the file builds on the
    file's table (ALTER TABLE adding to it; comments and indexes on a column the
    database lacks) would be doubled or left naming nothing."""
    found = _statement_at(result, want.span)
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


def declare_rename(result: CheckResult, change: Change) -> tuple[str, lsp.WorkspaceEdit] | None:
    """For the new side of a possible rename (an added table or column that looks like a
    dropped one): a `-- @renamed from=old` comment at the end of its line, where both
    sources read it. Offered only when nothing else starts later on that line."""
    if change.rename_candidate is None or result.desired is None:
        return None
    if change.kind in ("add_column", "create_table"):
        span, old = change.span, change.rename_candidate
    elif change.kind in ("drop_column", "drop_table"):
        new = _partner(result, change)
        if new is None:
            return None
        span, old = new.span, change.name
    else:
        return None
    if span is None:
        return None
    text = _text_of(result, span.file)
    if text is None:
        return None
    line = text.lines[span.end_line] if span.end_line < len(text.lines) else ""
    rest = line[span.end_col:]
    if change.kind in ("add_column", "drop_column"):
        if rest.strip() not in ("", ",") and not rest.strip().startswith("--"):
            return None
    elif rest.strip() not in ("", "(") and not rest.strip().startswith("--"):
        return None
    name = old if _PLAIN.match(old) else quote_ident(old, result.desired.dialect)
    at = lsp.Position(line=span.end_line, character=utf16_column(line, len(line.rstrip())))
    return old, _edit(text.path, lsp.Range(start=at, end=at), f" -- @renamed from={name}")


def _partner(result: CheckResult, change: Change) -> Change | None:
    """The add of a drop+add pair (its span is where the rename is declared)."""
    kind = "add_column" if change.kind == "drop_column" else "create_table"
    return next((c for c in result.changes if c.kind == kind and c.table == change.table
                 and c.schema == change.schema and c.name == change.rename_candidate), None)
