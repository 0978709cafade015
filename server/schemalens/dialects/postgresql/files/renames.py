"""ALTER ... RENAME of tables, columns, constraints, indexes, sequences and enum types:
everything that refers to the old name follows.
"""

from __future__ import annotations

import copy
from typing import Any

from schemalens.dialects.postgresql.files.constraints import constraint_names
from schemalens.dialects.postgresql.files.deparse import quote_literal
from schemalens.dialects.postgresql.files.nodes import Json, names_of, rename_refs
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.names import quote_ident
from schemalens.dialects.postgresql.serials import drawn_from
from schemalens.model import PrimaryKey, Span, Table, Unique


class Renames(State):
    """RENAME statements."""

    def _RenameStmt(self, stmt: Stmt, body: Json) -> None:
        kind = body["renameType"]
        span = self.stmt_span(stmt)
        new = body["newname"]
        if kind in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"):
            rv = body["relation"]
            table = self.find_table(rv)
            if table is None:
                if self.is_unmanaged_rel(rv):
                    self.unmanaged_stmt(stmt)
                elif not body.get("missing_ok"):
                    self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                               self.name_span(stmt, rv))
                return
            if kind == "OBJECT_TABLE":
                self.rename_table(table, new, span)
            elif kind == "OBJECT_COLUMN":
                self.rename_column(table, body["subname"], new, span)
            else:
                self.rename_constraint(table, body["subname"], new, span)
        elif kind in ("OBJECT_INDEX", "OBJECT_SEQUENCE"):
            rv = body["relation"]
            found = self.find_relation([n for n in (rv.get("schemaname"), rv["relname"]) if n])
            if found is None:
                if not body.get("missing_ok"):
                    self.error("unknown-relation", f'relation "{self.rel_name(rv)}" does not exist',
                               self.name_span(stmt, rv))
                return
            self.rename_relation(found[0], found[1], new, span)
        elif kind == "OBJECT_TYPE":
            enum = self.find_enum(names_of(body["object"]["List"]["items"]))
            if enum is None:
                self.unmanaged_stmt(stmt)
                return
            old_key = enum.key
            enum.name = new
            for key, column, suffix in list(self.enum_columns.values()):
                if key == old_key:
                    self.set_enum_type(column, enum, suffix)
        elif kind == "OBJECT_SCHEMA":
            self.unmanaged_stmt(stmt)
        else:
            self.unmanaged_stmt(stmt)

    def rename_table(self, table: Table, new: str, span: Span) -> None:
        if not self.register(table.schema, new, "table", table, table, span):
            return
        del self.relations[table.key]
        old_key = table.key
        del self.tables[old_key]
        table.name = new
        self.tables[table.key] = table
        for other in self.schema.tables:
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == old_key:
                    fk.ref_table = new
        for seq in self.schema.sequences:
            if seq.owned_by and seq.owned_by[:2] == old_key:
                seq.owned_by = (table.schema, new, seq.owned_by[2])

    def rename_column(self, table: Table, old: str, new: str, span: Span) -> None:
        column = self.col(table, old)
        if column is None:
            self.error("unknown-column", f'column "{old}" does not exist', span)
            return
        if self.col(table, new) is not None:
            self.error("duplicate-column", f'column "{new}" of relation "{table.name}" already exists', span)
            return
        column.name = new
        columns = self.extra[id(table)].columns
        columns[new] = columns.pop(old)

        def swap(names: list[str]) -> list[str]:
            return [new if n == old else n for n in names]

        if table.primary_key:
            table.primary_key.columns = swap(table.primary_key.columns)
        for u in table.uniques:
            u.columns = swap(u.columns)
        for fk in table.foreign_keys:
            fk.columns = swap(fk.columns)
        for index in table.indexes:
            index.include = swap(index.include)
        for other in self.schema.tables:
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == table.key:
                    fk.ref_columns = swap(fk.ref_columns)
        deferred = self.extra[id(table)].deferred
        for key, (obj, attr, raw) in deferred.items():
            raw = copy.deepcopy(raw)  # parse trees are cached between parses: never edit one
            rename_refs(raw, old, new)
            deferred[key] = (obj, attr, raw)
        for seq in self.schema.sequences:
            if seq.owned_by == (table.schema, table.name, old):
                seq.owned_by = (table.schema, table.name, new)

    def rename_constraint(self, table: Table, old: str, new: str, span: Span) -> None:
        for obj in [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks]:
            if obj is not None and obj.name == old:
                if new in constraint_names(table):
                    self.error("duplicate-constraint", f'constraint "{new}" already exists', span)
                    return
                if isinstance(obj, (PrimaryKey, Unique)):
                    if not self.register(table.schema, new, "constraint-index", None, table, span):
                        return
                    self.relations.pop((table.schema, old), None)
                obj.name = new
                return
        self.error("unknown-constraint", f'constraint "{old}" for table "{table.name}" does not exist', span)

    def rename_relation(self, key: tuple[str, str], entry: tuple[str, Any, Table | None],
                        new: str, span: Span) -> None:
        kind, obj, table = entry
        if kind == "table":
            self.rename_table(obj, new, span)
            return
        if kind == "serial-sequence":
            if self.has_relation((key[0], new)):
                self.error("duplicate-name", f'relation "{new}" already exists in schema {key[0]}', span)
                return
            if drawn_from(obj, key[0]) == key:  # the default names it by oid: it follows
                obj.default = f"nextval({quote_literal(f'{quote_ident(key[0])}.{quote_ident(new)}')}::regclass)"
            kind, obj, table = "sequence", self.listed_sequence(key), None
        if not self.register(key[0], new, kind, obj, table, span):
            return
        del self.relations[key]
        if kind in ("index", "sequence"):
            obj.name = new
        elif kind == "constraint-index" and table is not None:
            for con in [table.primary_key, *table.uniques]:
                if con is not None and con.name == key[1]:
                    con.name = new
