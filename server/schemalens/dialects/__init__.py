"""One object per database: `get(name)` is the one place that switches on a dialect's name."""

from __future__ import annotations

from schemalens.dialects.base import CatalogError, Dialect

__all__ = ["CatalogError", "Dialect", "NAMES", "get"]

NAMES = ("postgresql", "sqlite")
_LOADED: dict[str, Dialect] = {}


def get(name: str) -> Dialect:
    """The dialect called `name` ("postgresql" or "sqlite")."""
    dialect = _LOADED.get(name)
    if dialect is None:
        if name == "postgresql":
            from schemalens.dialects.postgresql import PostgreSQL as cls
        elif name == "sqlite":
            from schemalens.dialects.sqlite import SQLite as cls
        else:
            raise ValueError(f"unknown dialect {name!r}")
        dialect = _LOADED[name] = cls()
    return dialect
