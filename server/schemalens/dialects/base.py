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
    from schemalens.model import Column, Schema, Table
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

    # --- asked by workflows and the front ends (checks, quick fixes, hovers) ---------------
    # Namespaces (schemas) to manage, list and pull; comments as COMMENT ON statements
    # of their own; `$tag$` strings; `[name]` identifiers; an inline constraint's span
    # running to the end of its column (the file reader's convention).
    has_namespaces: bool = False
    comment_statements: bool = False
    dollar_quotes: bool = False
    bracket_identifiers: bool = False
    inline_spans_to_column_end: bool = False

    def current_schema(self, conn: Any) -> str:
        """Where the database puts unqualified names."""
        return self.default_schema

    def end_read(self, conn: Any) -> None:
        """Close what a read left open (PostgreSQL: the transaction a SELECT began)."""

    def missing_database(self, url: str) -> str | None:
        """The file a URL names when it does not exist yet (the editor never creates one)."""
        return None

    def is_alive(self, conn: Any) -> bool:
        return True

    @abstractmethod
    def catalog_fingerprint(self, conn: Any, url: str) -> tuple[str, Any]:
        """(current schema, a cheap value that changes whenever the catalog does)."""

    @abstractmethod
    def estimated_rows(self, conn: Any, schema: str, table: str) -> int | None:
        """About how many rows the table holds, as cheaply as the database can tell."""

    @abstractmethod
    def parses(self, sql: str) -> bool:
        """Whether the database would accept this text as SQL."""

    @abstractmethod
    def column_definition(self, column: Column, table: Table, actual: Schema) -> str:
        """The column as push writes it inside CREATE TABLE (`actual`: the context that
        tells a serial from an integer with a default)."""

    @abstractmethod
    def constraint_definition(self, obj: Any, with_name: bool) -> str:
        """A table-level constraint element; `with_name` where the dialect writes names."""

    def carried_along(self, changes: list[Change], chosen: list[Change], actual: Schema,
                      desired: Schema) -> list[Change]:
        """The chosen changes and those that cannot run without them."""
        return chosen
