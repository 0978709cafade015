"""The unit of work between diff, render, lint and the front ends.

A `Change` says what differs and what doing it costs (its hazards); it carries the
model objects on both sides, so `render` can write SQL for any dialect and the language
server can point at the object's span without knowing how the diff was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from schemalens.model import ForeignKey, PrimaryKey, Unique

ChangeKind = Literal[
    "create_schema",
    "drop_schema",         # only when the file manages namespaces (has CREATE SCHEMA)
    "create_extension",
    "alter_extension",     # before/after: Extension; moved to another schema, or updated to the file's version
    "drop_extension",      # only when the files manage extensions (have CREATE EXTENSION)
    "create_enum",
    "add_enum_value",      # after: Enum (new value list); name: the value added
    "drop_enum",
    "recreate_enum",       # values removed or reordered: PostgreSQL cannot do that in place
    "create_sequence",
    "alter_sequence",
    "drop_sequence",
    "rename_sequence",     # before/after: a serial column's own Sequence, after its table or column
                           # is renamed (PostgreSQL keeps the old name; the file's database has the new)
    "create_table",
    "drop_table",
    "rename_table",        # before: old Table, after: new Table
    "add_column",
    "drop_column",
    "rename_column",       # before: old Column, after: new Column
    "alter_column",        # before/after: Column; type, nullability, default, identity...
    "alter_table",         # before/after: Table; table options (SQLite STRICT, WITHOUT ROWID, AUTOINCREMENT)
    "add_constraint",      # PrimaryKey, Unique, ForeignKey or Check in `after`
    "validate_constraint", # before: the NOT VALID ForeignKey or Check, after: the file's
    "drop_constraint",     # ... in `before`
    "rename_constraint",   # before/after: the constraint as the database and the file have it; only the name differs
    "create_index",
    "drop_index",
    "rename_index",        # before/after: the Index; only the name differs
    "set_comment",         # before/after: the commented object; name: "" for the table, else the
                           # column, index or constraint (as the database names it)
    "set_storage",         # before/after: Table (name "") or Index, PrimaryKey, Unique (name: its index)
    "set_statistics",      # before (None for a new table)/after: Column; statistics target and n_distinct;
                           # or Index (name: the index): its expression columns' statistics targets
    "set_persistence",     # before/after: Table; UNLOGGED or not
    "set_row_security",    # before (None for a new table)/after: Table; RLS enabled, forced
    "set_replica_identity",  # before (None for a new table)/after: Table
    "create_definition",   # after: Definition (a view, trigger...); `table`: a trigger's table
    "drop_definition",     # before: Definition
    "replace_definition",  # before/after: Definition; its printed definition differs, or one it
                           # depends on is made again
]

# Changes of objects kept as a definition (model.Definition): they belong to no table's
# rebuild, even a trigger, whose table they name.
DEFINITION_KINDS = frozenset({"create_definition", "drop_definition", "replace_definition"})


HazardKind = Literal[
    "data-loss",              # rows or values can be lost, or the change fails on the rows there are
    "rewrite",                # the table is rewritten under an ACCESS EXCLUSIVE lock
    "access-exclusive-lock",  # the table is scanned under an ACCESS EXCLUSIVE lock (SET NOT NULL)
    "share-lock",             # writes are blocked while an index builds
    "validation-scan",        # rows scanned by VALIDATE CONSTRAINT in a transaction of its own: writes continue
    "index-build",            # indexes are built or rebuilt under an ACCESS EXCLUSIVE lock
    "needs-using",            # no cast converts the column's type: the file must say how (`@using:`)
]

# What generate writes where a type change needs a USING expression it cannot know: a
# call of a function that does not exist, so that it fails if it ever runs, and a name
# the migration runner and lint look for to refuse it first.
USING_PLACEHOLDER = "schemalens_write_the_using_expression"


@dataclass(frozen=True)
class Hazard:
    """What running a change can cost, typed so that front ends and lint can tell a lost
    column from a blocked table without reading sentences."""

    kind: HazardKind
    object: str  # the qualified name of what it concerns: schema, table, table.column, enum
    detail: str  # the sentence every front end shows ("drops column users.name and its values")

    @property
    def loses_data(self) -> bool:
        return self.kind == "data-loss"


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
    # What it can cost, in the order diff found it. Front ends refuse to run a change that
    # can lose data without confirmation.
    hazards: tuple[Hazard, ...] = ()
    # For a drop/add pair that looks like a rename: the name on the other side.
    rename_candidate: str | None = None
    description: str = ""
    # A type change: how the database converts the values ("assignment", "explicit",
    # "none"; see dialects/postgresql/casts.py), and the SQL condition selecting the rows
    # whose values would not be kept exactly (counted before asking, refused before running).
    conversion: str | None = None
    unfit: str | None = None

    @property
    def id(self) -> str:
        """Stable identity of the change, used by the CLI and code actions to pick changes."""
        owner = f"{self.schema}.{self.table}." if self.table is not None else f"{self.schema}."
        return f"{self.kind}:{owner}{self.name}"

    @property
    def data_loss(self) -> str | None:
        """Why this change can lose data (its data-loss hazards' details), None when it cannot."""
        return "; ".join(h.detail for h in self.hazards if h.loses_data) or None

    @property
    def lock(self) -> str | None:
        """The locks it takes and what they block (every other hazard's detail), None when harmless."""
        return "; ".join(h.detail for h in self.hazards if h.kind not in ("data-loss", "needs-using")) or None

    @property
    def needs_using(self) -> str | None:
        """Why the change cannot run until the file gives it a USING expression, None when it can."""
        return "; ".join(h.detail for h in self.hazards if h.kind == "needs-using") or None

    @property
    def span(self) -> Any:
        """Where the change points in the schema file (None for objects only in the database)."""
        return getattr(self.after, "span", None)


def qualified(schema: str, name: str) -> str:
    """An object's name as descriptions and messages show it (not SQL: never quoted)."""
    return f"{schema}.{name}"


def describe_constraint(obj: Any) -> str:
    """A constraint as descriptions, diagnostics and the outline show it."""
    if isinstance(obj, PrimaryKey):
        return f"primary key ({', '.join(obj.columns)})"
    if isinstance(obj, Unique):
        return f"unique ({', '.join(obj.columns)})"
    if isinstance(obj, ForeignKey):
        return f"foreign key ({', '.join(obj.columns)}) -> {obj.ref_schema}.{obj.ref_table} ({', '.join(obj.ref_columns)})"
    return f"check ({obj.expression})" + (" NO INHERIT" if obj.no_inherit else "")


def data_loss_line(change: Change, rows: int | None) -> str:
    """A change's data loss as the confirmation question lists it (terminal and editor),
    with how many rows hold the data (a type change: hold values that do not fit) when
    that was counted."""
    what = ("does not fit" if rows == 1 else "do not fit") if change.unfit is not None else "hold data"
    count = f" ({rows:,} row{'s' if rows != 1 else ''} {what})" if rows is not None else ""
    return f"{change.data_loss}{count}"


def hazard_comments(change: Change) -> list[str]:
    """The SQL comments above a change's statements, in generated migrations and previews alike."""
    lines = []
    if change.data_loss:
        lines.append(f"-- WARNING data loss: {change.data_loss}")
    if change.lock:
        lines.append(f"-- WARNING lock: {change.lock}")
    if change.needs_using:
        lines.append(f"-- EDIT before running: {change.needs_using}; in the statement below, replace the "
                     f"placeholder {USING_PLACEHOLDER} (with its parentheses) by that expression")
    return lines


@dataclass
class Statement:
    """One SQL statement that `apply` executes, with what it needs around it.

    `after_commit` marks statements that must not run under the locks of the main batch:
    they run after the batch commits, one by one, in a transaction of their own when
    `transactional` (VALIDATE CONSTRAINT: ADD CONSTRAINT ... NOT VALID took an ACCESS
    EXCLUSIVE lock that only the commit releases; validating afterwards scans the rows
    under SHARE UPDATE EXCLUSIVE, so writes go on) or outside any transaction when not
    (CREATE INDEX CONCURRENTLY). Generated migrations keep them apart the same way (an
    own-transaction or no-transaction block), so migrate runs them as push does.
    """

    sql: str
    # ids of the changes this statement implements
    change_ids: tuple[str, ...] = ()
    # False for statements PostgreSQL refuses inside a transaction block
    # (CREATE INDEX CONCURRENTLY) and for ALTER TYPE ... ADD VALUE, whose value may only
    # be used after a commit: apply runs these outside the transactional batch (before
    # it, unless `after_commit`).
    transactional: bool = True
    # SQLite table rebuilds: foreign keys must be switched off outside the transaction
    # and checked with PRAGMA foreign_key_check before commit.
    needs_foreign_keys_off: bool = False
    after_commit: bool = False

    @property
    def terminated(self) -> str:
        """The statement as a script holds it, ending in `;`: on a line of its own after a
        line comment (SQLite keeps an index's text up to its `;`, a file's trailing
        comment with it), which would otherwise swallow it."""
        sql = self.sql.strip()
        if sql.endswith(";"):
            return sql
        return sql + ("\n;" if "--" in sql.rsplit("\n", 1)[-1] else ";")


@dataclass(frozen=True)
class Renames:
    """Renames the user stated (`--rename users.name=full_name`, `--rename users=people`)."""

    tables: dict[tuple[str, str], str]             # (schema, old table) -> new table name
    columns: dict[tuple[str, str, str], str]       # (schema, table (new name), old column) -> new column


class RenderError(ValueError):
    """The changes cannot be written as SQL for this dialect."""
