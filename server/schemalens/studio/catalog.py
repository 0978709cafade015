"""What the studio knows about the database's tables: names, row estimates, columns,
keys and relations.

The schema comes from the same introspection as `check`, so the studio shows the tables
exactly as the rest of schemalens sees them. Every name the page sends is looked up here
before it reaches SQL: an identifier that is not in the catalog is refused, and one that is
gets quoted (defence in depth against injection through identifiers).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from schemalens.connect import Database, sqlite_path
from schemalens.model import Schema, Table

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")
# A table this small is counted exactly (a COUNT(*) over < 1 MB is instant); bigger ones
# show the planner's estimate until the user asks for an exact count.
EXACT_COUNT_BYTES = 1 << 20
SQLITE_EXACT_COUNT_FILE_BYTES = 16 << 20

NUMERIC_TYPES = {"smallint", "integer", "bigint", "real", "double precision", "numeric", "money",
                 "oid", "int", "int2", "int4", "int8", "float4", "float8", "decimal"}


class UnknownObject(LookupError):
    """A schema, table or column that the database does not have."""


def ident(name: str) -> str:
    """Always-quoted identifier: no keyword list to keep up to date, case and spaces kept."""
    if "\x00" in name:
        raise UnknownObject("identifiers cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def qualified(db: Database, table: Table) -> str:
    if db.dialect == "sqlite":
        return ident(table.name)
    return f"{ident(table.schema)}.{ident(table.name)}"


def type_kind(type_text: str, dialect: str) -> str:
    """How the page should show a column's values: number, bool, json, array, bytes, text."""
    t = type_text.lower()
    if dialect == "postgresql":
        base = t.split("(", 1)[0].strip()
        if t.endswith("]"):
            return "array"
        if base in ("json", "jsonb"):
            return "json"
        if base in NUMERIC_TYPES:
            return "number"
        if base == "boolean":
            return "bool"
        if base == "bytea":
            return "bytes"
        return "text"
    if "json" in t:
        return "json"
    if "int" in t or any(k in t for k in ("real", "floa", "doub", "num", "dec")):
        return "number"
    if "bool" in t:
        return "bool"
    if "blob" in t:
        return "bytes"
    return "text"


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
        counts = _pg_counts(db) if db.dialect == "postgresql" else _sqlite_counts(db, schema)
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
    from schemalens import dialects
    from schemalens.workflows import user_schemas

    schemas = user_schemas(db) if db.dialect == "postgresql" else None
    return dialects.get(db.dialect).read_catalog(db.conn, schemas, [])


def _pg_counts(db: Database) -> dict[tuple[str, str], tuple[int | None, bool]]:
    rows = db.conn.execute(
        """SELECT n.nspname, c.relname, c.reltuples::bigint, pg_catalog.pg_relation_size(c.oid)
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg\\_toast%'""").fetchall()
    counts: dict[tuple[str, str], tuple[int | None, bool]] = {}
    small = []
    for schema, name, estimate, size in rows:
        if size <= EXACT_COUNT_BYTES:
            small.append((schema, name))
        else:
            counts[(schema, name)] = (None if estimate < 0 else int(estimate), False)
    for i in range(0, len(small), 100):
        chunk = small[i:i + 100]
        sql = " UNION ALL ".join(
            f"SELECT {j}, count(*) FROM {ident(s)}.{ident(t)}" for j, (s, t) in enumerate(chunk))
        try:
            for j, n in db.conn.execute(sql).fetchall():
                counts[chunk[j]] = (int(n), True)
        except Exception:  # a table we may not read: leave it uncounted, never fail the listing
            continue
    return counts


def _sqlite_counts(db: Database, schema: Schema) -> dict[tuple[str, str], tuple[int | None, bool]]:
    path = sqlite_path(db.url)
    size = os.path.getsize(path) if path != ":memory:" and os.path.exists(path) else 0
    counts: dict[tuple[str, str], tuple[int | None, bool]] = {}
    for t in schema.tables:
        try:
            if size <= SQLITE_EXACT_COUNT_FILE_BYTES:
                counts[t.key] = (db.conn.execute(f"SELECT count(*) FROM {ident(t.name)}").fetchone()[0], True)
            elif not t.without_rowid:
                # max(rowid) is one b-tree descent: an upper bound good enough for a sidebar
                counts[t.key] = (db.conn.execute(f"SELECT max(rowid) FROM {ident(t.name)}").fetchone()[0] or 0,
                                 False)
        except Exception:  # a virtual table whose module is missing: no count, still listed
            continue
    return counts


def table_json(db: Database, catalog: Catalog, table: Table, read_only: bool) -> dict[str, Any]:
    """Everything the page needs to draw a table's grid and its schema view."""
    pk = table.primary_key.columns if table.primary_key else []
    fk_by_column = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    columns = []
    for c in table.columns:
        fk = fk_by_column.get(c.name)
        columns.append({
            "name": c.name, "type": c.type, "kind": type_kind(c.type, db.dialect),
            "nullable": c.nullable, "default": c.default, "pk": c.name in pk,
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
