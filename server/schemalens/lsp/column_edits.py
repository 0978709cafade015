"""Quick fixes that write one column of the database into the schema file: its
definition replaced, the database's column inserted, or the file's column taken out,
each touching only that column's text (and one comma), so the comments, layout and
directives of every other line stay as the user wrote them. Where a column cannot be
placed that way (a column other objects name), none is offered and the caller may
rewrite the whole statement (`rewrite_is_safe` says when).
"""

from __future__ import annotations

import dataclasses
import re

from lsprotocol import types as lsp

from schemalens import dialects
from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.comment_edits import comment_after_table, stated_comments
from schemalens.lsp.file_text import statement_at, text_of
from schemalens.lsp.table_elements import (
    ElementList,
    Piece,
    TableFix,
    added_by_alter,
    after_element,
    constraints,
    from_list,
    inline_clause,
    named_outside,
    referenced_key,
    starts_inside,
    statement_deletion,
    still_parses,
    workspace_edit,
)
from schemalens.model import Column, Table


def _definition(fix: TableFix, column: Column) -> str:
    """The database's column as push writes it. The actual schema is the context, so
    that a serial column reads as serial; a SQLite primary key stays where the file
    declares it (the column text never holds it when this is used)."""
    return dialects.get(fix.dialect).column_definition(column, dataclasses.replace(fix.have, primary_key=None),
                                                      fix.result.actual)


def column_fix(result: CheckResult, change: Change, have: Table, want: Table) -> lsp.WorkspaceEdit | None:
    """An edit of the column's own text; None when it cannot be placed safely (the caller
    then rewrites the whole statement)."""
    fixer = {"alter_column": _alter, "drop_column": _insert, "add_column": _remove}.get(change.kind)
    text = text_of(result, want.span.file) if fixer is not None and want.span is not None else None
    if text is None:
        return None
    fix = TableFix(result, text, have, want)
    pieces = fixer(fix, change.name)
    if not pieces or not still_parses(fix, pieces):
        return None
    return workspace_edit(text, pieces)


def _alter(fix: TableFix, name: str) -> list[Piece] | None:
    """The column's definition replaced by the database's; the constraints written in
    its text follow, as written (the column's rendering holds none of them)."""
    column, actual = fix.want.column(name), fix.have.column(name)
    where = fix.in_file(column)
    if where is None or actual is None:
        return None
    clauses = []
    for inner in sorted(filter(None, (fix.in_file(c) for c in constraints(fix.want)
                                      if c.span is not None and starts_inside(c.span, column.span)))):
        clause = inline_clause(fix, inner, where)
        if clause is None:
            return None
        clauses.append(fix.text.text[clause[0]:clause[1]])
    return [Piece(*where, " ".join([_definition(fix, actual), *clauses]))]


def _insert(fix: TableFix, name: str) -> list[Piece] | None:
    """The database's column written after the column that precedes it in the
    database (else after the file's last column), in the table's own layout."""
    column = fix.have.column(name)
    elements = fix.element_list()
    anchor = _anchor(fix, elements, name) if elements is not None and column is not None else None
    if anchor is None:
        return None
    pieces = after_element(fix.text, elements, anchor, _definition(fix, column))
    sql = dialects.get(fix.dialect)
    if column.comment is not None and sql.comment_statements:
        statement = sql.comment_sql(fix.have.schema, fix.have.name, column.name, column.comment)
        comment = comment_after_table(fix.text, fix.want, statement, fix.dialect)
        if comment is None:
            return None
        pieces.append(comment)
    return pieces


def _anchor(fix: TableFix, elements: ElementList, name: str) -> tuple[int, int] | None:
    """Offsets of the file's column to write the new one after."""
    order = [c.name for c in fix.have.columns]
    earlier = reversed(order[:order.index(name)])
    placed = [w for w in (fix.in_file(fix.want.column(n)) for n in earlier) if w and elements.around(w[0])]
    if placed:
        return placed[0]
    listed = [w for w in (fix.in_file(c) for c in fix.want.columns) if w and elements.around(w[0])]
    return max(listed) if listed else None


def _remove(fix: TableFix, name: str) -> list[Piece] | None:
    """The file's column taken out with one adjoining comma (and its line, when nothing
    else is left on it), or the ALTER TABLE that adds it; its COMMENT ON COLUMN goes too.
    Not when anything else in the file names the column."""
    column = fix.want.column(name)
    where = fix.in_file(column)
    if where is None or _referenced(fix, column):
        return None
    piece = from_list(fix, where) or added_by_alter(fix.text, where, fix.dialect, _ADD_COLUMN)
    if piece is None:
        return None
    if column.comment is None or not dialects.get(fix.dialect).comment_statements:
        return [piece]
    stated = stated_comments(fix.result, fix.want).get(column.name, [])
    if any(s.text.path != fix.text.path for s in stated) or not stated:
        return None
    return [piece, *(statement_deletion(s.text, s.start, s.end) for s in stated)]


_ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+[^,;]*?\s+ADD(?:\s+COLUMN)?(?:\s+IF\s+NOT\s+EXISTS)?\s+", re.IGNORECASE)


def _referenced(fix: TableFix, column: Column) -> bool:
    """Whether something outside the column's text names it: taking the column out
    would leave that pointing at nothing."""
    word = _word(column.name)
    table = fix.want
    outside = [c for c in constraints(table) if c.span is None or not starts_inside(c.span, column.span)]
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
    database lacks, statements naming a constraint the database lacks, foreign keys on a
    key it lacks) would be doubled or left naming nothing."""
    found = statement_at(result, want.span)
    if found is None:
        return False
    text, start, end = found
    for span in (o.span for o in (*want.columns, *constraints(want)) if o.span is not None):
        if span.file != text.path or not start <= text.offset(span.start_line, span.start_col) <= end:
            return False
    gone = [c for c in want.columns if have.column(c.name) is None]
    if any(c.comment is not None or _named_by_index(want, c) for c in gone):
        return False
    keys = [set(k.columns) for k in (have.primary_key, *have.uniques) if k is not None]
    if any(set(k.columns) not in keys and referenced_key(result, want, k.columns)
           for k in (want.primary_key, *want.uniques) if k is not None):
        return False
    kept = {c.name for c in constraints(have)}
    return not any(c.name not in kept and named_outside(text, c.name, start, end)
                   for c in constraints(want) if c.name is not None)
