"""PostgreSQL: files read by its own parser (pglast), the catalog read by psycopg."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemalens.dialects.base import Dialect, Runtime

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.model import Schema
    from schemalens.sources import SourceResult


class PostgreSQL(Dialect):
    _runtime: Runtime | None = None
    name = "postgresql"
    default_schema = "public"

    def quote_ident(self, name: str) -> str:
        from schemalens.dialects.postgresql.names import quote_ident

        return quote_ident(name)

    def qualified(self, schema: str, name: str) -> str:
        from schemalens.dialects.postgresql.names import qualified

        return qualified(schema, name)

    def read_files(self, texts: list[tuple[str, str]], default_schema: str) -> SourceResult:
        from schemalens.dialects.postgresql.files import parse_postgresql

        return parse_postgresql(texts, default_schema)

    def read_catalog(self, conn: Any, schemas: list[str] | None, exclude: list[str]) -> Schema:
        from schemalens.dialects.postgresql.catalog import introspect_postgresql

        return introspect_postgresql(conn, schemas, exclude)

    def render(self, changes: list[Change], actual: Schema, desired: Schema) -> list[Statement]:
        from schemalens.dialects.postgresql.render import render_postgresql

        return render_postgresql(changes, actual, desired)

    # --- statements and runtime -------------------------------------------------------------

    def split_statements(self, text: str) -> list[tuple[int, str]]:
        from schemalens.dialects.postgresql.statements import split_statements

        return split_statements(text)

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            from schemalens.dialects.postgresql.runtime import PostgreSQLRuntime

            self._runtime = PostgreSQLRuntime()
        return self._runtime
