"""One canonical spelling per dialect for types and expressions, applied to both sides
before `diff`.

A schema file says `int`, `varchar(20)`, `DEFAULT now()`, `CHECK (x IN (1, 2))`;
PostgreSQL reports `integer`, `character varying(20)`, `now()`, `(x = ANY (ARRAY[1,
2]))`. If the two spellings reached `diff`, every one of them would be false drift. So
both are rewritten into one form. What that form is belongs to the dialect (PostgreSQL:
what format_type() and pg_get_expr() print; SQLite: types as declared, expressions in one
spelling of whitespace and letter case); this module walks a Schema, asks the dialect for
each part, and reuses the tables it normalized last time. The canonical form is for
comparing only: each expression's text as the source gave it stays in the object's
`written`, for push to write (`model.as_written`).
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from schemalens import dialects
from schemalens.dialects.base import Dialect
from schemalens.model import Column, Index, Schema, Table

_T = TypeVar("_T")


def _clone(obj: _T, **changes: Any) -> _T:
    """dataclasses.replace without re-running __init__: a fifth of the time of
    normalizing a large schema went into replace()."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def normalize_schema(schema: Schema) -> Schema:
    """A new Schema in canonical spelling; spans and declared renames carried over."""
    dialect = dialects.get(schema.dialect)
    types = dialect.type_context(schema)
    return _clone(
        schema,
        namespaces=[_clone(n) for n in schema.namespaces],
        extensions=[
            _clone(e, schema=None if e.schema == dialect.default_schema else e.schema)
            for e in schema.extensions if e.name not in dialect.always_present_extensions
        ],
        enums=[_clone(e, values=list(e.values)) for e in schema.enums],
        sequences=[_clone(s, data_type=dialect.canonical_type(s.data_type, types)) for s in schema.sequences],
        tables=_tables(schema.tables, dialect, types),
    )


# Normalized tables by the identity of the table they came from, with the dialect and the
# type context (PostgreSQL: where enums live) they were normalized under: the PostgreSQL
# source hands back an unchanged table as the same object (tables are never modified once
# built), so a save normalizes only the edited tables, and
# diff finds the same normalized objects as last time. Two generations: what the last two
# calls used (the editor's file, and the database's schema when it changed).
_Memo = dict[int, tuple[Table, Any, Table]]
_TABLES: list[_Memo] = [{}, {}]
_TABLES_LOCK = threading.Lock()


# A database's tables come back as new objects from every read, so the identity memo
# never finds them; and the catalog changes one table at a time. They carry no spans, so
# they are matched by value against the tables of the last database schema normalized:
# after a change in one table of a 1,000-table database, one table is normalized again,
# and diff, finding the other 999 normalized objects it saw last time, compares only it.
_BY_VALUE: dict[tuple[str, str], tuple[Table, Any, Table]] = {}


def _tables(tables: list[Table], dialect: Dialect, types: Any) -> list[Table]:
    global _BY_VALUE
    key = (dialect.name, types)
    with _TABLES_LOCK:
        older, newer = _TABLES
        by_value = _BY_VALUE
    used: _Memo = {}
    read: dict[tuple[str, str], tuple[Table, Any, Table]] = {}
    out = []
    for table in tables:
        hit = _hit(table, key, newer, older)
        unannotated = hit is None and _unannotated(table)
        if unannotated:
            was = by_value.get(table.key)
            if was is not None and was[1] == key and was[0] == table:
                hit = (table, key, was[2])
        if hit is None:
            hit = (table, key, _table(table, dialect, types))
        if unannotated:
            read[table.key] = hit
        used[id(table)] = hit
        out.append(hit[2])
    with _TABLES_LOCK:
        _TABLES[:] = [_TABLES[1], used]
        if read:
            _BY_VALUE = read
    return out


def _unannotated(table: Table) -> bool:
    """No span and no declared rename anywhere in it (equality ignores both): a table
    read from a database."""
    parts = (table, *table.columns, table.primary_key, *table.uniques, *table.foreign_keys, *table.checks,
             *table.indexes)
    return all(p is None or (p.span is None and getattr(p, "renamed_from", None) is None) for p in parts)


def _hit(table: Table, key: Any, newer: _Memo, older: _Memo) -> tuple[Table, Any, Table] | None:
    hit = newer.get(id(table)) or older.get(id(table))
    return hit if hit is not None and hit[0] is table and hit[1] == key else None


def _table(table: Table, dialect: Dialect, types: Any) -> Table:
    context = dialect.table_context(table, types)
    checks = [(c, dialect.canonical_expression(c.expression, context)) for c in table.checks]
    return _clone(
        table,
        columns=[_column(c, dialect, types, context) for c in table.columns],
        primary_key=_clone(table.primary_key, columns=list(table.primary_key.columns))
        if table.primary_key else None,
        uniques=[_clone(u, columns=list(u.columns)) for u in table.uniques],
        foreign_keys=[
            _clone(f, columns=list(f.columns), ref_columns=list(f.ref_columns))
            for f in table.foreign_keys
        ],
        checks=[_clone(c, expression=expression if expression is not None else "NULL",
                       written=_written(c, expression=c.expression)) for c, expression in checks],
        indexes=[_index(i, dialect, context) for i in table.indexes],
    )


def _column(column: Column, dialect: Dialect, types: Any, context: Any) -> Column:
    type_ = dialect.canonical_type(column.type, types)
    default = None
    written: dict[str, str] = {}
    if column.default is not None and column.identity is None and column.generated is None:
        default = dialect.canonical_default(column.default, context, type_)
        written["default"] = column.default
    if column.generated:
        written["generated"] = column.generated
    return _clone(
        column,
        type=type_,
        default=default,
        written=_written(column, **written),
        generated=dialect.canonical_generated(column.generated, context) if column.generated else None,
        identity=_clone(column.identity) if column.identity else None,
        collation=dialect.canonical_collation(column.collation) if column.collation else None,
    )


def _index(index: Index, dialect: Dialect, context: Any) -> Index:
    method = index.method.lower()
    return _clone(
        index,
        method=method,
        columns=[dialect.canonical_index_element(c, method, context) for c in index.columns],
        where=dialect.canonical_expression(index.where, context) if index.where else None,
        include=list(index.include),
        written=_written(index, columns=list(index.columns), **({"where": index.where} if index.where else {})),
    )


def _written(obj: Any, **texts: Any) -> dict[str, Any]:
    """The texts as the source wrote them; an object normalized before keeps its own."""
    return obj.written or texts
