"""COMMENT ON tables, columns, indexes, constraints, enum types and schemas.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Check, ForeignKey, PrimaryKey, Table, Unique


class Comments(State):
    """COMMENT statements."""

    def _CommentStmt(self, stmt: Stmt, body: Json) -> None:
        kind = body["objtype"]
        obj = body.get("object", {})
        comment = body.get("comment")
        span = self.stmt_span(stmt)
        if kind in ("OBJECT_TABLE", "OBJECT_COLUMN"):
            names = names_of(obj["List"]["items"])
            if kind == "OBJECT_COLUMN":
                names, col_name = names[:-1], names[-1]
            rv = {"relname": names[-1], "schemaname": names[-2] if len(names) > 1 else None}
            table = self.find_table(rv)
            if table is None:
                if self.is_unmanaged_rel(rv):
                    self.unmanaged_stmt(stmt)
                else:
                    self.error("unknown-table", f'relation "{".".join(names)}" does not exist', span)
                return
            if kind == "OBJECT_TABLE":
                table.comment = comment
                return
            column = self.col(table, col_name)
            if column is None:
                self.error("unknown-column", f'column "{col_name}" of relation "{table.name}" '
                           "does not exist", span)
                return
            column.comment = comment
        elif kind == "OBJECT_INDEX":
            self.comment_on_index(stmt, names_of(obj["List"]["items"]), comment)
        elif kind == "OBJECT_TABCONSTRAINT":
            self.comment_on_constraint(stmt, names_of(obj["List"]["items"]), comment)
        elif kind == "OBJECT_TYPE":
            names = names_of(obj["TypeName"]["names"])
            enum = self.find_enum(names)
            if enum is None:
                self.unmanaged_stmt(stmt)
                return
            enum.comment = comment
        elif kind == "OBJECT_SCHEMA":
            name = obj["String"]["sval"]
            ns = next((n for n in self.schema.namespaces if n.name == name), None)
            if ns is None:
                self.unmanaged_stmt(stmt)
                return
            ns.comment = comment
        else:
            self.unmanaged_stmt(stmt)

    def comment_on_index(self, stmt: Stmt, names: list[str], comment: str | None) -> None:
        """An index's comment; a key's index is an index of its own to PostgreSQL (its
        comment is not the constraint's), which the model does not hold."""
        found = self.find_relation(names)
        if found is not None and found[1][0] == "index":
            found[1][1].comment = comment
        elif found is not None and found[1][0] == "constraint-index":
            self.unmanaged_stmt(stmt)
        else:
            self.error("unknown-index", f'relation "{".".join(names)}" does not exist', self.stmt_span(stmt))

    def comment_on_constraint(self, stmt: Stmt, names: list[str], comment: str | None) -> None:
        span = self.stmt_span(stmt)
        rv = {"relname": names[-2], "schemaname": names[-3] if len(names) > 2 else None}
        table = self.find_table(rv)
        if table is None:
            if self.is_unmanaged_rel(rv):
                self.unmanaged_stmt(stmt)
            else:
                self.error("unknown-table", f'relation "{".".join(names[:-1])}" does not exist', span)
            return
        target = named_constraint(table, names[-1])
        if target is None:
            self.unmanaged_stmt(stmt)  # an EXCLUDE constraint (unnamed ones are named by now: creation_names)
            return
        target.comment = comment


def named_constraint(table: Table, name: str) -> PrimaryKey | Unique | ForeignKey | Check | None:
    objs = [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks]
    return next((o for o in objs if o is not None and o.name == name), None)
