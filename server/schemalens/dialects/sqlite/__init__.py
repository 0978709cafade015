"""SQLite: files run in a scratch in-memory database and read back like the live one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemalens.dialects.base import Dialect, Runtime
from schemalens.dialects.sqlite.names import qualified, quote_ident

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.model import Schema
    from schemalens.sources import SourceResult


class SQLite(Dialect):
    _runtime: Runtime | None = None
    name = "sqlite"
    default_schema = "main"

    def quote_ident(self, name: str) -> str:
        return quote_ident(name)

    def qualified(self, schema: str, name: str) -> str:
        return qualified(schema, name)

    def read_files(self, texts: list[tuple[str, str]], default_schema: str) -> SourceResult:
        from schemalens.dialects.sqlite.files import parse_sqlite

        return parse_sqlite(texts)

    def read_catalog(self, conn: Any, schemas: list[str] | None, exclude: list[str]) -> Schema:
        import sqlite3

        from schemalens.dialects.base import CatalogError
        from schemalens.dialects.sqlite.catalog import introspect_sqlite

        try:
            return introspect_sqlite(conn, exclude)
        except sqlite3.Error as exc:
            raise CatalogError(f"could not read the database catalog: {exc}") from exc

    def render(self, changes: list[Change], actual: Schema, desired: Schema) -> list[Statement]:
        from schemalens.dialects.sqlite.render import render_sqlite

        return render_sqlite(changes, actual, desired)

    # --- statements and runtime -------------------------------------------------------------

    def split_statements(self, text: str) -> list[tuple[int, str]]:
        from schemalens.dialects.sqlite.statements import split_statements

        return split_statements(text)

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            from schemalens.dialects.sqlite.runtime import SQLiteRuntime

            self._runtime = SQLiteRuntime()
        return self._runtime
