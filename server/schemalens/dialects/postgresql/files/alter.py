"""ALTER TABLE: its commands on columns and constraints.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.drops import Drops
from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.properties import (
    COLUMN_STATISTICS_CMDS, TABLE_PROPERTY_CMDS, Properties, set_column_statistics)
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.files.tables import Tables
from schemalens.dialects.postgresql.names import quote_ident
from schemalens.model import Table


_COLUMN_CMDS = {"AT_ColumnDefault", "AT_SetNotNull", "AT_DropNotNull", "AT_DropColumn",
                "AT_AlterColumnType", "AT_AddIdentity", "AT_SetIdentity", "AT_DropIdentity",
                "AT_SetExpression", "AT_DropExpression", *COLUMN_STATISTICS_CMDS}


class AlterTable(Tables, Drops, Properties):
    """ALTER TABLE."""

    def _AlterTableStmt(self, stmt: Stmt, body: Json) -> None:
        rv = body["relation"]
        objtype = body.get("objtype", "OBJECT_TABLE")
        cmds = [c["AlterTableCmd"] for c in body.get("cmds", ())]
        if any(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            self.skipped(stmt, "OWNER TO (ownership is not managed)")
        if all(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            return
        if objtype == "OBJECT_INDEX" and self.alter_index(stmt, body):
            return
        if objtype != "OBJECT_TABLE":
            self.unmanaged_stmt(stmt)
            return
        table = self.find_table(rv)
        if table is None:
            if self.is_unmanaged_rel(rv):
                self.not_managed("change to table", self.rel_name(rv), self.stmt_span(stmt),
                                 "the table is not managed")
            elif not body.get("missing_ok"):
                self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                           self.name_span(stmt, rv))
            return
        for cmd in cmds:
            self.alter_cmd(stmt, table, cmd)

    def alter_cmd(self, stmt: Stmt, table: Table, cmd: Json) -> None:
        sub = cmd["subtype"]
        span = self.stmt_span(stmt)
        extra = self.extra[id(table)]
        if sub == "AT_ChangeOwner":
            return
        if sub == "AT_AddColumn":
            node = cmd["def"]["ColumnDef"]
            if cmd.get("missing_ok") and self.col(table, node["colname"]) is not None:
                return
            start = self.at(stmt, node.get("location"))
            self.add_column(stmt, table, node, self.f.span(start, stmt.end), start, stmt.end,
                            stmt.end + 1)
            return
        if sub == "AT_AddConstraint":
            c = cmd["def"]["Constraint"]
            start = self.at(stmt, c.get("location"))
            extra.last_constraint = None
            self.add_constraint(stmt, table, c, None, (start, stmt.end))
            return
        if sub == "AT_DropConstraint":
            self.drop_constraint(table, cmd, span)
            return
        if sub in TABLE_PROPERTY_CMDS:
            self.table_property(table, cmd, span)
            return
        if sub == "AT_ValidateConstraint":
            self.validate_constraint(table, cmd["name"], span)
            return
        if sub == "AT_AlterConstraint":
            self.alter_constraint(table, cmd["def"]["ATAlterConstraint"], span)
            return
        column = self.col(table, cmd.get("name", ""))
        if sub in _COLUMN_CMDS and column is None:
            if not cmd.get("missing_ok"):
                self.error("unknown-column", f'column "{cmd.get("name")}" of relation '
                           f'"{table.name}" does not exist', span)
            return
        if sub == "AT_ColumnDefault":
            extra.deferred.pop((id(column), "default"), None)
            column.default = None  # type: ignore[union-attr]
            if cmd.get("def"):
                extra.deferred[(id(column), "default")] = (column, "default", cmd["def"])
        elif sub == "AT_SetNotNull":
            column.nullable = False  # type: ignore[union-attr]
        elif sub == "AT_DropNotNull":
            column.nullable = True  # type: ignore[union-attr]
        elif sub == "AT_DropColumn":
            self.drop_column(table, column, cmd.get("behavior") == "DROP_CASCADE", span)  # type: ignore[arg-type]
        elif sub == "AT_AlterColumnType":
            node = cmd["def"]["ColumnDef"]
            serial = self.serial_of(column)  # type: ignore[arg-type]
            if serial is not None:
                self.listed_sequence(serial)  # keeps its type: now it differs from the column's
            self.set_type(stmt, table, column, node["typeName"], span)  # type: ignore[arg-type]
            if node.get("collClause"):
                column.collation = ".".join(  # type: ignore[union-attr]
                    quote_ident(n) for n in names_of(node["collClause"]["collname"]))
        elif sub == "AT_AddIdentity":
            self.set_identity(stmt, table, column, cmd["def"]["Constraint"])  # type: ignore[arg-type]
        elif sub == "AT_SetIdentity":
            if column.identity is None:  # type: ignore[union-attr]
                self.error("invalid-identity", f'column "{column.name}" is not an identity column', span)  # type: ignore[union-attr]
            else:
                options = cmd.get("def", {}).get("List", {}).get("items", [])
                self.identity_options(column.identity, options)  # type: ignore[union-attr]
        elif sub == "AT_DropIdentity":
            column.identity = None  # type: ignore[union-attr]
            self.drop_identity_sequence(column)  # type: ignore[arg-type]
        elif sub == "AT_SetExpression":
            extra.deferred[(id(column), "generated")] = (column, "generated", cmd["def"])
        elif sub == "AT_DropExpression":
            column.generated = None  # type: ignore[union-attr]
            extra.deferred.pop((id(column), "generated"), None)
        elif sub in COLUMN_STATISTICS_CMDS:
            set_column_statistics(column, cmd)  # type: ignore[arg-type]
        else:
            what = sub.removeprefix("AT_")
            self.not_managed(f"ALTER TABLE {what}", f"on {table.schema}.{table.name}", span)
