"""What the studio knows about the database's tables: names, row estimates, columns,
keys and relations.

The schema comes from the same introspection as `check`, so the studio shows the tables
exactly as the rest of schemalens sees them. Every name the page sends is looked up here
before it reaches SQL: an identifier that is not in the catalog is refused, and one that is
gets quoted (defence in depth against injection through identifiers).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.connect import Database
from schemalens.model import Schema, Table


class UnknownObject(LookupError):
    """A schema, table or column that the database does not have."""


def ident(name: str) -> str:
    """Always-quoted identifier: no keyword list to keep up to date, case and spaces kept."""
    if "\x00" in name:
        raise UnknownObject("identifiers cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def name_sql(db: Database, name: str) -> str:
    """A quoted name in a statement that has parameters (every statement of rows.py)."""
    return ident(name).replace("%", dialects.get(db.dialect).runtime.percent)


def qualified(db: Database, table: Table) -> str:
    return dialects.get(db.dialect).runtime.table_sql(name_sql(db, table.schema), name_sql(db, table.name))


@dataclass
class TableEntry:
    schema: str
    name: str
    rows: int | None
    exact: bool


class Catalog:
    """The introspected schema, cached until something may have changed it (a write in the
    SQL console, or the page's refresh button)."""

    def __init__(self) -> None:
        self._schema: Schema | None = None
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        with self._lock:
            self._schema = None

    def schema(self, db: Database) -> Schema:
        with self._lock:
            if self._schema is None:
                self._schema = _introspect(db)
            return self._schema

    def table(self, db: Database, schema: str, name: str) -> Table:
        found = self.schema(db).table(schema, name)
        if found is None:
            raise UnknownObject(f"no table {schema}.{name}")
        return found

    def entries(self, db: Database) -> list[TableEntry]:
        schema = self.schema(db)
        counts = dialects.get(db.dialect).runtime.row_counts(
            db.conn, db.url, [(t.schema, t.name, not t.without_rowid) for t in schema.tables], ident)
        return [TableEntry(t.schema, t.name, *counts.get(t.key, (None, False)))
                for t in sorted(schema.tables, key=lambda t: (t.schema, t.name))]

    def referenced_by(self, db: Database, table: Table) -> list[dict[str, Any]]:
        out = []
        for other in self.schema(db).tables:
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == table.key:
                    out.append({"schema": other.schema, "table": other.name, "name": fk.name,
                                "columns": fk.columns, "ref_columns": fk.ref_columns})
        return out


def _introspect(db: Database) -> Schema:
    dialect = dialects.get(db.dialect)
    return dialect.read_catalog(db.conn, dialect.runtime.user_schemas(db.conn), [])


def table_json(db: Database, catalog: Catalog, table: Table, read_only: bool) -> dict[str, Any]:
    """Everything the page needs to draw a table's grid and its schema view."""
    pk = table.primary_key.columns if table.primary_key else []
    fk_by_column = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    columns = []
    dialect = dialects.get(db.dialect)
    runtime = dialect.runtime
    # A column's type names its enum as SQL (`public.mood`): the page offers the values.
    enums = {dialect.qualified(e.schema, e.name): e.values for e in catalog.schema(db).enums}
    for c in table.columns:
        fk = fk_by_column.get(c.name)
        columns.append({
            "name": c.name, "type": c.type, "kind": "enum" if c.type in enums else runtime.column_kind(c.type),
            "values": enums.get(c.type),
            "nullable": runtime.can_be_null(c, table), "default": c.default, "pk": c.name in pk,
            "generated": c.generated is not None, "identity": c.identity is not None,
            "comment": c.comment,
            "fk": None if fk is None else {"schema": fk.ref_schema, "table": fk.ref_table,
                                           "column": fk.ref_columns[0]},
        })
    reason = None
    if read_only:
        reason = "the studio was started with --read-only"
    elif not pk:
        reason = "this table has no primary key, so a row cannot be identified safely: read-only"
    return {
        "schema": table.schema, "name": table.name, "columns": columns,
        "primary_key": pk, "editable": reason is None, "read_only_reason": reason,
        "foreign_keys": [{"name": fk.name, "columns": fk.columns, "schema": fk.ref_schema,
                          "table": fk.ref_table, "ref_columns": fk.ref_columns,
                          "on_delete": fk.on_delete, "on_update": fk.on_update}
                         for fk in table.foreign_keys],
        "referenced_by": catalog.referenced_by(db, table),
        "uniques": [{"name": u.name, "columns": u.columns} for u in table.uniques],
        "checks": [{"name": c.name, "expression": c.expression} for c in table.checks],
        "indexes": [{"name": i.name, "columns": i.columns, "unique": i.unique, "method": i.method,
                     "where": i.where} for i in table.indexes],
        "comment": table.comment,
    }
