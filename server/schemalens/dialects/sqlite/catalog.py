"""Live SQLite database -> Schema.

Texts (declared types, defaults, expressions) are kept exactly as SQLite reports or
stores them: the desired side is produced by this same code from a scratch database
built from the schema files, so identical schemas compare equal without any rewriting,
and whatever differs really is different in the database.

The catalog is read in bulk (one query per pragma joined over `sqlite_schema`) because
a save in the editor re-reads it, and per-table pragma round trips add up at 1,000 tables.
"""

from __future__ import annotations

import fnmatch
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from schemalens.dialects.sqlite.ddl import (
    IndexDef,
    TableDef,
    parse_create_index,
    parse_create_table,
    tokenize,
)
from schemalens.dialects.sqlite.definitions import read_definitions
from schemalens.dialects.sqlite.names import quote_ident
from schemalens.model import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique

# Templates over one schema ({s}): the source side spreads its scratch database over
# several schemas (see dialects/sqlite/files.py) and reads them all as one.
_ORDINARY = "m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'"
_TABLES_SQL = f'SELECT m.name, m.sql FROM "{{s}}".sqlite_master m WHERE {_ORDINARY}'
_COLUMNS_SQL = f"""
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM "{{s}}".sqlite_master m JOIN pragma_table_xinfo(m.name, '{{s}}') p
WHERE {_ORDINARY} ORDER BY m.name, p.cid"""
_INDEXES_SQL = f"""
SELECT m.name, il.name, il."unique", il.origin, il.partial
FROM "{{s}}".sqlite_master m JOIN pragma_index_list(m.name, '{{s}}') il
WHERE {_ORDINARY}"""
_INDEX_COLUMNS_SQL = """
SELECT m.name, ix.cid, ix.name, ix."desc"
FROM "{s}".sqlite_master m JOIN pragma_index_xinfo(m.name, '{s}') ix
WHERE m.type = 'index' AND ix.key = 1 ORDER BY m.name, ix.seqno"""
_INDEX_SQL = """SELECT name, sql FROM "{s}".sqlite_master WHERE type = 'index' AND sql IS NOT NULL"""
_FOREIGN_KEYS_SQL = f"""
SELECT m.name, fk.id, fk."table", fk."from", fk."to", fk.on_update, fk.on_delete
FROM "{{s}}".sqlite_master m JOIN pragma_foreign_key_list(m.name, '{{s}}') fk
WHERE {_ORDINARY} ORDER BY m.name, fk.id, fk.seq"""


# A schema of one connection: the source side's scratch objects live in several.
Place = tuple[sqlite3.Connection, str]


def introspect_sqlite(conn: sqlite3.Connection, exclude: Iterable[str] = ()) -> Schema:
    return introspect_schemas([(conn, "main")], exclude, {})


def introspect_schemas(places: list[Place], exclude: Iterable[str], known: dict[str, TableDef | IndexDef]) -> Schema:
    """As `introspect_sqlite`, over several schemas (of one or more connections) read as
    one "main" (their names must not clash), reusing definitions already read from the
    very text SQLite stored (`known` maps that text to its definition): the schema file
    source has just read every statement it ran, and reading them twice doubles its time."""
    patterns = [p.lower() for p in exclude]
    catalog = _Catalog(places, known)
    shadow = set().union(*(_shadow_tables(conn, s) for conn, s in places))
    names = sorted(n for n in catalog.tables_sql if not _skipped(n, patterns) and n not in shadow)
    definitions = read_definitions(places, lambda name: _skipped(name, patterns) or name in shadow)
    return Schema(dialect="sqlite", tables=[catalog.table(name) for name in names], definitions=definitions)


def _skipped(name: str, patterns: list[str]) -> bool:
    low = name.lower()
    if low.startswith("sqlite_") or "schemalens" in low:
        return True
    return any(fnmatch.fnmatchcase(low, p) or fnmatch.fnmatchcase("main." + low, p) for p in patterns)


def _shadow_tables(conn: sqlite3.Connection, schema: str) -> set[str]:
    """Tables a virtual table keeps its data in (FTS5 `_data`, `_idx`, ...): not the user's."""
    try:
        rows = conn.execute(f'PRAGMA "{schema}".table_list').fetchall()
    except sqlite3.OperationalError:  # SQLite before 3.37 has no table_list
        return set()
    return {row[1] for row in rows if row[2] == "shadow"}


def _group(places: list[Place], template: str) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for conn, schema in places:
        for row in conn.execute(template.format(s=schema)):
            out[row[0]].append(row[1:])
    return out


def _pairs(places: list[Place], template: str) -> dict[str, str]:
    return {k: v for conn, schema in places for k, v in conn.execute(template.format(s=schema))}


def parse_table_sql(sql: str) -> TableDef | None:
    return parse_create_table(_significant(sql), sql)


def parse_index_sql(sql: str) -> IndexDef | None:
    return parse_create_index(_significant(sql), sql)


def _significant(sql: str) -> list:
    return [t for t in tokenize(sql) if t.kind != "comment"]


class _Catalog:
    """All pragma answers for the database, fetched once and looked up per table."""

    def __init__(self, places: list[Place], known: dict[str, TableDef | IndexDef]) -> None:
        self.known = known
        self.tables_sql = _pairs(places, _TABLES_SQL)
        self.columns = _group(places, _COLUMNS_SQL)
        self.indexes = _group(places, _INDEXES_SQL)
        self.index_columns = _group(places, _INDEX_COLUMNS_SQL)
        self.index_sql = _pairs(places, _INDEX_SQL)
        self.foreign_keys = _group(places, _FOREIGN_KEYS_SQL)
        self.by_lower = {name.lower(): name for name in self.tables_sql}
        # a parent table no table here is (SQLite takes such a reference), and its columns:
        # one spelling for every reference, the first read, as SQLite compares them without case
        self.undefined: dict[str, str] = {}
        self.undefined_columns: dict[tuple[str, str], str] = {}

    def table(self, name: str) -> Table:
        sql = self.tables_sql[name] or ""
        known = self.known.get(sql)
        parsed = known if isinstance(known, TableDef) else parse_table_sql(sql)
        parsed = parsed or TableDef(None, name, 0, 0, False, False)
        columns = [self._column(row, parsed) for row in self.columns[name]]
        return Table(
            schema="main",
            name=name,
            columns=columns,
            primary_key=self._primary_key(name),
            uniques=self._uniques(name, parsed),
            foreign_keys=self._foreign_keys(name, parsed),
            checks=[Check(c.name, c.expression) for c in parsed.checks],
            indexes=self._indexes(name),
            autoincrement=parsed.autoincrement,
            without_rowid=parsed.without_rowid,
            strict=parsed.strict,
            sql=self.tables_sql[name],
        )

    @staticmethod
    def _column(row: tuple[Any, ...], parsed: TableDef) -> Column:
        name, type_, notnull, default, _pk, hidden = row
        cdef = parsed.column(name)
        generated = cdef.generated if cdef is not None and hidden in (2, 3) else None
        return Column(
            name=name,
            type=type_,
            nullable=not notnull,
            default=default,
            generated=generated,
            generated_stored=hidden != 2,
            collation=cdef.collation if cdef is not None else None,
        )

    def _pk_columns(self, table: str) -> list[str]:
        keyed = [(row[4], row[0]) for row in self.columns.get(table, []) if row[4]]
        return [name for _, name in sorted(keyed)]

    def _primary_key(self, name: str) -> PrimaryKey | None:
        """Unnamed: SQLite keeps no name for a primary key (no pragma tells it, its index is
        sqlite_autoindex_*, no message quotes it); a name written in the table's text is that
        text's spelling, and a name alone is no reason to rebuild a table."""
        columns = self._pk_columns(name)
        return PrimaryKey(None, columns) if columns else None

    def _key_columns(self, index: str) -> list[str]:
        return [row[1] for row in self.index_columns.get(index, [])]

    def _uniques(self, name: str, parsed: TableDef) -> list[Unique]:
        found: list[tuple[int, Unique]] = []
        unused = list(enumerate(parsed.uniques))
        for index, _unique, origin, _partial in self.indexes.get(name, []):
            if origin != "u":
                continue
            columns = self._key_columns(index)
            key = [c.lower() for c in columns]
            match = next((p for p in unused if [c.lower() for c in p[1].columns] == key), None)
            if match is not None:
                unused.remove(match)
            order = match[0] if match else len(parsed.uniques)
            found.append((order, Unique(match[1].name if match else None, columns)))
        return [u for _, u in sorted(found, key=lambda item: (item[0], item[1].columns))]

    def _indexes(self, name: str) -> list[Index]:
        out = []
        for index, unique, origin, partial in self.indexes.get(name, []):
            if origin == "c":
                out.append(self._index(index, bool(unique), bool(partial)))
        return sorted(out, key=lambda i: i.name or "")

    def _index(self, name: str, unique: bool, partial: bool) -> Index:
        keys = self.index_columns.get(name, [])
        sql = self.index_sql.get(name) or ""
        parsed: IndexDef | None = None
        # the statement text is only needed for expressions, explicit collations, WHERE
        if partial or any(cid == -2 for cid, _, _ in keys) or "COLLATE" in sql.upper():
            known = self.known.get(sql)
            parsed = known if isinstance(known, IndexDef) else parse_index_sql(sql)
        elements = parsed.elements if parsed else []
        columns = []
        for k, (cid, cname, desc) in enumerate(keys):
            element = elements[k] if k < len(elements) else None
            if cid >= 0:
                text = quote_ident(cname)
            else:  # -1: the rowid, -2: an expression
                text = "rowid" if cid == -1 else (element.text if element else "")
            if element is not None and element.collation is not None:
                text += f" COLLATE {quote_ident(element.collation)}"
            if desc:
                text += " DESC"
            columns.append(text)
        return Index(name, columns, unique=unique, where=parsed.where if parsed else None, sql=sql or None)

    def _foreign_keys(self, name: str, parsed: TableDef) -> list[ForeignKey]:
        groups: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in self.foreign_keys.get(name, []):
            groups[row[0]].append(row[1:])
        own = {c[0].lower(): c[0] for c in self.columns.get(name, [])}
        unused = list(enumerate(parsed.foreign_keys))
        found: list[tuple[int, ForeignKey]] = []
        # pragma ids run from the last declared key to the first
        for fk_id in sorted(groups, reverse=True):
            rows = groups[fk_id]
            ref_written = rows[0][0]
            ref_table = self.by_lower.get(ref_written.lower()) or self.undefined.setdefault(ref_written.lower(), ref_written)
            columns = [own.get(r[1].lower(), r[1]) for r in rows]
            ref_columns = self._ref_columns(ref_table, [r[2] for r in rows])
            key = ([c.lower() for c in columns], ref_table.lower())
            match = next(
                (p for p in unused if ([c.lower() for c in p[1].columns], p[1].ref_table.lower()) == key),
                None,
            )
            if match is not None:
                unused.remove(match)
            fdef = match[1] if match else None
            found.append((
                match[0] if match else len(parsed.foreign_keys),
                ForeignKey(
                    name=fdef.name if fdef else None,
                    columns=columns,
                    ref_schema="main",
                    ref_table=ref_table,
                    ref_columns=ref_columns,
                    on_delete=rows[0][4],
                    on_update=rows[0][3],
                    deferrable=fdef.deferrable if fdef else False,
                    initially_deferred=fdef.initially_deferred if fdef else False,
                ),
            ))
        return [fk for _, fk in sorted(found, key=lambda item: item[0])]

    def _ref_columns(self, ref_table: str, written: list[str | None]) -> list[str]:
        """Referenced columns by their declared names; none written means the parent's key."""
        if all(c is None for c in written):
            return self._pk_columns(ref_table)
        if ref_table not in self.columns:
            spelled = self.undefined_columns
            return [spelled.setdefault((ref_table.lower(), c.lower()), c) for c in written if c is not None]
        parent = {row[0].lower(): row[0] for row in self.columns[ref_table]}
        return [parent.get(c.lower(), c) for c in written if c is not None]
