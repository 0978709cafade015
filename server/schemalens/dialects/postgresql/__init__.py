"""PostgreSQL: files read by its own parser (pglast), the catalog read by psycopg."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemalens.dialects.base import Dialect

if TYPE_CHECKING:
    from schemalens.changes import Change, Statement
    from schemalens.dialects.postgresql.expressions import Context
    from schemalens.dialects.postgresql.types import Homes
    from schemalens.model import Column, Index, Schema, Table
    from schemalens.sources import SourceResult

_REWRITE = "under an ACCESS EXCLUSIVE lock (blocks reads and writes)"


class PostgreSQL(Dialect):
    """Its modules (and pglast) are imported inside the methods: a SQLite project never loads them."""

    name = "postgresql"
    default_schema = "public"
    ddl_checks_foreign_keys = True

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

    def type_context(self, schema: Schema) -> Homes:
        from schemalens.dialects.postgresql.types import enum_homes

        return enum_homes(schema.enums)

    def canonical_type(self, text: str, context: Homes) -> str:
        from schemalens.dialects.postgresql.types import schema_type

        return schema_type(text, context)

    def table_context(self, table: Table, types: Homes) -> Context:
        from schemalens.dialects.postgresql.expressions import Context
        from schemalens.dialects.postgresql.types import schema_type

        return Context(schema=table.schema, columns=tuple((c.name, schema_type(c.type, types)) for c in table.columns))

    def canonical_default(self, text: str, table: Context, column_type: str) -> str | None:
        from schemalens.dialects.postgresql.expressions import Context, canonical_expression

        return canonical_expression(text, Context(schema=table.schema, column_type=column_type))

    def canonical_generated(self, text: str, table: Context) -> str | None:
        from schemalens.dialects.postgresql.expressions import Context, canonical_expression

        return canonical_expression(text, Context(schema=table.schema))

    def canonical_expression(self, text: str, table: Context) -> str | None:
        from schemalens.dialects.postgresql.expressions import canonical_expression

        return canonical_expression(text, table)

    def canonical_index_element(self, text: str, method: str, table: Context) -> str:
        from schemalens.dialects.postgresql.expressions import canonical_index_element

        return canonical_index_element(text, method)

    def canonical_collation(self, text: str) -> str:
        from schemalens.dialects.postgresql.expressions import canonical_collation

        return canonical_collation(text)

    def adopt_spelling(self, actual: Schema, desired: Schema) -> Schema:
        return actual  # names are compared exactly: quoting decides their case

    def same_type(self, old: str, new: str, enums: set[tuple[str, str]]) -> bool:
        from schemalens.dialects.postgresql.types import same_unmanaged_type

        return old == new or same_unmanaged_type(old, new, enums)

    def same_default(self, old: Column, actual: Schema, new: Column, desired: Schema, table_schema: str) -> bool:
        from schemalens.dialects.postgresql.expressions import is_own_serial

        return old.default == new.default or (
            is_own_serial(old, actual, table_schema) and is_own_serial(new, desired, table_schema))

    def type_change_loss(self, old: str, new: str) -> str | None:
        from schemalens.dialects.postgresql.types import type_change_is_safe

        return None if type_change_is_safe(old, new) else "values that do not fit fail the change or are cut"

    def rename_columns(self, expression: str, renamed: dict[str, str]) -> str:
        from schemalens.dialects.postgresql.expressions import rename_columns

        return rename_columns(expression, renamed)

    def default_constraint_name(self, table: Table, obj: Any, taken: set[str]) -> str:
        from schemalens.dialects.postgresql.names import default_constraint_name

        return default_constraint_name(table, obj, taken)

    def add_column_lock(self, table: Table, column: Column) -> str | None:
        from schemalens.dialects.postgresql.expressions import is_volatile

        if (column.identity is not None or (column.generated and column.generated_stored)
                or (column.default is not None and is_volatile(column.default))):
            return f"rewrites table {table.schema}.{table.name} {_REWRITE} to fill the new column"
        return None

    def alter_column_locks(self, table: Table, old: Column, new: Column, type_changed: bool) -> list[str]:
        from schemalens.dialects.postgresql.types import type_change_rewrites

        label = f"{table.schema}.{table.name}"
        locks: list[str] = []
        if type_changed and type_change_rewrites(old.type, new.type):
            locks.append(f"rewrites table {label} {_REWRITE}")
        elif old.collation != new.collation:
            locks.append(f"rebuilds indexes on {label}.{new.name} under an ACCESS EXCLUSIVE lock")
        if old.nullable and not new.nullable:
            locks.append(f"scans table {label} for NULLs under an ACCESS EXCLUSIVE lock; fails if any row holds NULL")
        if new.generated and (old.generated != new.generated or old.generated_stored != new.generated_stored):
            locks.append(f"rewrites table {label} {_REWRITE}")
        return locks

    def add_constraint_lock(self, table: Table, obj: Any) -> str | None:
        from schemalens.model import Check, ForeignKey

        if isinstance(obj, (ForeignKey, Check)):
            return (f"added NOT VALID, then validated: existing rows of {table.schema}.{table.name} are scanned "
                    "under a SHARE UPDATE EXCLUSIVE lock (writes continue)")
        return (f"builds a unique index on {table.schema}.{table.name} {_REWRITE}; fails on duplicate rows")

    def create_index_lock(self, table: Table, index: Index) -> str | None:
        return f"blocks writes to {table.schema}.{table.name} (SHARE lock) while the index builds"
