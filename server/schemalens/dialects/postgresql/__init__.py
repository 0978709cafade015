"""PostgreSQL: files read by its own parser (pglast), the catalog read by psycopg."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemalens.dialects.base import Dialect

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.model import Column, Schema, Table
    from schemalens.sources import SourceResult


class PostgreSQL(Dialect):
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

    # --- asked by workflows and the front ends -------------------------------------------
    has_namespaces = True
    comment_statements = True
    dollar_quotes = True
    inline_spans_to_column_end = True

    def current_schema(self, conn: Any) -> str:
        name = conn.execute("SELECT current_schema()").fetchone()[0]
        conn.rollback()
        return name or self.default_schema

    def end_read(self, conn: Any) -> None:
        conn.rollback()

    def is_alive(self, conn: Any) -> bool:
        return not conn.closed and not conn.broken

    def catalog_fingerprint(self, conn: Any, url: str) -> tuple[str, Any]:
        """Row count and newest row version of every catalog the introspection reads."""
        row = conn.execute(_FINGERPRINT).fetchone()
        conn.rollback()
        return row[0] or self.default_schema, row[1]

    def estimated_rows(self, conn: Any, schema: str, table: str) -> int | None:
        """The planner's estimate: free, where counting a big table is not."""
        row = conn.execute("SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = to_regclass(%s)",
                           (self.qualified(schema, table),)).fetchone()
        conn.rollback()
        return max(int(row[0]), 0) if row and row[0] is not None else None

    def parses(self, sql: str) -> bool:
        import pglast

        try:
            pglast.parse_sql(sql)
        except pglast.parser.ParseError:
            return False
        return True

    def column_definition(self, column: Column, table: Table, actual: Schema) -> str:
        from schemalens.dialects.postgresql.render import column_definition

        return column_definition(column, actual, table.schema)

    def constraint_definition(self, obj: Any, with_name: bool) -> str:
        from schemalens.dialects.postgresql.render import constraint_definition

        return constraint_definition(obj, with_name=with_name)


_CATALOGS = ("pg_class", "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_type",
             "pg_enum", "pg_namespace", "pg_description", "pg_sequence", "pg_extension", "pg_depend")
_FINGERPRINT = "SELECT current_schema(), " + " || '/' || ".join(
    f"(SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM pg_catalog.{c})"
    for c in _CATALOGS)
