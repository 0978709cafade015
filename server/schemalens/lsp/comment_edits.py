"""Quick fixes for PostgreSQL comments: COMMENT ON TABLE / COLUMN is a statement of its
own, so the fix edits the file's own statement for the object (its literal replaced, or
the statement deleted when the database has no comment) or adds one after the table's
statement. Rewriting the CREATE TABLE cannot do it: the file's later COMMENT ON would
still win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pglast
from lsprotocol import types as lsp
from pglast.enums import ObjectType
from pygls import uris

from schemalens import dialects
from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.file_text import FileText, text_of
from schemalens.lsp.table_elements import Piece, statement_deletion
from schemalens.model import Table
from schemalens.dialects.postgresql import render as render_pg

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
        for start, sql in text.statements("postgresql"):
            stated = _read(text, start, sql) if _COMMENT_ON.match(sql) else None
            key = _key(stated, table) if stated is not None else None
            if key is not None:
                found.setdefault(key, []).append(stated)
    return found


def _read(text: FileText, start: int, sql: str) -> Stated | None:
    node = _comment_node(sql)
    if node is None:
        return None
    _, end = text.statement_around(start, "postgresql")
    return Stated(text, start, end, sql, tuple(n.sval for n in node.object), node.objtype == ObjectType.OBJECT_COLUMN)


def _comment_node(sql: str) -> object | None:
    try:
        node = pglast.parse_sql(sql)[0].stmt
    except (pglast.parser.ParseError, IndexError):
        return None
    if type(node).__name__ != "CommentStmt" or node.objtype not in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_COLUMN):
        return None
    return node


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
        pieces = [(stated[-1].text, _new_literal(stated[-1], have, change.name, wanted))]
    elif wanted is not None:
        text = text_of(result, want.span.file) if want.span is not None else None
        piece = comment_after_table(text, want, comment_sql(have, change.name, wanted)) if text else None
        if piece is None:
            return None
        pieces = [(text, piece)]
    else:
        return None
    return _edit(pieces)


def _new_literal(stated: Stated, table: Table, column: str, comment: str) -> Piece:
    """Only the literal replaced, when the edited statement provably says the new comment
    about the same object; else the statement written anew (its line's comment stays)."""
    m = _LITERAL.search(stated.sql)
    if m is not None:
        start, end = stated.start + m.start("literal"), stated.start + m.end("literal")
        edited = stated.text.text[stated.start:start] + render_pg.literal(comment) + stated.text.text[end:stated.end]
        node = _comment_node(edited.rstrip().rstrip(";"))
        if node is not None and node.comment == comment and tuple(n.sval for n in node.object) == stated.names:
            return Piece(start, end, render_pg.literal(comment))
    return Piece(stated.start, stated.start + len(stated.sql), comment_sql(table, column, comment).rstrip(";"))


def comment_sql(table: Table, column: str, comment: str) -> str:
    """COMMENT ON TABLE (column "") or COLUMN, as push writes it."""
    target = f"TABLE {render_pg.qn(table.schema, table.name)}"
    if column:
        target = f"COLUMN {render_pg.qn(table.schema, table.name)}.{render_pg.q(column)}"
    return f"COMMENT ON {target} IS {render_pg.literal(comment)};"


def comment_after_table(text: FileText, table: Table, sql: str) -> Piece | None:
    """A new statement on its own line after the table's statement (after the comment
    that ends that line, if any)."""
    if table.span is None or table.span.file != text.path:
        return None
    _, name_end = text.span_offsets(table.span)
    bounds = text.statement_around(name_end, "postgresql")
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
