"""DROP of tables, indexes, sequences, types, schemas and extensions, and dropping a column
(ALTER TABLE, or DROP TYPE ... CASCADE): what depends on the dropped object goes with it
under CASCADE and is an error without, as in PostgreSQL.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.nodes import Json, column_refs, names_of
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Column, Span, Table


# Relations a constraint or a column needs: dropping one alone is an error.
_REQUIRED = ("constraint-index", "serial-sequence", "identity-sequence")


class Drops(State):
    """DROP statements, and dropping a column."""

    def _DropStmt(self, stmt: Stmt, body: Json) -> None:
        kind = body["removeType"]
        cascade = body.get("behavior") == "DROP_CASCADE"
        missing_ok = bool(body.get("missing_ok"))
        span = self.stmt_span(stmt)
        for obj in body.get("objects", ()):
            if "List" in obj:
                names = names_of(obj["List"]["items"])
            elif "TypeName" in obj:
                names = names_of(obj["TypeName"]["names"])
            elif "String" in obj:
                names = [obj["String"]["sval"]]
            else:
                names = []
            if kind == "OBJECT_TABLE":
                self.drop_table(names, cascade, missing_ok, span)
            elif kind == "OBJECT_INDEX":
                self.drop_relation(names, "index", missing_ok, span)
            elif kind == "OBJECT_SEQUENCE":
                self.drop_relation(names, "sequence", missing_ok, span)
            elif kind == "OBJECT_TYPE":
                self.drop_type(names, cascade, missing_ok, span)
            elif kind == "OBJECT_SCHEMA":
                self.drop_schema(names[0], cascade, missing_ok, span)
            elif kind == "OBJECT_EXTENSION":
                before = len(self.schema.extensions)
                self.schema.extensions = [e for e in self.schema.extensions if e.name != names[0]]
                if before == len(self.schema.extensions) and not missing_ok:
                    self.error("unknown-extension", f'extension "{names[0]}" does not exist', span)
            else:
                self.unmanaged_stmt(stmt)
                return

    def drop_table(self, names: list[str], cascade: bool, missing_ok: bool, span: Span) -> None:
        rv = {"relname": names[-1], "schemaname": names[-2] if len(names) > 1 else None}
        table = self.find_table(rv)
        if table is None:
            if not missing_ok and not self.is_unmanaged_rel(rv):
                self.error("unknown-table", f'table "{".".join(names)}" does not exist', span)
            return
        for other in self.schema.tables:
            if other is table:
                continue
            for fk in list(other.foreign_keys):
                if (fk.ref_schema, fk.ref_table) == table.key:
                    if not cascade:
                        self.error("dependent-objects", f"cannot drop table {table.name} because "
                                   f"a foreign key of {other.name} depends on it", span)
                    other.foreign_keys.remove(fk)
        self.schema.tables.remove(table)
        del self.tables[table.key]
        self.relations = {k: v for k, v in self.relations.items() if v[2] is not table}
        for seq in [s for s in self.schema.sequences if s.owned_by and s.owned_by[:2] == table.key]:
            self.schema.sequences.remove(seq)
            self.relations.pop(seq.key, None)

    def drop_identity_sequence(self, column: Column) -> None:
        """An identity's sequence goes with the identity (DROP IDENTITY, DROP COLUMN)."""
        self.relations = {k: v for k, v in self.relations.items()
                          if not (v[0] == "identity-sequence" and v[1] is column)}

    def drop_relation(self, names: list[str], kind: str, missing_ok: bool, span: Span) -> None:
        found = self.find_relation(names)
        if found is None or found[1][0] not in (kind, *_REQUIRED):
            if not missing_ok:
                self.error(f"unknown-{kind}", f'{kind} "{".".join(names)}" does not exist', span)
            return
        key, (found_kind, obj, table) = found
        if found_kind in _REQUIRED:
            self.error("dependent-objects", f"cannot drop {kind} {key[1]}: a constraint or "
                       "column default requires it", span)
            return
        del self.relations[key]
        if kind == "index" and table is not None:
            table.indexes.remove(obj)
        elif kind == "sequence":
            self.schema.sequences.remove(obj)

    def drop_type(self, names: list[str], cascade: bool, missing_ok: bool, span: Span) -> None:
        enum = self.find_enum(names)
        if enum is None:
            if not missing_ok:
                self.error("unknown-type", f'type "{".".join(names)}" does not exist', span)
            return
        users = [(key, col) for key, col, _ in self.enum_columns.values() if key == enum.key]
        if users and not cascade:
            self.error("dependent-objects", f"cannot drop type {enum.name} because column "
                       f"{users[0][1].name} depends on it", span)
        for table in self.schema.tables:
            for _, col in users:
                if col in table.columns:
                    self.drop_column(table, col, True, span)
        self.schema.enums.remove(enum)

    def drop_schema(self, name: str, cascade: bool, missing_ok: bool, span: Span) -> None:
        ns = next((n for n in self.schema.namespaces if n.name == name), None)
        if ns is None:
            if not missing_ok:
                self.error("unknown-schema", f'schema "{name}" does not exist', span)
            return
        inside = [t for t in self.schema.tables if t.schema == name]
        if (inside or any(e.schema == name for e in self.schema.enums)) and not cascade:
            self.error("dependent-objects", f"cannot drop schema {name} because objects in it "
                       "depend on it", span)
        for table in inside:
            self.drop_table([name, table.name], True, True, span)
        self.schema.enums = [e for e in self.schema.enums if e.schema != name]
        self.schema.sequences = [s for s in self.schema.sequences if s.schema != name]
        self.schema.namespaces.remove(ns)

    def drop_column(self, table: Table, column: Column, cascade: bool, span: Span) -> None:
        name = column.name
        extra = self.extra[id(table)]
        if table.primary_key and name in table.primary_key.columns:
            self.relations.pop((table.schema, table.primary_key.name or ""), None)
            table.primary_key = None
        for u in [u for u in table.uniques if name in u.columns]:
            self.relations.pop((table.schema, u.name or ""), None)
            table.uniques.remove(u)
        table.foreign_keys = [f for f in table.foreign_keys if name not in f.columns]
        for check in list(table.checks):
            raw = extra.deferred.get((id(check), "expression"))
            if raw and name in column_refs(raw[2]):
                table.checks.remove(check)
        for index in list(table.indexes):
            raw_cols = extra.deferred.get((id(index), "columns"))
            raw_where = extra.deferred.get((id(index), "where"))
            refs = column_refs(raw_cols[2] if raw_cols else None) | column_refs(
                raw_where[2] if raw_where else None)
            refs |= {e["IndexElem"].get("name") for e in (raw_cols[2] if raw_cols else [])}
            if name in refs or name in index.include:
                table.indexes.remove(index)
                self.relations = {k: v for k, v in self.relations.items() if v[1] is not index}
        for other in self.schema.tables:
            for fk in list(other.foreign_keys):
                if (fk.ref_schema, fk.ref_table) == table.key and name in fk.ref_columns:
                    if not cascade and other is not table:
                        self.error("dependent-objects", f'cannot drop column {name} of table '
                                   f'{table.name} because foreign key of {other.name} depends on it',
                                   span)
                    other.foreign_keys.remove(fk)
        serial = self.serial_of(column)
        if serial is not None:
            del self.relations[serial]
        self.drop_identity_sequence(column)
        for seq in [s for s in self.schema.sequences if s.owned_by == (table.schema, table.name, name)]:
            self.schema.sequences.remove(seq)  # a sequence goes with the column that owns it
            self.relations.pop(seq.key, None)
        table.columns.remove(column)
        del extra.columns[name]
        self.enum_columns.pop(id(column), None)
