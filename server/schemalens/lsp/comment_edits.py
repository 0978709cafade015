"""Quick fixes for PostgreSQL comments: COMMENT ON TABLE / COLUMN is a statement of its
own, so the fix edits the file's own statement for the object (its literal replaced, or
the statement deleted when the database has no comment) or adds one after the table's
statement. Rewriting the CREATE TABLE cannot do it: the file's later COMMENT ON would
still win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls import uris

from schemalens import dialects
from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.file_text import FileText, text_of
from schemalens.lsp.table_elements import Piece, statement_deletion
from schemalens.model import Column, Table

_COMMENT_ON = re.compile(r"COMMENT\s+ON\s+(?:TABLE|COLUMN)\b", re.IGNORECASE)
# The literal a COMMENT ON statement ends with (comments may follow it before the `;`).
_LITERAL = re.compile(r"""\bIS\s+(?P<literal>NULL|[Ee]'(?:\\.|[^'\\]|'')*'|'(?:[^']|'')*'
                      |\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$)(?:\s|/\*.*?\*/|--[^\n]*)*\Z""",
                      re.IGNORECASE | re.DOTALL | re.VERBOSE)


@dataclass(frozen=True)
class Stated:
    """One of the file's COMMENT ON statements: where it is and what it names."""

    text: FileText
    start: int
    end: int  # after its `;`
    sql: str  # without the `;`
    names: tuple[str, ...]
    column: bool


def stated_comments(result: CheckResult, table: Table) -> dict[str, list[Stated]]:
    """The file's COMMENT ON statements for the table ("") and its columns (by name), in
    the order they run: the last one of an object is the one that counts."""
    found: dict[str, list[Stated]] = {}
    for path in result.texts:
        text = text_of(result, path)
        for start, sql in text.statements(result.desired.dialect):
            stated = _read(text, start, sql, result.desired.dialect) if _COMMENT_ON.match(sql) else None
            key = _key(stated, table) if stated is not None else None
            if key is not None:
                found.setdefault(key, []).append(stated)
    return found


def _read(text: FileText, start: int, sql: str, dialect: str) -> Stated | None:
    read = dialects.get(dialect).comment_on(sql)
    if read is None:
        return None
    _, end = text.statement_around(start, dialect)
    return Stated(text, start, end, sql, read.names, read.column)


def _key(stated: Stated, table: Table) -> str | None:
    """The column name ("" for the table) when the statement is about this table; an
    unqualified name is taken to be this table, as the source resolves it."""
    names = list(stated.names)
    column = names.pop() if stated.column else ""
    if names[-1:] != [table.name] or (len(names) > 1 and names[-2] != table.schema):
        return None
    return column


def comment_fix(result: CheckResult, change: Change, have: Table, want: Table) -> lsp.WorkspaceEdit | None:
    """The database's comment on the table or column written into the file; None when
    the column is not on both sides (its own fix carries its comment) or the file's
    statement cannot be edited safely."""
    if not dialects.get(result.desired.dialect).comment_statements:
        return None
    if not isinstance(change.after if change.after is not None else change.before, (Table, Column)):
        return None  # an index's or a constraint's comment: no quick fix writes those
    if change.name:
        column = have.column(change.name)
        if column is None or want.column(change.name) is None:
            return None
        wanted = column.comment
    else:
        wanted = have.comment
    stated = stated_comments(result, want).get(change.name, [])
    if stated and wanted is None:
        pieces = [(s.text, statement_deletion(s.text, s.start, s.end)) for s in stated]
    elif stated:
        pieces = [(stated[-1].text, _new_literal(result.desired.dialect, stated[-1], have, change.name, wanted))]
    elif wanted is not None:
        text = text_of(result, want.span.file) if want.span is not None else None
        dialect = result.desired.dialect
        statement = dialects.get(dialect).comment_sql(have.schema, have.name, change.name, wanted)
        piece = comment_after_table(text, want, statement, dialect) if text else None
        if piece is None:
            return None
        pieces = [(text, piece)]
    else:
        return None
    return _edit(pieces)


def _new_literal(dialect: str, stated: Stated, table: Table, column: str, comment: str) -> Piece:
    """Only the literal replaced, when the edited statement provably says the new comment
    about the same object; else the statement written anew (its line's comment stays)."""
    sql = dialects.get(dialect)
    m = _LITERAL.search(stated.sql)
    if m is not None:
        start, end = stated.start + m.start("literal"), stated.start + m.end("literal")
        edited = stated.text.text[stated.start:start] + sql.literal(comment) + stated.text.text[end:stated.end]
        read = sql.comment_on(edited.rstrip().rstrip(";"))
        if read is not None and read.comment == comment and read.names == stated.names:
            return Piece(start, end, sql.literal(comment))
    return Piece(stated.start, stated.start + len(stated.sql), sql.comment_sql(table.schema, table.name, column, comment).rstrip(";"))


def comment_after_table(text: FileText, table: Table, sql: str, dialect: str) -> Piece | None:
    """A new statement on its own line after the table's statement (after the comment
    that ends that line, if any)."""
    if table.span is None or table.span.file != text.path:
        return None
    _, name_end = text.span_offsets(table.span)
    bounds = text.statement_around(name_end, dialect)
    if bounds is None:
        return None
    end = bounds[1]
    at = text.line_end(end) if text.rest_is_comment(end) else end
    return Piece(at, at, f"{text.newline}{sql}")


def _edit(pieces: list[tuple[FileText, Piece]]) -> lsp.WorkspaceEdit:
    changes: dict[str, list[lsp.TextEdit]] = {}
    for text, piece in pieces:
        uri = uris.from_fs_path(text.path) or text.path
        changes.setdefault(uri, []).append(lsp.TextEdit(range=text.range(piece.start, piece.end), new_text=piece.new))
    return lsp.WorkspaceEdit(changes=changes)
