"""What the engine asks of a database dialect.

The neutral engine (sources, normalize, diff, workflows, the front ends) never tests a
dialect's name: it asks the dialect object. Each dialect bundles its own names, file
reader, catalog reader and renderer; the heavy parts (pglast, psycopg) are imported only
when that dialect is used, so a SQLite project never loads PostgreSQL's stack.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from datetime import datetime
    from pathlib import Path
    from schemalens.dialects.postgresql.statement_text import CommentOn
    from schemalens.changes import Change, Hazard, Statement
    from schemalens.model import Column, Index, Schema, Sequence, Table
    from schemalens.model import SourceResult


class CatalogError(Exception):
    """The database could not be read (permissions, a lost connection, unsupported server)."""


class SplitError(Exception):
    """SQL text that cannot be cut into statements; `offset` is where the scanner gave up."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class ForeignKeyViolation(Exception):
    """A row left pointing at a missing parent while foreign keys were off (SQLite rebuilds)."""

    table: str
    rowid: Any
    parent: str


class BatchFailed(Exception):
    """A statement of a batch failed: `index` is its position in the batch, `error` the driver's."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


class NoAnswer(Exception):
    """The server took the connection and said nothing within the connect timeout
    (connect.py words the message)."""


class WriteRefused(Exception):
    """A read-only session refused a statement that writes."""


class StatementDenied(Exception):
    """A session's guard refused a statement no session may run (another file, transaction control)."""


class Dialect(ABC):
    name: str
    # The schema an unqualified name lives in.
    default_schema: str
    # (SQL words, Table attribute) of the options a table is created with (SQLite's STRICT,
    # WITHOUT ROWID, AUTOINCREMENT): changing one rebuilds the table.
    table_options: tuple[tuple[str, str], ...] = ()
    # Whether DDL keeps foreign keys whole (PostgreSQL): CREATE TABLE needs the referenced
    # key to exist, and a table or key a foreign key uses cannot be dropped before it.
    # SQLite checks foreign keys only when rows change.
    ddl_checks_foreign_keys: bool = False
    # Extensions every database of this kind has (PostgreSQL's plpgsql): never created,
    # dropped or compared, whether a file names them or not.
    always_present_extensions: frozenset[str] = frozenset()

    @abstractmethod
    def quote_ident(self, name: str) -> str:
        """The identifier as this database writes it: bare only where that reads back the same."""

    @abstractmethod
    def qualified(self, schema: str, name: str) -> str:
        """A table's (or type's) name in `schema`, as SQL."""

    # SQLAlchemy's mock engine for this database (models are compiled without connecting):
    # its URL, and what its dialect would set on connecting. Plain JSON: the worker that
    # runs the user's models gets it in its request.
    sqlalchemy_engine: dict[str, Any]

    @abstractmethod
    def read_files(self, texts: list[tuple[str, str]], default_schema: str) -> SourceResult:
        """The schema that (path, text) SQL files define, in file order; never raises for bad input."""

    @abstractmethod
    def read_catalog(self, conn: Any, schemas: list[str] | None, exclude: list[str]) -> Schema:
        """The live database's schema. Raises CatalogError when the catalog cannot be read."""

    @abstractmethod
    def render(self, changes: list[Change], actual: Schema, desired: Schema, *,
               online: bool = False) -> list[Statement]:
        """The SQL that makes `actual` into `desired` for these changes; `online`: build
        indexes on existing tables without blocking writes, where the database can."""

    def written_type(self, type_: str) -> str:
        """A canonical type as a person writes it in a schema file (pull): the same type,
        read back. SQLite keeps types as they were written: nothing to do."""
        return type_

    # --- canonical forms (normalize walks a Schema and asks for these) -------------------

    @abstractmethod
    def type_context(self, schema: Schema) -> Any:
        """What a type's canonical spelling depends on besides its text (PostgreSQL: where
        the schema's enums live). Compared with ==: tables normalized under an equal
        context are reused."""

    @abstractmethod
    def canonical_type(self, text: str, context: Any) -> str:
        """One spelling for every way of writing the type (`int`, `int4`, `integer`)."""

    @abstractmethod
    def table_context(self, table: Table, types: Any) -> Any:
        """What the expressions of `table` depend on besides their text (its schema, its
        columns and their canonical types); `types` is type_context's value."""

    @abstractmethod
    def canonical_default(self, text: str, table: Any, column_type: str) -> str | None:
        """A column default in canonical spelling (None: the default is NULL);
        `table` is table_context's value, `column_type` the column's canonical type."""

    @abstractmethod
    def canonical_generated(self, text: str, table: Any) -> str | None:
        """A generated column's expression in canonical spelling (None: NULL)."""

    @abstractmethod
    def canonical_expression(self, text: str, table: Any) -> str | None:
        """A check's or an index predicate's expression in canonical spelling (None: NULL)."""

    @abstractmethod
    def canonical_index_element(self, text: str, method: str, table: Any) -> str:
        """An index key element (`lower(email) DESC`) with what the database leaves out
        left out (default operator class, ASC, default NULLS order)."""

    @abstractmethod
    def canonical_collation(self, text: str) -> str | None:
        """A collation name as the catalog spells it (None: the column's own, which the
        catalog leaves unnamed)."""

    # --- comparing (diff asks these of two canonical schemas) ----------------------------

    @abstractmethod
    def adopt_spelling(self, actual: Schema, desired: Schema) -> Schema:
        """`actual` with the names the database resolves as the file's names spelled as
        the file spells them (SQLite folds ASCII case), so spelling is never drift."""

    @abstractmethod
    def same_type(self, old: str, new: str, enums: set[tuple[str, str]]) -> bool:
        """Whether two canonical type spellings name the same type; `enums`: (schema, name)
        of the enums either schema defines (the types schemalens manages)."""

    @abstractmethod
    def same_default(self, old: Column, actual: Schema, new: Column, desired: Schema, table_schema: str) -> bool:
        """Whether two canonical defaults of a column mean the same (PostgreSQL: a
        serial's nextval() on its own sequence, whatever name the sequence got)."""

    def column_sequences(self, schema: Schema) -> list[Sequence]:
        """The sequences that the schema's columns stand for without listing them
        (PostgreSQL: serial columns), as listed sequences: what diff compares a listed
        sequence of the other side with, so that a sequence is never created twice or
        dropped while a column still draws from it."""
        return []

    def identity_sequences(self, schema: Schema) -> list[Sequence]:
        """The sequences behind the schema's identity columns, under the names they have
        (PostgreSQL): what a rename of their table or column must rename with them."""
        return []

    @abstractmethod
    def type_change_loss(self, old: str, new: str) -> str | None:
        """What changing a column's type from `old` to `new` does to values that do not
        fit (a clause for the data-loss warning), or None when every value survives."""

    def type_conversion(self, old: str, new: str, enums: set[tuple[str, str]], judge: Any) -> str | None:
        """How the database converts a column's values from type `old` to `new` in place:
        "assignment" (no USING needed), "explicit" (USING with a cast), "none" (the file must
        say how). `judge`: cast_judge's, None without a database. None: the dialect does
        not convert in place (SQLite rebuilds the table and keeps every value as it is)."""
        return None

    def cast_judge(self, conn: Any) -> Any:
        """The database's own judgement of type conversions, for type_conversion (None: none)."""
        return None

    def unfit_condition(self, column: str, old: str, new: str) -> str | None:
        """SQL selecting the rows whose value of `column` (quoted) changing the type from
        `old` to `new` would not keep exactly (None: no such test)."""
        return None

    @abstractmethod
    def rename_columns(self, expression: str, renamed: dict[str, str]) -> str:
        """The expression as the database holds it after RENAME COLUMN (old -> new)."""

    @abstractmethod
    def default_constraint_name(self, table: Table, obj: Any, taken: set[str]) -> str:
        """The name for a constraint or index the file did not name, added to `taken`."""

    # Whether a constraint or index can be renamed in place (ALTER ... RENAME): SQLite
    # can rename neither, so an object that differs only by its name is dropped and added.
    renames_constraints: bool = False

    def generated_names(self, schema: Schema) -> dict[int, str]:
        """By object id, the names the database gives the constraints and indexes the file
        leaves unnamed when it runs the file: a database that holds one under another name
        is renamed to it. SQLite names none (its unnamed constraints stay unnamed)."""
        return {}

    # --- what a change costs beyond its data (empty: nothing worth a warning) -------------

    @abstractmethod
    def add_column_hazards(self, table: Table, column: Column) -> tuple[Hazard, ...]:
        """What ADD COLUMN on an existing table locks, where it blocks more than a moment."""

    @abstractmethod
    def alter_column_hazards(self, table: Table, old: Column, new: Column, type_changed: bool) -> tuple[Hazard, ...]:
        """What altering `old` into `new` locks or rewrites (`type_changed`: the types differ)."""

    @abstractmethod
    def add_constraint_hazards(self, table: Table, obj: Any) -> tuple[Hazard, ...]:
        """What adding a constraint to an existing table locks or scans."""

    @abstractmethod
    def create_index_hazards(self, table: Table, index: Index) -> tuple[Hazard, ...]:
        """What creating an index on an existing table blocks."""

    def validate_constraint_hazards(self, table: Table, obj: Any) -> tuple[Hazard, ...]:
        """What validating a constraint the database holds NOT VALID scans."""
        return ()

    def left_by_failure(self, sql: str) -> str | None:
        """What a failed after-commit statement (Statement.after_commit) leaves in the
        database, and what to do about it."""
        return None

    # --- asked by workflows and the front ends (checks, quick fixes, hovers) ---------------
    # Namespaces (schemas) to manage, list and pull; comments as COMMENT ON statements
    # of their own; `$tag$` strings; `[name]` identifiers; an inline constraint's span
    # running to the end of its column (the file reader's convention).
    has_namespaces: bool = False
    comment_statements: bool = False
    dollar_quotes: bool = False
    bracket_identifiers: bool = False
    inline_spans_to_column_end: bool = False

    # Asked only where comment_statements:
    def literal(self, text: str | None) -> str:
        """A string constant as SQL (NULL for None)."""
        raise NotImplementedError

    def comment_on(self, sql: str) -> CommentOn | None:
        """A COMMENT ON TABLE / COLUMN statement read; None for any other statement."""
        raise NotImplementedError

    def comment_sql(self, schema: str, table: str, column: str, comment: str) -> str:
        """COMMENT ON TABLE (column "") or COLUMN, as push writes it."""
        raise NotImplementedError

    # Asked only where inline_spans_to_column_end:
    def clause_end(self, column_text: str, offset: int) -> int | None:
        """Where a column's inline clause at `offset` ends (None: unreadable)."""
        raise NotImplementedError

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

    def database_identity(self, url: str) -> Any:
        """What changes when the database behind the URL is replaced by another (a file
        deleted and made again): a long-lived connection then reads the old one."""
        return None

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
        """The database's column as the editor writes it into a schema file, as push would
        write it inside CREATE TABLE (`actual`: the context that tells a serial from an
        integer with a default); expressions in their canonical spelling, the shortest
        that means what the catalog holds."""

    @abstractmethod
    def constraint_definition(self, obj: Any, with_name: bool) -> str:
        """A database's table-level constraint element as the editor writes it into a file
        (canonical expressions, as column_definition); `with_name` where the dialect writes
        names."""

    def carried_along(self, changes: list[Change], chosen: list[Change], actual: Schema,
                      desired: Schema) -> list[Change]:
        """The chosen changes and those that cannot run without them."""
        return chosen

    def refusals(self, changes: list[Change], actual: Schema, desired: Schema) -> list[str]:
        """Why push must not run these changes on this database although they render: what
        they would break that schemalens leaves alone (SQLite: a trigger a rebuild makes
        again, naming a column the rebuild drops)."""
        return []

    # --- statements and runtime (executing SQL) -------------------------------------------

    @abstractmethod
    def split_statements(self, text: str) -> list[tuple[int, str]]:
        """(offset of the first token, statement without its `;`) for each statement, cut by
        this database's own idea of where a statement ends. Raises SplitError."""

    @property
    @abstractmethod
    def runtime(self) -> Runtime:
        """How this database executes: parameters, transactions, locks, sessions, backups."""


class Runtime(ABC):
    """How one database executes SQL. Callers hold the driver connection (`conn`) and ask
    this object for every rule that differs between databases."""

    # The driver's parameter placeholder, and how a literal `%` is written in a statement
    # that has parameters (psycopg reads `%` as a placeholder even inside a quoted name).
    param: str
    percent: str
    # What a dry run of migrations could honestly say it did.
    dry_run_note: str
    # Whether `may_write` tells writes from reads before they run (else a session's guard decides).
    classifies: bool
    # SELECT ... FOR UPDATE where the database locks rows, else "".
    lock_rows: str

    @abstractmethod
    def open(self, url: str, *, create: bool, read_only: bool, where: str, connect_s: int, read_ms: int) -> Any:
        """The driver connection for `url`; a ConnectError (masked, naming `where` the URL
        came from) when it cannot be had, NoAnswer when the server stays silent for
        `connect_s`. `create`: a missing SQLite file may be made. Each read on it gives up
        after `read_ms` (see connect.Timeouts)."""

    @property
    @abstractmethod
    def errors(self) -> tuple[type[Exception], ...]:
        """The driver's exception classes (imported only when asked)."""

    @abstractmethod
    def error_position(self, error: Exception) -> int | None:
        """1-based character position in the statement that the database blamed, if it said."""

    def in_user_names(self, message: str) -> str:
        """A database's message in the names the user wrote (SQLite: a rebuild's scratch table)."""
        return message

    # --- transactions and statements ---

    @abstractmethod
    def autocommit(self, conn: Any) -> None:
        """End any implicit transaction (a read's) so statements commit on their own."""

    @abstractmethod
    def execute(self, conn: Any, sql: str) -> Any:
        """Run SQL text as written (no parameters, so `%` stays literal)."""

    @abstractmethod
    def transaction(self, conn: Any, *, foreign_keys_off: bool = False) -> AbstractContextManager[None]:
        """One explicit transaction, committed at the end, rolled back on any error.
        `foreign_keys_off`: foreign keys are not enforced inside, and checked before commit
        (raises ForeignKeyViolation)."""

    @abstractmethod
    def trial(self, conn: Any, *, foreign_keys_off: bool) -> AbstractContextManager[bool]:
        """A transaction that is always rolled back. Yields whether foreign keys are deferred
        (then `foreign_key_violation` tells what a commit would have found)."""

    @abstractmethod
    def foreign_key_violation(self, conn: Any) -> ForeignKeyViolation | None:
        """The first row whose parent is missing (inside a transaction with foreign keys off)."""

    def execute_batch(self, conn: Any, sqls: list[str], sending: Callable[[int], None]) -> None:
        """Run the statements in order, inside the caller's transaction; `sending(i)` is called
        before the i-th is sent. The first that fails raises BatchFailed with its position,
        and none after it runs. One by one here (SQLite runs in-process: no round trips)."""
        for i, sql in enumerate(sqls):
            sending(i)
            try:
                conn.execute(sql)
            except self.errors as e:
                raise BatchFailed(i, e) from None

    @abstractmethod
    def set_lock_timeout(self, conn: Any, value: str | None, *, local: bool) -> None:
        """Before executing (for the transaction, or the session): lift the read deadline and
        bound how long a statement waits for a lock."""

    @abstractmethod
    def reset_lock_timeout(self, conn: Any, value: str | None) -> None:
        """Undo a session-wide `set_lock_timeout`."""

    def does_not_answer(self, error: Exception) -> bool:
        """Whether a read failed because its deadline passed (a lock held elsewhere, a stuck server)."""
        return False

    # --- migrations ---

    @abstractmethod
    def foreign_keys_switch(self, statement: str) -> bool | None:
        """What a statement that switches foreign key enforcement asks for (True: on), or None
        for any other statement."""

    @abstractmethod
    def migration_lock(self, conn: Any, url: str,
                       on_wait: Callable[[], None] | None) -> AbstractContextManager[None]:
        """Serialize migrate/rollback/reset runs against one database; dies with the process."""

    @abstractmethod
    def ledger_ddl(self, table: str) -> str:
        """CREATE TABLE IF NOT EXISTS for the applied-migrations table."""

    @abstractmethod
    def table_exists(self, conn: Any, name: str) -> bool:
        """Whether a table of that (unqualified) name exists."""

    @abstractmethod
    def timestamp(self, now: datetime) -> Any:
        """The parameter that stores `now` in the ledger's applied_at column."""

    @abstractmethod
    def backup(self, conn: Any, url: str, target: Path) -> str | None:
        """Write a full backup to `target`; why it failed, or None."""

    @abstractmethod
    def database_missing(self, url: str) -> bool:
        """True when the database does not exist yet, so reading it must not create it."""

    # --- sessions (the studio) ---

    @abstractmethod
    def single_connection(self, url: str) -> bool:
        """True when a second connection would not see the same database (in-memory)."""

    @abstractmethod
    def open_session(self, conn: Any, timeout_ms: int) -> None:
        """Prepare a long-lived connection: autocommit, a statement deadline, no other files."""

    @abstractmethod
    def borrow(self, conn: Any, timeout_ms: int) -> None:
        """Start a request's deadline on a pooled connection."""

    @abstractmethod
    def give_back(self, conn: Any) -> None:
        """End a request: drop its deadline and any transaction it left open."""

    @abstractmethod
    def usable(self, conn: Any) -> bool:
        """Whether a returned connection can serve the next request."""

    @abstractmethod
    def read_only(self, conn: Any) -> AbstractContextManager[None]:
        """A transaction the database itself keeps from writing, always rolled back.
        A write inside raises WriteRefused; a statement no session may run, StatementDenied."""

    @abstractmethod
    def writing(self, conn: Any) -> AbstractContextManager[None]:
        """A transaction that may write, committed at the end. StatementDenied as above."""

    @abstractmethod
    def may_write(self, statement: str) -> bool:
        """Whether a statement may change anything (when unsure: True; always False where
        `classifies` is False). Raises SplitError for text that does not parse and
        StatementDenied for transaction control."""

    @abstractmethod
    def user_schemas(self, conn: Any) -> list[str] | None:
        """Every schema a user made; None where the database has one namespace."""

    # --- values and expressions (the studio) ---

    @abstractmethod
    def as_text(self, sql: str, limit: int | None = None) -> str:
        """An expression whose value travels as text (at most `limit` characters)."""

    @abstractmethod
    def comparable(self, sql: str, column_type: str) -> str:
        """The column as something `=` and `<` accept (json has no equality operator)."""

    @abstractmethod
    def contains(self, sql: str, param: str) -> str:
        """A case-insensitive "text form contains" test; `param` is a LIKE pattern, `\\` escapes."""

    @abstractmethod
    def bind(self, column_type: str, text: str) -> Any:
        """The parameter for a value the page sends as text."""

    def can_be_null(self, column: Column, table: Table) -> bool:
        """Whether the column can hold NULL (what an editing page offers), which the
        declared nullability does not always say."""
        return column.nullable

    @abstractmethod
    def column_kind(self, column_type: str) -> str:
        """How a page shows and edits the values: number, bool, json, array, bytes, date, time,
        datetime, text."""

    @abstractmethod
    def row_address(self, column_names: set[str]) -> str:
        """An expression that identifies a row of a table without a primary key."""

    @abstractmethod
    def table_sql(self, schema_sql: str, name_sql: str) -> str:
        """A table's name in SQL from its quoted parts."""

    @abstractmethod
    def row_counts(self, conn: Any, url: str, tables: list[tuple[str, str, bool]],
                   ident: Callable[[str], str]) -> dict[tuple[str, str], tuple[int | None, bool]]:
        """(count, exact) per (schema, name) of (schema, name, has_rowid) tables, names quoted
        by `ident`; a table it cannot count is left out (never raises)."""
