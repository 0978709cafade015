"""Schema x Schema -> the ordered, classified list of changes that turns one into the other.

Both schemas arrive normalized (one canonical spelling per dialect), so fields are
compared directly. What is left for this package is matching (stated renames, constraints
and indexes the file did not name, serial sequences whose name PostgreSQL chose), the
order the database needs (dependencies first, drops last) and the cost of each change
(data loss, locks), which front ends show before they run anything. What a database
means by each of those (which type changes lose data, what a change locks, how it names
what is unnamed) the dialect says.

Compared by concern, as Alembic's autogenerate does: schema_objects (namespaces,
extensions, enums, sequences), tables (matching, creation and drop order, renames),
columns, constraints (keys, checks, foreign keys, indexes), definitions (views,
triggers: by the text the database prints back); reuse replays the comparison
of table pairs unchanged since the last diff; run holds the state they share.
"""

from __future__ import annotations

from typing import Any

from schemalens import dialects
from schemalens.changes import Change, Renames
from schemalens.diff.definitions import definitions
from schemalens.diff.reuse import compare_tables
from schemalens.diff.run import PHASES, Run
from schemalens.diff.schema_objects import enums, extensions, namespaces, sequences, serial_renames
from schemalens.diff.tables import (
    create_tables, drop_tables, match_tables, refresh_dependent_fks, table_rename_candidates,
)
from schemalens.model import Schema

def diff(actual: Schema, desired: Schema, renames: Renames = Renames({}, {}), casts: Any = None) -> list[Change]:
    """Changes that turn `actual` into `desired`, in the order they must run. `casts`: the
    database's judgement of type conversions (Dialect.cast_judge), None: the dialect's rules."""
    actual = dialects.get(desired.dialect).adopt_spelling(actual, desired)
    run = Run(actual, desired, renames, casts)
    namespaces(run)
    extensions(run)
    enums(run)
    sequences(run)
    match_tables(run)
    compare_tables(run, [(run.matched[t.key], t) for t in desired.tables if t.key in run.matched])
    serial_renames(run)
    create_tables(run)
    refresh_dependent_fks(run)
    drop_tables(run)
    table_rename_candidates(run)
    definitions(run)
    return [c for phase in PHASES for c in run.phases[phase]]
