"""Reading and editing rows: keyset pages, filters, and edits that cannot overwrite a
change the user did not see.

Values travel as text (PostgreSQL's own text form, `value::text`), so what the page shows
is exactly what it sends back: PostgreSQL parses an edited cell with the column's input
function, and comparisons against what the user saw are text against text. Every value
is a bound parameter; every identifier was found in the catalog and is quoted.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.connect import Database
from schemalens.urls import mask_text
from schemalens.dialects.base import Runtime
from schemalens.model import Column, Table
from schemalens.studio.catalog import name_sql, qualified

PAGE_LIMIT_MAX = 500
TRUNCATE_AT = 500
OPS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
ALL_OPS = (*OPS, "contains", "is_null", "not_null")


class StudioError(Exception):
    """A request the studio refuses or the database rejected; `payload` goes to the page."""

    status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.payload = {"error": message, **extra}


class Conflict(StudioError):
    status = 409


class Forbidden(StudioError):
    status = 403


class DatabaseRefused(StudioError):
    status = 422


@dataclass
class Filter:
    column: str
    op: str
    value: str | None = None


# --- values ------------------------------------------------------------------------------

def display(value: Any) -> str | None:
    """SQLite's stored value as the text the page shows (PostgreSQL sends text already)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _runtime(db: Database) -> Runtime:
    return dialects.get(db.dialect).runtime


def bind(db: Database, column: Column | None, text: str | None) -> Any:
    """The parameter for a text value, as the dialect's runtime wants it."""
    return None if text is None else _runtime(db).bind(column.type if column else "", text)


def _ph(db: Database) -> str:
    return _runtime(db).param


def _text(db: Database, sql: str, truncate: bool = False) -> str:
    return _runtime(db).as_text(sql, TRUNCATE_AT + 1 if truncate else None)


def _cell(db: Database, value: Any, truncate: bool) -> tuple[str | None, bool]:
    text = display(value)
    if truncate and text is not None and len(text) > TRUNCATE_AT:
        return text[:TRUNCATE_AT], True
    return text, False


# --- keys and cursors --------------------------------------------------------------------

def key_columns(db: Database, table: Table) -> list[tuple[str, str]]:
    """(name, SQL) of the columns that order and identify rows: the primary key, else the
    physical row address (ctid / rowid) so even key-less tables page without OFFSET."""
    if table.primary_key:
        return [(c, name_sql(db, c)) for c in table.primary_key.columns]
    address = _runtime(db).row_address({c.name.lower() for c in table.columns})
    return [(address, address)]


def encode_cursor(values: list[Any]) -> str:
    raw = [{"b": v.hex()} if isinstance(v, bytes) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise StudioError("malformed page cursor") from None
    if not isinstance(raw, list) or len(raw) != length:
        raise StudioError("page cursor does not match this view")
    out = []
    for v in raw:
        if isinstance(v, dict) and isinstance(v.get("b"), str):
            out.append(bytes.fromhex(v["b"]))
        elif v is None or isinstance(v, (str, int, float)):
            out.append(v)
        else:
            raise StudioError("malformed page cursor")
    return out


# --- reading -----------------------------------------------------------------------------

def column_of(table: Table, name: str) -> Column:
    column = table.column(name)
    if column is None:
        raise StudioError(f"table {table.name} has no column {name!r}")
    return column


def where_filters(db: Database, table: Table, filters: list[Filter]) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    ph = _ph(db)
    for f in filters:
        column = column_of(table, f.column)
        col = name_sql(db, column.name)
        if f.op == "is_null":
            clauses.append(f"{col} IS NULL")
        elif f.op == "not_null":
            clauses.append(f"{col} IS NOT NULL")
        elif f.op == "contains":
            escaped = (f.value or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(_runtime(db).contains(col, ph))
            params.append(f"%{escaped}%")
        elif f.op in OPS:
            if f.value is None:
                raise StudioError(f"filter {f.op} on {f.column} needs a value")
            clauses.append(f"{_runtime(db).comparable(col, column.type)} {OPS[f.op]} {ph}")
            params.append(bind(db, column, f.value))
        else:
            raise StudioError(f"unknown filter operator {f.op!r}; use one of {', '.join(ALL_OPS)}")
    return clauses, params


@dataclass
class View:
    """What the page is looking at: sort, direction and filters (everything but position)."""

    sort: str | None = None
    desc: bool = False
    filters: tuple[Filter, ...] = ()


def page(db: Database, table: Table, view: View, after: str | None, limit: int,
         truncate: bool = True) -> dict[str, Any]:
    keys = key_columns(db, table)
    order: list[tuple[str, str]] = []
    nullable_sort = False
    if view.sort is not None:
        sort_column = column_of(table, view.sort)
        order.append((sort_column.name, name_sql(db, sort_column.name)))
        nullable_sort = sort_column.nullable and sort_column.name not in (k for k, _ in keys)
    order += [k for k in keys if k[0] != view.sort]
    # Qualified, so that ORDER BY "id" means the column and not the select list's "id"::text.
    order = [(name, f"_t.{sql}") for name, sql in order]
    clauses, params = where_filters(db, table, list(view.filters))
    if after:
        clause, extra = _after(db, order, decode_cursor(after, len(order)), view.desc, nullable_sort)
        clauses.append(clause)
        params += extra
    direction = " DESC" if view.desc else ""
    nulls = " NULLS LAST" if nullable_sort else ""
    order_sql = ", ".join(f"{sql}{direction}{nulls if i == 0 else ''}" for i, (_, sql) in enumerate(order))
    selected = [_text(db, name_sql(db, c.name), truncate) for c in table.columns]
    selected += [_text(db, sql) for _, sql in order]
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (f"SELECT {', '.join(selected)} FROM {qualified(db, table)} AS _t{where} "
           f"ORDER BY {order_sql} LIMIT {int(limit) + 1}")
    rows = db.conn.execute(sql, params).fetchall()
    ncols = len(table.columns)
    out = []
    for row in rows[:limit]:
        cells = [_cell(db, v, truncate) for v in row[:ncols]]
        key_values = dict(zip([k for k, _ in order], row[ncols:], strict=True))
        out.append({"key": {k: display(key_values[k]) for k, _ in keys},
                    "values": [c[0] for c in cells],
                    "truncated": [i for i, c in enumerate(cells) if c[1]]})
    next_cursor = encode_cursor(list(rows[limit - 1][ncols:])) if len(rows) > limit else None
    return {"columns": [c.name for c in table.columns], "key_columns": [k for k, _ in keys],
            "rows": out, "next": next_cursor}


def _after(db: Database, order: list[tuple[str, str]], values: list[Any], desc: bool,
           nullable_sort: bool) -> tuple[str, list[Any]]:
    """Rows strictly after the cursor in (sort, key...) order: a row-value comparison that
    an index on the key (or on sort + key) answers without reading skipped rows."""
    op = "<" if desc else ">"
    ph = _ph(db)

    def compare(cols: list[tuple[str, str]], vals: list[Any]) -> str:
        return f"({', '.join(sql for _, sql in cols)}) {op} ({', '.join(ph for _ in vals)})"

    if not nullable_sort:
        return compare(order, values), values
    first = order[0][1]
    if values[0] is None:
        return f"({first} IS NULL AND {compare(order[1:], values[1:])})", values[1:]
    return f"({compare(order, values)} OR {first} IS NULL)", values


def stream(db: Database, table: Table, view: View, chunk: int = 2000) -> Iterator[list[str | None]]:
    """Every row of the view, in keyset chunks (an export never holds a long transaction)."""
    after = None
    while True:
        result = page(db, table, view, after, chunk, truncate=False)
        for row in result["rows"]:
            yield row["values"]
        after = result["next"]
        if after is None:
            return


def count(db: Database, table: Table, filters: list[Filter]) -> int:
    clauses, params = where_filters(db, table, filters)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return int(db.conn.execute(f"SELECT count(*) FROM {qualified(db, table)}{where}", params).fetchone()[0])


def _key_clause(db: Database, table: Table, key: Any) -> tuple[str, list[Any]]:
    pk = table.primary_key.columns if table.primary_key else []
    if not isinstance(key, dict) or sorted(key) != sorted(pk):
        raise StudioError(f"a row of {table.name} is identified by its primary key ({', '.join(pk)})")
    ph = _ph(db)
    clause = " AND ".join(f"{name_sql(db, c)} = {ph}" for c in pk)
    return clause, [bind(db, table.column(c), _text_value(key[c], c)) for c in pk]


def _text_value(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise StudioError(f"the value for {name} must be a string or null (the text form of the value)")


def full_row(db: Database, table: Table, key: Any, lock: bool = False) -> dict[str, str | None] | None:
    clause, params = _key_clause(db, table, key)
    cols = ", ".join(_text(db, name_sql(db, c.name)) for c in table.columns)
    suffix = _runtime(db).lock_rows if lock else ""
    row = db.conn.execute(f"SELECT {cols} FROM {qualified(db, table)} WHERE {clause}{suffix}", params).fetchone()
    if row is None:
        return None
    return {c.name: display(v) for c, v in zip(table.columns, row, strict=True)}


# --- writing -----------------------------------------------------------------------------

@contextmanager
def transaction(db: Database) -> Iterator[None]:
    runtime = _runtime(db)
    try:
        with runtime.transaction(db.conn):
            yield
    except runtime.errors as e:
        raise refused(db, e) from None


def refused(db: Database, error: Exception) -> DatabaseRefused:
    """The database's own words (constraint, column, detail), password-free."""
    diag = getattr(error, "diag", None)
    text = str(error).strip()
    message = getattr(diag, "message_primary", None) or (text.splitlines()[0] if text else type(error).__name__)
    extra: dict[str, Any] = {}
    if diag is not None:
        for field in ("message_detail", "constraint_name", "column_name", "sqlstate"):
            value = getattr(diag, field, None)
            if value:
                extra[field.removeprefix("message_")] = mask_text(value, db.url)
    return DatabaseRefused(mask_text(message, db.url), **extra)


def _writable(table: Table, read_only: bool) -> None:
    if read_only:
        raise Forbidden("the studio was started with --read-only")
    if not table.primary_key:
        raise Forbidden(f"{table.name} has no primary key: its rows cannot be identified, so it is read-only")


def _returning(db: Database, table: Table) -> str:
    return ", ".join(_text(db, name_sql(db, c.name)) for c in table.columns)


def update_cell(db: Database, table: Table, read_only: bool, key: Any, column: str,
                expected: Any, value: Any) -> dict[str, str | None]:
    """Set one cell if it still holds `expected` (the value the user saw)."""
    _writable(table, read_only)
    target = column_of(table, column)
    expected, value = _text_value(expected, column), _text_value(value, column)
    ph = _ph(db)
    with transaction(db):
        current = full_row(db, table, key, lock=True)
        if current is None:
            raise Conflict("this row was deleted meanwhile", gone=True)
        if current[column] != expected:
            raise Conflict(f"{column} was changed meanwhile: reload to see the new value",
                           current=current[column], row=current)
        clause, params = _key_clause(db, table, key)
        row = db.conn.execute(
            f"UPDATE {qualified(db, table)} SET {name_sql(db, target.name)} = {ph} WHERE {clause} "
            f"RETURNING {_returning(db, table)}", [bind(db, target, value), *params]).fetchone()
    return {c.name: display(v) for c, v in zip(table.columns, row, strict=True)}


def insert_row(db: Database, table: Table, read_only: bool, values: Any) -> dict[str, str | None]:
    """Insert the given columns; the others get their defaults."""
    _writable(table, read_only)
    if not isinstance(values, dict):
        raise StudioError("values must be an object of column: text")
    columns = [column_of(table, name) for name in values]
    params = [bind(db, c, _text_value(values[c.name], c.name)) for c in columns]
    if columns:
        body = f"({', '.join(name_sql(db, c.name) for c in columns)}) VALUES ({', '.join(_ph(db) for _ in columns)})"
    else:
        body = "DEFAULT VALUES"
    with transaction(db):
        row = db.conn.execute(f"INSERT INTO {qualified(db, table)} {body} RETURNING {_returning(db, table)}",
                              params).fetchone()
    return {c.name: display(v) for c, v in zip(table.columns, row, strict=True)}


def delete_rows(db: Database, table: Table, read_only: bool, rows: Any) -> int:
    """Delete rows by key, all or none; each row's `expected` values must still hold."""
    _writable(table, read_only)
    if not isinstance(rows, list) or not rows:
        raise StudioError("rows must be a non-empty list of {key, expected}")
    with transaction(db):
        for i, item in enumerate(rows):
            if not isinstance(item, dict):
                raise StudioError("each row must be an object {key, expected}")
            current = full_row(db, table, item.get("key"), lock=True)
            if current is None:
                raise Conflict(f"row {i + 1} was deleted meanwhile", gone=True, index=i)
            expected = item.get("expected") or {}
            if not isinstance(expected, dict):
                raise StudioError("expected must be an object of column: text")
            for name, seen in expected.items():
                column_of(table, name)
                if current[name] != _text_value(seen, name):
                    raise Conflict(f"row {i + 1} was changed meanwhile ({name}): nothing was deleted",
                                   index=i, column=name, current=current[name])
            clause, params = _key_clause(db, table, item["key"])
            db.conn.execute(f"DELETE FROM {qualified(db, table)} WHERE {clause}", params)
    return len(rows)
