"""PostgreSQL: files read by its own parser (pglast), the catalog read by psycopg."""

from __future__ import annotations

import dataclasses
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any

from schemalens.changes import Hazard
from schemalens.dialects.base import Dialect, Runtime

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.dialects.postgresql.expressions import Context
    from schemalens.dialects.postgresql.statement_text import CommentOn
    from schemalens.dialects.postgresql.types import Homes
    from schemalens.model import Column, Index, Schema, Sequence, Table
    from schemalens.model import SourceResult

_REWRITE = "under an ACCESS EXCLUSIVE lock (blocks reads and writes)"
# Rows counted, where the catalog has no estimate, before a count is too slow to be a courtesy.
_COUNT_BOUND = 10_000


def _validated(table: str) -> str:
    return (f"validated in its own transaction after the others commit: existing rows of {table} are scanned "
            "under a SHARE UPDATE EXCLUSIVE lock (writes continue); if a row violates it, the constraint "
            "stays NOT VALID")


def _rewrite(table: str) -> Hazard:
    return Hazard("rewrite", table, f"rewrites table {table} {_REWRITE}")


class PostgreSQL(Dialect):
    """Its modules (and pglast) are imported when a method first needs them: a SQLite
    project never loads them."""

    _runtime: Runtime | None = None
    name = "postgresql"
    default_schema = "public"
    ddl_checks_foreign_keys = True
    always_present_extensions = frozenset({"plpgsql"})
    # PostgreSQL 10-17 as a connected dialect sees it: Computed() without persisted= is
    # STORED there (VIRTUAL only from 18).
    sqlalchemy_engine = {"url": "postgresql://", "connected": {
        "server_version_info": [17, 0], "supports_virtual_generated_columns": False}}

    # normalize asks for a canonical form per column and expression: the modules are bound
    # once, on first use, not imported on every call.
    @cached_property
    def _types(self) -> ModuleType:
        from schemalens.dialects.postgresql import types

        return types

    @cached_property
    def _expressions(self) -> ModuleType:
        from schemalens.dialects.postgresql import expressions

        return expressions

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

    def render(self, changes: list[Change], actual: Schema, desired: Schema, *,
               online: bool = False) -> list[Statement]:
        from schemalens.dialects.postgresql.render import render_postgresql

        return render_postgresql(changes, actual, desired, online)

    def left_by_failure(self, sql: str) -> str | None:
        from schemalens.dialects.postgresql.render import left_by_failure

        return left_by_failure(sql)

    def type_context(self, schema: Schema) -> Homes:
        return self._types.enum_homes(schema.enums)

    def canonical_type(self, text: str, context: Homes) -> str:
        return self._types.schema_type(text, context)

    def table_context(self, table: Table, types: Homes) -> Context:
        columns = tuple((c.name, self._types.schema_type(c.type, types)) for c in table.columns)
        return self._expressions.Context(schema=table.schema, columns=columns)

    def canonical_default(self, text: str, table: Context, column_type: str) -> str | None:
        """A default depends on its column's type (it is coerced to it), not on the other columns."""
        expressions = self._expressions
        return expressions.canonical_expression(text, expressions.Context(schema=table.schema, column_type=column_type))

    def canonical_generated(self, text: str, table: Context) -> str | None:
        expressions = self._expressions
        return expressions.canonical_expression(text, expressions.Context(schema=table.schema))

    def canonical_expression(self, text: str, table: Context) -> str | None:
        return self._expressions.canonical_expression(text, table)

    def canonical_index_element(self, text: str, method: str, table: Context) -> str:
        return self._expressions.canonical_index_element(text, method)

    def canonical_collation(self, text: str) -> str | None:
        return self._expressions.canonical_collation(text)

    def adopt_spelling(self, actual: Schema, desired: Schema) -> Schema:
        return actual  # names are compared exactly: quoting decides their case

    def written_type(self, type_: str) -> str:
        from schemalens.dialects.postgresql.definitions import written_type

        return written_type(type_)

    def same_type(self, old: str, new: str, enums: set[tuple[str, str]]) -> bool:
        return old == new or self._types.same_unmanaged_type(old, new, enums)

    def same_default(self, old: Column, actual: Schema, new: Column, desired: Schema, table_schema: str) -> bool:
        own_serial = self._expressions.is_own_serial
        return old.default == new.default or (
            own_serial(old, actual, table_schema) and own_serial(new, desired, table_schema))

    def column_sequences(self, schema: Schema) -> list[Sequence]:
        from schemalens.dialects.postgresql.serials import implied_sequences

        return implied_sequences(schema)

    def identity_sequences(self, schema: Schema) -> list[Sequence]:
        from schemalens.dialects.postgresql.names import own_sequence_name
        from schemalens.model import Sequence

        return [Sequence(table.schema, column.identity.sequence_name or own_sequence_name(table.name, column.name),
                         owned_by=(table.schema, table.name, column.name))
                for table in schema.tables for column in table.columns if column.identity is not None]

    def type_change_loss(self, old: str, new: str) -> str | None:
        if self._types.type_change_is_safe(old, new):
            return None
        if self._casts.unfit_condition("c", old, new) is not None:
            return "if any value would be cut or rounded, the change is refused before anything changes"
        return "values that do not convert fail the change"

    @cached_property
    def _casts(self) -> ModuleType:
        from schemalens.dialects.postgresql import casts

        return casts

    def type_conversion(self, old: str, new: str, enums: set[tuple[str, str]], judge: Any) -> str | None:
        judged = judge(old, new) if judge is not None else None
        if judged is not None:
            return judged
        return self._casts.rule_conversion(old, new, lambda t: self._types.names_enum(t, enums))

    def cast_judge(self, conn: Any) -> Any:
        return self._casts.DatabaseCasts(conn)

    def unfit_condition(self, column: str, old: str, new: str) -> str | None:
        return self._casts.unfit_condition(column, old, new)

    def rename_columns(self, expression: str, renamed: dict[str, str]) -> str:
        return self._expressions.rename_columns(expression, renamed)

    def default_constraint_name(self, table: Table, obj: Any, taken: set[str]) -> str:
        from schemalens.dialects.postgresql.names import default_constraint_name

        return default_constraint_name(table, obj, taken)

    renames_constraints = True

    def generated_names(self, schema: Schema) -> dict[int, str]:
        from schemalens.dialects.postgresql.names import generated_names

        return generated_names(schema)

    def add_column_hazards(self, table: Table, column: Column) -> tuple[Hazard, ...]:
        if (column.identity is not None or (column.generated and column.generated_stored)
                or (column.default is not None and self._expressions.is_volatile(column.default))):
            label = f"{table.schema}.{table.name}"
            return (Hazard("rewrite", label, f"rewrites table {label} {_REWRITE} to fill the new column"),)
        return ()

    def alter_column_hazards(self, table: Table, old: Column, new: Column, type_changed: bool) -> tuple[Hazard, ...]:
        label = f"{table.schema}.{table.name}"
        column = f"{label}.{new.name}"
        hazards: list[Hazard] = []
        if type_changed and self._types.type_change_rewrites(old.type, new.type):
            hazards.append(_rewrite(label))
        elif old.collation != new.collation:
            hazards.append(Hazard("index-build", column, f"rebuilds indexes on {column} under an ACCESS EXCLUSIVE lock"))
        if old.nullable and not new.nullable:
            hazards.append(Hazard("access-exclusive-lock", column, f"scans table {label} for NULLs under an "
                                  "ACCESS EXCLUSIVE lock; fails if any row holds NULL"))
        if new.generated and (old.generated != new.generated or old.generated_stored != new.generated_stored):
            hazards.append(_rewrite(label))
        return tuple(hazards)

    def add_constraint_hazards(self, table: Table, obj: Any) -> tuple[Hazard, ...]:
        from schemalens.model import Check, ForeignKey

        label = f"{table.schema}.{table.name}"
        if isinstance(obj, ForeignKey):
            added = (f"added NOT VALID (a brief SHARE ROW EXCLUSIVE lock on {label} and "
                     f"{obj.ref_schema}.{obj.ref_table}: writes wait only for that statement)")
        elif isinstance(obj, Check):
            added = f"added NOT VALID (a brief ACCESS EXCLUSIVE lock on {label})"
        else:
            return (Hazard("index-build", label, f"builds a unique index on {label} {_REWRITE}; fails on duplicate rows"),)
        return (Hazard("validation-scan", label, f"{added}, then {_validated(label)}"),)

    def validate_constraint_hazards(self, table: Table, obj: Any) -> tuple[Hazard, ...]:
        label = f"{table.schema}.{table.name}"
        return (Hazard("validation-scan", label, _validated(label)),)

    def create_index_hazards(self, table: Table, index: Index) -> tuple[Hazard, ...]:
        label = f"{table.schema}.{table.name}"
        return (Hazard("share-lock", label, f"blocks writes to {label} (SHARE lock) while the index builds, unless "
                       "built CONCURRENTLY (the `online` setting: writes continue, outside a transaction; a failed "
                       "build leaves an INVALID index, which the next plan drops and builds again)"),)

    # --- asked by workflows and the front ends -------------------------------------------
    has_namespaces = True
    comment_statements = True
    dollar_quotes = True
    inline_spans_to_column_end = True

    def literal(self, text: str | None) -> str:
        from schemalens.dialects.postgresql.names import quote_literal

        return quote_literal(text)

    def comment_on(self, sql: str) -> CommentOn | None:
        from schemalens.dialects.postgresql.statement_text import comment_on

        return comment_on(sql)

    def comment_sql(self, schema: str, table: str, column: str, comment: str) -> str:
        target = f"TABLE {self.qualified(schema, table)}"
        if column:
            target = f"COLUMN {self.qualified(schema, table)}.{self.quote_ident(column)}"
        return f"COMMENT ON {target} IS {self.literal(comment)};"

    def clause_end(self, column_text: str, offset: int) -> int | None:
        from schemalens.dialects.postgresql.statement_text import clause_end

        return clause_end(column_text, offset)

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
        """The planner's estimate: free, where counting a big table is not. A table never
        vacuumed or analysed has none (reltuples -1, not 0): it is counted, up to a bound
        (None beyond it: unknown, and too big to count on a hover)."""
        name = self.qualified(schema, table)
        try:
            row = conn.execute("SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = to_regclass(%s)",
                               (name,)).fetchone()
            if row is None or row[0] is None:
                return None
            if row[0] >= 0:
                return int(row[0])
            counted = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT {_COUNT_BOUND + 1}) s").fetchone()[0]
            return int(counted) if counted <= _COUNT_BOUND else None
        finally:
            conn.rollback()

    def parses(self, sql: str) -> bool:
        import pglast

        try:
            pglast.parse_sql(sql)
        except pglast.parser.ParseError:
            return False
        return True

    def column_definition(self, column: Column, table: Table, actual: Schema) -> str:
        from schemalens.dialects.postgresql.definitions import column_definition

        return column_definition(dataclasses.replace(column, written={}), actual, table)

    def constraint_definition(self, obj: Any, with_name: bool) -> str:
        from schemalens.dialects.postgresql.definitions import constraint_definition

        if hasattr(obj, "written"):
            obj = dataclasses.replace(obj, written={})
        return constraint_definition(obj, with_name=with_name)

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


_CATALOGS = ("pg_class", "pg_attribute", "pg_attrdef", "pg_constraint", "pg_index", "pg_type",
             "pg_enum", "pg_namespace", "pg_description", "pg_sequence", "pg_extension", "pg_depend")
_FINGERPRINT = "SELECT current_schema(), " + " || '/' || ".join(
    f"(SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM pg_catalog.{c})"
    for c in _CATALOGS)
