"""Live database -> Schema (the actual side of every diff)."""

from __future__ import annotations

from schemalens.connect import Database
from schemalens.model import Schema


def introspect(db: Database, schemas: list[str] | None = None, exclude: list[str] = ()) -> Schema:
    if db.dialect == "postgresql":
        from schemalens.introspect.postgresql import introspect_postgresql

        return introspect_postgresql(db.conn, schemas, list(exclude))
    from schemalens.introspect.sqlite import introspect_sqlite

    return introspect_sqlite(db.conn, list(exclude))
