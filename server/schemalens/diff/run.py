"""The state one diff builds up, shared by the comparisons of each concern."""

from __future__ import annotations

import copy
from functools import cached_property
from collections.abc import Callable
from typing import Any

from schemalens import dialects
from schemalens.changes import Change, Renames
from schemalens.model import ForeignKey, Schema, Sequence, Table


# Order in which the groups of changes run. Renames come first so that later changes
# name objects as the desired schema does; constraint and index drops come before column
# changes (a dropped index may be what blocks a type change or a column drop); table
# drops come last, after the foreign keys that point at them are gone. Foreign keys are
# added after indexes: a unique index may be the key they reference. Constraints and
# indexes are renamed after the drops (a dropped one may hold the name another takes)
# and before anything is added under a name. Definitions (views, triggers) are dropped
# before anything else changes (SQLite checks them all when a column is dropped or
# renamed) and created once every table is as the file says, also under the name of a
# table just dropped.
PHASES = (
    "drop_definition", "create_schema", "create_extension", "enum", "sequence", "rename",
    "drop_fk", "drop_constraint", "drop_index", "rename_key",
    "create_table", "add_column", "alter_column",
    "add_key", "add_check", "create_index", "add_fk", "sequence_owner", "comment",
    "drop_column", "drop_table_fk", "drop_table", "create_definition", "drop_enum", "drop_sequence",
    "drop_extension", "drop_schema",
)


class Run:
    """One diff: both schemas, the dialect, what has been matched so far, and the changes by phase."""

    def __init__(self, actual: Schema, desired: Schema, renames: Renames, casts: Any = None) -> None:
        self.actual = actual
        self.desired = desired
        self.renames = renames
        self.casts = casts  # the database's judgement of type conversions, if connected
        self.dialect = dialects.get(desired.dialect)
        self.phases: dict[str, list[Change]] = {p: [] for p in PHASES}
        # desired table key -> actual table (same name, or the source of a rename)
        self.matched: dict[tuple[str, str], Table] = {}
        self.created: list[Table] = []
        self.table_renames: dict[tuple[str, str], tuple[str, str]] = {}  # old key -> new key
        self.column_renames: dict[tuple[str, str], dict[str, str]] = {}  # new table key -> old -> new
        self.dropped: list[Table] = []
        # desired table key -> FK pairs (actual as renamed, desired) that stay unchanged
        self.kept_fks: dict[tuple[str, str], list[tuple[ForeignKey, ForeignKey]]] = {}
        self.capture: list[tuple[str, Change]] | None = None
        # id of a desired constraint or index the file leaves unnamed -> the name the
        # database gives it when it runs the file
        self.generated = self.dialect.generated_names(desired)
        # (table, actual, desired, name) of the constraints and indexes of the table being
        # compared that only their name tells apart
        self.renames_pending: list[tuple[Table, Any, Any, str]] = []

    @cached_property
    def actual_column_sequences(self) -> list[Sequence]:
        """The sequences the database's serial columns stand for (two steps ask; one scan of every column)."""
        return self.dialect.column_sequences(self.actual)

    @cached_property
    def desired_column_sequences(self) -> list[Sequence]:
        """The sequences the files' serial columns stand for."""
        return self.dialect.column_sequences(self.desired)

    def emit(self, phase: str, change: Change) -> Change:
        self.phases[phase].append(change)
        if self.capture is not None:
            self.capture.append((phase, change))
        return change

    def captured(self, compare: Callable[[Run, Table, Table], None], old: Table,
                 new: Table) -> list[tuple[str, Change]]:
        """What compare(self, old, new) emits."""
        self.capture = []
        try:
            compare(self, old, new)
            return self.capture
        finally:
            self.capture = None

    def replay(self, emitted: list[tuple[str, Change]]) -> list[tuple[str, Change]]:
        """Emit copies: callers may set fields of the changes they get."""
        for phase, change in emitted:
            self.phases[phase].append(copy.copy(change))
        return emitted

    def enums_managed(self) -> set[tuple[str, str]]:
        """(schema, name) of the enums either side defines: the types schemalens manages."""
        return {(e.schema, e.name) for e in (*self.actual.enums, *self.desired.enums)}
