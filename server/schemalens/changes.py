"""The unit of work between diff, render, lint and the front ends.

A `Change` says what differs and what doing it costs (data loss, locks); it carries the
model objects on both sides, so `render` can write SQL for any dialect and the language
server can point at the object's span without knowing how the diff was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal[
    "create_schema",
    "drop_schema",         # only when the file manages namespaces (has CREATE SCHEMA)
    "create_extension",
    "alter_extension",     # before/after: Extension; moved to another schema
    "create_enum",
    "add_enum_value",      # after: Enum (new value list); name: the value added
    "drop_enum",
    "recreate_enum",       # values removed or reordered: PostgreSQL cannot do that in place
    "create_sequence",
    "alter_sequence",
    "drop_sequence",
    "create_table",
    "drop_table",
    "rename_table",        # before: old Table, after: new Table
    "add_column",
    "drop_column",
    "rename_column",       # before: old Column, after: new Column
    "alter_column",        # before/after: Column; type, nullability, default, identity...
    "alter_table",         # before/after: Table; table options (SQLite STRICT, WITHOUT ROWID, AUTOINCREMENT)
    "add_constraint",      # PrimaryKey, Unique, ForeignKey or Check in `after`
    "drop_constraint",     # ... in `before`
    "create_index",
    "drop_index",
    "set_comment",         # before/after: the commented object; name: "" for the table
]


@dataclass
class Change:
    kind: ChangeKind
    schema: str
    # The table the change belongs to; None for schema-level objects (enums, sequences,
    # extensions, namespaces) whose own name is in `name`.
    table: str | None
    name: str
    before: Any = None  # the model object as the database has it (None when created)
    after: Any = None   # the model object as the schema wants it (None when dropped)
    # Why this change can lose data ("drops column users.name and its 1,204 values"),
    # None when it cannot. Front ends refuse to run such changes without confirmation.
    data_loss: str | None = None
    # The lock it takes and what that blocks, None when harmless (PostgreSQL).
    lock: str | None = None
    # For a drop/add pair that looks like a rename: the name on the other side.
    rename_candidate: str | None = None
    description: str = ""

    @property
    def id(self) -> str:
        """Stable identity of the change, used by the CLI and code actions to pick changes."""
        owner = f"{self.schema}.{self.table}." if self.table is not None else f"{self.schema}."
        return f"{self.kind}:{owner}{self.name}"

    @property
    def span(self) -> Any:
        """Where the change points in the schema file (None for objects only in the database)."""
        return getattr(self.after, "span", None)


@dataclass
class Statement:
    """One SQL statement that `apply` executes, with what it needs around it."""

    sql: str
    # ids of the changes this statement implements
    change_ids: tuple[str, ...] = ()
    # False for statements PostgreSQL refuses inside a transaction block
    # (CREATE INDEX CONCURRENTLY) and for ALTER TYPE ... ADD VALUE, whose value may only
    # be used after a commit: apply runs these before the transactional batch.
    transactional: bool = True
    # SQLite table rebuilds: foreign keys must be switched off outside the transaction
    # and checked with PRAGMA foreign_key_check before commit.
    needs_foreign_keys_off: bool = False


class RenderError(ValueError):
    """The changes cannot be written as SQL for this dialect."""
