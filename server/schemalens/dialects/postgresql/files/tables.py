"""CREATE TABLE and its columns: their types (built in, serial, enum, or left to resolve at
the end), collations and constraints, and the `@renamed` directives on them.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.constraints import Constraints
from schemalens.dialects.postgresql.files.deparse import (
    array_suffix,
    builtin_type_text,
    plain_type_text,
    quote_literal,
)
from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.properties import storage_options
from schemalens.dialects.postgresql.files.renamed import Directives
from schemalens.dialects.postgresql.files.split import element_end
from schemalens.dialects.postgresql.files.state import TableExtra
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.files.unmanaged import partition_key, unmanaged_table_reason
from schemalens.dialects.postgresql.names import choose_name, quote_ident
from schemalens.dialects.postgresql.types import BUILTIN_TYPES, SERIALS, format_builtin
from schemalens.model import Column, Span, Table


class Tables(Constraints, Directives):
    """CREATE TABLE, and a column wherever one is added."""

    def _CreateStmt(self, stmt: Stmt, body: Json) -> None:
        rv = body["relation"]
        schema, name = self.qualify(rv.get("schemaname"), rv["relname"])
        span = self.name_span(stmt, rv)
        why = unmanaged_table_reason(body)
        if why:
            self.unmanaged_relations.add((schema, name))
            written = ".".join(n for n in (rv.get("schemaname"), name) if n)
            self.not_managed("table", written, span, why, key=(schema, name))
            return
        if body.get("if_not_exists") and self.has_relation((schema, name)):
            return
        table = Table(schema, name, span=span)
        if not self.register(schema, name, "table", table, table, span):
            return
        if self.find_enum([schema, name]) is not None:
            self.error("duplicate-name", f"type {schema}.{name} already exists", span)
            return
        self.tables[(schema, name)] = table
        self.extra[id(table)] = TableExtra()
        self.schema.tables.append(table)
        elements = body.get("tableElts", [])
        starts = [self.at(stmt, next(iter(e.values())).get("location")) for e in elements]
        table.renamed_from_schema, table.renamed_from = self.table_directive(
            stmt, starts[0] if starts else stmt.end, span)
        for i, element in enumerate(elements):
            limit = starts[i + 1] if i + 1 < len(starts) else len(self.f.text)
            (kind, node), = element.items()
            end = element_end(self.f.text, starts[i], limit)
            espan = self.f.span(starts[i], end)
            if kind == "ColumnDef":
                self.add_column(stmt, table, node, espan, starts[i], end, limit)
            elif kind == "Constraint":
                self.add_constraint(stmt, table, node, None, (starts[i], end))
        table.storage = storage_options(body.get("options", []), table=True)
        table.unlogged = rv.get("relpersistence") == "u"
        table.partition_by = partition_key(body["partspec"]) if body.get("partspec") else None
        self.merge_duplicate_keys(table)
        if body.get("tablespacename") or body.get("accessMethod"):
            self.not_managed("tablespace or access method of table", f"{schema}.{name}", span)

    def add_column(self, stmt: Stmt, table: Table, node: Json, span: Span,
                   start: int, end: int, limit: int) -> Column | None:
        name = node["colname"]
        if self.col(table, name) is not None:
            self.error("duplicate-column", f'column "{name}" specified more than once', span)
            return None
        column = Column(name, "", span=span)
        column.renamed_from = self.column_directive(start, end, limit)
        column.using = self.column_directive(start, end, limit, self.using_directives) or None
        serial = self.set_type(stmt, table, column, node["typeName"], span)
        if node.get("collClause"):
            column.collation = ".".join(quote_ident(n) for n in names_of(node["collClause"]["collname"]))
        table.columns.append(column)
        extra = self.extra[id(table)]
        extra.columns[name] = column
        if serial:
            self.make_serial(table, column)
        extra.last_constraint = None
        for c in node.get("constraints", ()):
            cnode = c["Constraint"]
            cstart = self.at(stmt, cnode.get("location"))
            self.add_constraint(stmt, table, cnode, column, (cstart, max(cstart, end)))
        return column

    def set_type(self, stmt: Stmt, table: Table, column: Column, type_name: Json, span: Span) -> bool:
        """Set the column's type text; True when it was a serial pseudo-type."""
        names = names_of(type_name["names"])
        self.enum_columns.pop(id(column), None)
        if type_name.get("pct_type"):
            column.type = ".".join(quote_ident(n) for n in names) + "%TYPE"
            self.warn("unmanaged", f"%TYPE for column {column.name} is not resolved", span)
            return False
        if len(names) == 1 and names[0] in SERIALS and not type_name.get("arrayBounds"):
            column.type = format_builtin(SERIALS[names[0]], [])
            return True
        if names[0] == "pg_catalog" and len(names) == 2:
            column.type = builtin_type_text(names[1], type_name) + array_suffix(type_name)
            return False
        if len(names) == 1 and names[0] in BUILTIN_TYPES:  # pg_catalog comes first in the path
            column.type = builtin_type_text(names[0], type_name) + array_suffix(type_name)
            return False
        enum = self.find_enum(names)
        if enum is not None:
            self.set_enum_type(column, enum, array_suffix(type_name))
        else:
            column.type = plain_type_text(type_name)
            self.pending_types.append((table, column, type_name, list(self.lookup_schemas()), span))
        return False

    def make_serial(self, table: Table, column: Column) -> None:
        seq = self.choose_name(table.schema, table.name, column.name, "seq")
        self.set_relation((table.schema, seq), ("serial-sequence", column, table))
        literal = quote_literal(f"{quote_ident(table.schema)}.{quote_ident(seq)}")
        column.default = f"nextval({literal}::regclass)"
        column.nullable = False
        self.extra[id(table)].deferred.pop((id(column), "default"), None)

    def choose_name(self, schema: str, name1: str, name2: str, label: str) -> str:
        return choose_name(name1, name2, label, lambda name: self.has_relation((schema, name)))
