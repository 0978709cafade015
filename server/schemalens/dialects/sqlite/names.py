"""SQLite's names: its keywords and how an identifier is written so that SQLite reads it
back unchanged. SQLite keeps a name's case as written and compares names without case, so a
plain name needs no quotes whatever its case."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from schemalens.model import Definition, Schema, Table

# SQLite's keywords (sqlite3_keyword_name): a bare name equal to one of them must be quoted.
KEYWORDS = frozenset(
    """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE
    BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE
    CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE
    DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE
    EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS
    HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS
    ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL
    NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY
    RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING
    RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION
    TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW
    WITH WITHOUT""".split()
)
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """A name as SQL text: bare where SQLite reads it back unchanged, else double-quoted."""
    if _PLAIN_NAME.match(name) and name.upper() not in KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """A table's name as SQL: bare in the main database, `schema.name` in an attached one."""
    return quote_ident(name) if schema == "main" else f"{quote_ident(schema)}.{quote_ident(name)}"


def adopt_spelling(actual: Schema, desired: Schema) -> Schema:
    """SQLite resolves names without regard to ASCII case: `USERS` in the database is
    `users` in the file. Give the database's names the file's spelling where they differ
    only in case, so that case is never drift and statements use the file's spelling."""
    def fold(name: str) -> str:
        return name.encode().lower().decode()

    def spelling(names: Iterable[str]) -> dict[str, str]:
        return {fold(n): n for n in names}

    # a parent table the files reference without defining it (SQLite takes that) is spelled
    # as its references spell it
    refs = [f for t in desired.tables for f in t.foreign_keys]
    tables = spelling([f.ref_table for f in refs] + [t.name for t in desired.tables])
    columns: dict[str, dict[str, str]] = {}
    for f in refs:
        columns.setdefault(fold(f.ref_table), {}).update(spelling(f.ref_columns))
    columns |= {fold(t.name): spelling(c.name for c in t.columns) for t in desired.tables}
    names = spelling([i.name for t in desired.tables for i in t.indexes if i.name]
                     + [c.name for t in desired.tables for c in (t.uniques + t.checks + t.foreign_keys) if c.name])

    def rename(table: Table) -> Table:
        own = columns.get(fold(table.name), {})

        def cols(items: list[str], mapping: dict[str, str] = own) -> list[str]:
            return [mapping.get(fold(c), c) for c in items]

        def named(obj: Any) -> Any:
            return dataclasses.replace(obj, name=names.get(fold(obj.name), obj.name) if obj.name else None)

        pk = table.primary_key
        return dataclasses.replace(
            table, name=tables.get(fold(table.name), table.name),
            columns=[dataclasses.replace(c, name=own.get(fold(c.name), c.name)) for c in table.columns],
            primary_key=dataclasses.replace(pk, columns=cols(pk.columns)) if pk else None,
            uniques=[dataclasses.replace(named(u), columns=cols(u.columns)) for u in table.uniques],
            checks=[named(c) for c in table.checks],
            foreign_keys=[dataclasses.replace(
                named(f), columns=cols(f.columns), ref_table=tables.get(fold(f.ref_table), f.ref_table),
                ref_columns=cols(f.ref_columns, columns.get(fold(f.ref_table), {}))) for f in table.foreign_keys],
            indexes=[dataclasses.replace(named(i), columns=cols(i.columns), include=cols(i.include))
                     for i in table.indexes])

    defined = spelling(d.name for d in desired.definitions)

    def respelled(definition: Definition) -> Definition:
        on = definition.table
        return dataclasses.replace(definition, name=defined.get(fold(definition.name), definition.name),
                                   table=tables.get(fold(on), on) if on is not None else None)

    return dataclasses.replace(actual, tables=[rename(t) for t in actual.tables],
                               definitions=[respelled(d) for d in actual.definitions])
