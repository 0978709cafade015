"""Quick fixes that write one constraint of the database into the schema file: the
database's constraint added as a new element at the end of the CREATE TABLE list, the
file's constraint taken out (a table-level element with one comma, or just its clause
from a column's text), or, for a constraint both have in other shapes (diff reports a
drop and an add), the file's text replaced by the database's. Nothing else of the
statement changes, so every other line keeps its comments and layout.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from schemalens import dialects
from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.file_text import text_of
from schemalens.lsp.table_elements import (
    Piece,
    TableFix,
    added_by_alter,
    after_element,
    constraints,
    from_list,
    inline_clause,
    named_outside,
    referenced_key,
    still_parses,
    workspace_edit,
)
from schemalens.model import Check, ForeignKey, PrimaryKey, Table, Unique

Constraint = PrimaryKey | Unique | ForeignKey | Check

_ADD_CONSTRAINT = re.compile(r"ALTER\s+TABLE\s+[^,;]*?\s+ADD\s+", re.IGNORECASE)


def constraint_fix(result: CheckResult, change: Change, have: Table, want: Table) -> lsp.WorkspaceEdit | None:
    """An edit of the constraint's own text (and its partner's, for a changed one); None
    when it cannot be placed safely (the caller may rewrite the whole statement)."""
    text = text_of(result, want.span.file) if want.span is not None else None
    if text is None or change.kind not in ("add_constraint", "drop_constraint"):
        return None
    partner = _partner(result, change)
    if change.kind == "drop_constraint":
        database, file = change.before, partner.after if partner else None
    else:
        database, file = (partner.before if partner else None), change.after
    fix = TableFix(result, text, have, want)
    pieces = _pieces(fix, database, file)
    if not pieces or not still_parses(fix, pieces):
        return None
    return workspace_edit(text, pieces)


def _partner(result: CheckResult, change: Change) -> Change | None:
    """The other half of a constraint both sides have in different shapes: the same
    name, else the same columns (a primary key: the table has one), else the only
    changed check of the table on each side (SQLite checks are often unnamed)."""
    kind = "drop_constraint" if change.kind == "add_constraint" else "add_constraint"

    def obj(c: Change) -> Constraint:
        return c.before if c.kind == "drop_constraint" else c.after

    def same_table(c: Change) -> bool:
        return c.schema == change.schema and c.table == change.table and type(obj(c)) is type(obj(change))

    mine = obj(change)
    others = [c for c in result.changes if c.kind == kind and same_table(c)]
    if isinstance(mine, PrimaryKey):
        return others[0] if others else None
    found = [c for c in others if change.name and c.name == change.name]
    found = found or [c for c in others if not isinstance(mine, Check) and obj(c).columns == mine.columns]
    if not found and isinstance(mine, Check):
        mine_side = [c for c in result.changes if c.kind == change.kind and same_table(c)]
        found = others if len(others) == 1 and len(mine_side) == 1 else []
    return found[0] if len(found) == 1 else None


def _pieces(fix: TableFix, database: Constraint | None, file: Constraint | None) -> list[Piece] | None:
    """A table-level file constraint is replaced in place; an inline one leaves its
    column's text and the database's goes at the end of the list."""
    named = file is not None and file.name is not None
    definition = _definition(fix, database, named) if database is not None else None
    where = fix.in_file(file) if file is not None else None
    if file is not None and where is None:
        return None
    inline = fix.column_holding(where[0]) if where is not None else None
    if file is not None and _needed(fix, file, where, database):
        return None
    if where is not None and definition is not None and inline is None:
        return [Piece(*where, definition)]  # also where an ALTER TABLE ... ADD writes it
    pieces: list[Piece] = []
    if file is not None:
        removal = _removal(fix, where, inline)
        if removal is None:
            return None
        pieces.append(removal)
    if definition is not None:
        elements = fix.element_list()
        last = fix.last_element(elements) if elements is not None else None
        if last is None:
            return None
        pieces += after_element(fix.text, elements, last, definition)
    return pieces


def _definition(fix: TableFix, obj: Constraint, named: bool) -> str:
    """The database's constraint as a table-level element. A PostgreSQL name that is the
    one PostgreSQL would choose is left out, as a user writes it (diff matches an
    unnamed constraint by shape), unless the file's own constraint names it."""
    taken = {o.name for o in (*constraints(fix.have), *fix.have.indexes) if o.name and o.name != obj.name}
    dialect = dialects.get(fix.dialect)
    chosen = dialect.default_constraint_name(fix.have, obj, taken)
    return dialect.constraint_definition(obj, with_name=named or obj.name != chosen)


def _removal(fix: TableFix, where: tuple[int, int], column: tuple[int, int] | None) -> Piece | None:
    if column is not None:
        return _clause_removal(fix, where, column)
    return from_list(fix, where) or added_by_alter(fix.text, where, fix.dialect, _ADD_CONSTRAINT)


def _needed(fix: TableFix, obj: Constraint, where: tuple[int, int], database: Constraint | None) -> bool:
    """Whether something else in the file relies on the file's constraint as written: a
    key a foreign key points at (when its columns would change), or a name another
    statement uses (VALIDATE CONSTRAINT, COMMENT ON CONSTRAINT) that would change."""
    moved = isinstance(obj, (PrimaryKey, Unique)) and getattr(database, "columns", None) != obj.columns
    if moved and referenced_key(fix.result, fix.want, obj.columns):
        return True
    if obj.name is None or (database is not None and database.name == obj.name):
        return False
    return named_outside(fix.text, obj.name, *where)


def _clause_removal(fix: TableFix, where: tuple[int, int], column: tuple[int, int]) -> Piece | None:
    """Just the constraint's clause out of its column's text, with the blanks before it
    (after it, when the clause starts its line)."""
    clause = inline_clause(fix, where, column)
    if clause is None:
        return None
    start, end = clause
    body = fix.text.text
    if fix.text.first_on_line(start):
        stop = end
        while stop < len(body) and body[stop] in " \t":
            stop += 1
        return Piece(start, stop, "")
    lo = start
    while lo > column[0] and body[lo - 1] in " \t":
        lo -= 1
    return Piece(lo, end, "")
