"""Reading one statement's text the way PostgreSQL's parser does, for the editor's quick
fixes: which object a COMMENT ON names, and where a column's inline clause ends (the file
reader's span of an inline constraint runs to the end of its column)."""

from __future__ import annotations

from dataclasses import dataclass

import pglast
from pglast.enums import ConstrType, ObjectType

# Attributes belong to the constraint before them; they do not start a clause.
_ATTRIBUTES = {ConstrType.CONSTR_ATTR_DEFERRABLE, ConstrType.CONSTR_ATTR_NOT_DEFERRABLE,
               ConstrType.CONSTR_ATTR_DEFERRED, ConstrType.CONSTR_ATTR_IMMEDIATE}
_PREFIX = "CREATE TABLE t ("


@dataclass(frozen=True)
class CommentOn:
    """A COMMENT ON TABLE / COLUMN statement: the names as written, and the comment."""

    names: tuple[str, ...]
    column: bool
    comment: str | None


def comment_on(sql: str) -> CommentOn | None:
    """The statement as a comment on a table or column; None for anything else."""
    try:
        node = pglast.parse_sql(sql)[0].stmt
    except (pglast.parser.ParseError, IndexError):
        return None
    if type(node).__name__ != "CommentStmt" or node.objtype not in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_COLUMN):
        return None
    return CommentOn(tuple(n.sval for n in node.object), node.objtype == ObjectType.OBJECT_COLUMN, node.comment)


def clause_end(column_text: str, offset: int) -> int | None:
    """Where the clause at `offset` of a column's text ends: the next constraint clause
    (not an attribute such as DEFERRABLE, which belongs to it) or COLLATE, else the
    column's end. None when the column's text cannot be read."""
    try:
        node = pglast.parse_sql(f"{_PREFIX}{column_text})")[0].stmt.tableElts[0]
    except (pglast.parser.ParseError, IndexError, AttributeError):
        return None
    starts = [c.location - len(_PREFIX) for c in node.constraints or () if c.contype not in _ATTRIBUTES]
    if node.collClause is not None:
        starts.append(node.collClause.location - len(_PREFIX))
    if offset not in starts:
        return None
    later = [s for s in starts if s > offset]
    return min(later) if later else len(column_text)
