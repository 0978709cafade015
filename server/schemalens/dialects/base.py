"""What the engine asks of a database dialect.

The neutral engine (sources, normalize, diff, workflows, the front ends) never tests a
dialect's name: it asks the dialect object. Each dialect bundles its own names, file
reader, catalog reader and renderer; the heavy parts (pglast, psycopg) are imported only
when that dialect is used, so a SQLite project never loads PostgreSQL's stack.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.model import Schema
    from schemalens.sources import SourceResult


class CatalogError(Exception):
    """The database could not be read (permissions, a lost connection, unsupported server)."""


class Dialect(ABC):
    name: str
    # The schema an unqualified name lives in.
    default_schema: str

    @abstractmethod
    def quote_ident(self, name: str) -> str:
        """The identifier as this database writes it: bare only where that reads back the same."""

    @abstractmethod
    def qualified(self, schema: str, name: str) -> str:
        """A table's (or type's) name in `schema`, as SQL."""

    @abstractmethod
    def read_files(self, texts: list[tuple[str, str]], default_schema: str) -> SourceResult:
        """The schema that (path, text) SQL files define, in file order; never raises for bad input."""

    @abstractmethod
    def read_catalog(self, conn: Any, schemas: list[str] | None, exclude: list[str]) -> Schema:
        """The live database's schema. Raises CatalogError when the catalog cannot be read."""

    @abstractmethod
    def render(self, changes: list[Change], actual: Schema, desired: Schema) -> list[Statement]:
        """The SQL that makes `actual` into `desired` for these changes."""
