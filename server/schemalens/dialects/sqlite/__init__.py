"""SQLite: files run in a scratch in-memory database and read back like the live one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schemalens.dialects.base import Dialect, Runtime
from schemalens.dialects.sqlite import expressions, names, types
from schemalens.dialects.sqlite.names import qualified, quote_ident
from schemalens.urls import sqlite_path

if TYPE_CHECKING:
    from schemalens.changes import Change, Hazard, Statement
    from schemalens.model import Column, Index, Schema, Table
    from schemalens.model import SourceResult


class SQLite(Dialect):
    _runtime: Runtime | None = None
    name = "sqlite"
    default_schema = "main"
    table_options = (("STRICT", "strict"), ("WITHOUT ROWID", "without_rowid"), ("AUTOINCREMENT", "autoincrement"))
    sqlalchemy_engine = {"url": "sqlite://", "connected": {}}

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

    def render(self, changes: list[Change], actual: Schema, desired: Schema, *,
               online: bool = False) -> list[Statement]:
        from schemalens.dialects.sqlite.render import render_sqlite

        return render_sqlite(changes, actual, desired)

    # Types are kept as declared; expressions get one spelling of whitespace and letter
    # case (expressions.py), with the table's column names spelled as declared.

    def type_context(self, schema: Schema) -> None:
        return None

    def canonical_type(self, text: str, context: None) -> str:
        return types.canonical_type(text)

    def table_context(self, table: Table, types: None) -> dict[str, str]:
        return expressions.spellings([c.name for c in table.columns])

    def canonical_default(self, text: str, table: dict[str, str], column_type: str) -> str:
        return expressions.canonical_expression(types.stored_default(text, column_type), table)

    def canonical_generated(self, text: str, table: dict[str, str]) -> str:
        return expressions.canonical_expression(text, table)

    def canonical_expression(self, text: str, table: dict[str, str]) -> str:
        return expressions.canonical_expression(text, table)

    def canonical_index_element(self, text: str, method: str, table: dict[str, str]) -> str:
        return expressions.canonical_expression(text, table)

    def canonical_collation(self, text: str) -> str | None:
        return text

    def adopt_spelling(self, actual: Schema, desired: Schema) -> Schema:
        return names.adopt_spelling(actual, desired)

    def same_type(self, old: str, new: str, enums: set[tuple[str, str]]) -> bool:
        return old == new

    def same_default(self, old: Column, actual: Schema, new: Column, desired: Schema, table_schema: str) -> bool:
        return old.default == new.default

    def type_change_loss(self, old: str, new: str) -> str | None:
        return types.type_change_loss(old, new)

    def rename_columns(self, expression: str, renamed: dict[str, str]) -> str:
        return expressions.rename_columns(expression, renamed)

    def default_constraint_name(self, table: Table, obj: Any, taken: set[str]) -> str:
        """SQLite names no constraint; an unnamed one is named in PostgreSQL's manner (its
        index needs a name, and change ids read alike in both dialects)."""
        from schemalens.dialects.postgresql.names import default_constraint_name

        return default_constraint_name(table, obj, taken)

    # A table change rebuilds the table (render.py); no lock outlives the transaction.

    def add_column_hazards(self, table: Table, column: Column) -> tuple[Hazard, ...]:
        return ()

    def alter_column_hazards(self, table: Table, old: Column, new: Column, type_changed: bool) -> tuple[Hazard, ...]:
        return ()

    def add_constraint_hazards(self, table: Table, obj: Any) -> tuple[Hazard, ...]:
        return ()

    def create_index_hazards(self, table: Table, index: Index) -> tuple[Hazard, ...]:
        return ()

    # --- asked by workflows and the front ends -------------------------------------------
    bracket_identifiers = True

    def missing_database(self, url: str) -> str | None:
        return sqlite_path(url) if self.runtime.database_missing(url) else None

    def database_identity(self, url: str) -> Any:
        """The file's device, inode and modification time (a new file may reuse the inode)."""
        import os

        path = sqlite_path(url)
        try:
            found = os.stat(path) if path != ":memory:" else None
        except OSError:
            return None
        return (found.st_dev, found.st_ino, found.st_mtime_ns) if found else None

    def catalog_fingerprint(self, conn: Any, url: str) -> tuple[str, Any]:
        """PRAGMA schema_version, and the file's inode (a file replaced by another)."""
        import os

        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        path = sqlite_path(url)
        return self.default_schema, (version, os.stat(path).st_ino if path != ":memory:" else 0)

    def estimated_rows(self, conn: Any, schema: str, table: str) -> int | None:
        """SQLite keeps no estimate: it counts."""
        return int(conn.execute(f"SELECT count(*) FROM {self.qualified(schema, table)}").fetchone()[0])

    def parses(self, sql: str) -> bool:
        import sqlite3

        conn = sqlite3.connect(":memory:")
        try:
            conn.execute(sql)
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        return True

    def column_definition(self, column: Column, table: Table, actual: Schema) -> str:
        from schemalens.dialects.sqlite.render import column_definition

        return column_definition(column, table)

    def constraint_definition(self, obj: Any, with_name: bool) -> str:
        from schemalens.dialects.sqlite.render import constraint_definition

        return constraint_definition(obj)

    def carried_along(self, changes: list[Change], chosen: list[Change], actual: Schema,
                      desired: Schema) -> list[Change]:
        """SQLite rebuilds a table to its desired shape in one go: a chosen change that
        rebuilds its table brings that table's other changes along (not its triggers': a
        rebuild makes them again as they were)."""
        from schemalens.changes import DEFINITION_KINDS
        from schemalens.dialects.sqlite.render import owner, rebuilt_tables

        tables = rebuilt_tables(chosen, actual, desired)
        picked = {c.id for c in chosen}
        return [c for c in changes if c.id in picked or (owner(c) in tables and c.kind not in DEFINITION_KINDS)]

    def refusals(self, changes: list[Change], actual: Schema, desired: Schema) -> list[str]:
        from schemalens.dialects.sqlite.render import broken_triggers

        return broken_triggers(changes, actual, desired)

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
