"""Small builders of model objects for the pure tests of diff and render."""

from __future__ import annotations

from schemalens.model import Column, Schema, Table


def pg(*tables: Table, **kw: object) -> Schema:
    return Schema("postgresql", tables=list(tables), **kw)  # type: ignore[arg-type]


def table(name: str, *columns: Column, schema: str = "public", **kw: object) -> Table:
    return Table(schema, name, list(columns), **kw)  # type: ignore[arg-type]
