"""COMMENT ON tables, columns, enum types and schemas.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt


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
