"""Keys, checks, foreign keys and indexes: matched by name, or by shape where the file
(or SQLite) names none; what adding one costs, and the name of one the file leaves
unnamed, the dialect says."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from schemalens.changes import Change, describe_constraint, qualified
from schemalens.diff.run import Run
from schemalens.model import Check, ForeignKey, Index, PrimaryKey, Table, Unique


def _same_shape(a: Any, b: Any) -> bool:
    return dataclasses.replace(_definition(a), name=None) == dataclasses.replace(_definition(b), name=None)


def _definition(obj: Any) -> Any:
    """What only a drop and add can change. A constraint held NOT VALID is the file's
    constraint with old rows left to check: VALIDATE makes it whole, so matching ignores
    `valid`. (An invalid index is broken, not pending: it stays different, and is dropped
    and built again.) A comment and storage parameters are set in place (properties)."""
    changes: dict[str, Any] = {"comment": None}
    if isinstance(obj, (Check, ForeignKey)) and not obj.valid:
        changes["valid"] = True
    if isinstance(obj, (Index, PrimaryKey, Unique)):
        changes["storage"] = {}
    return dataclasses.replace(obj, **changes)


def match_objects(actual: list[Any], desired: list[Any]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair constraints or indexes: named ones by name (same name, other shape: drop and
    add), unnamed ones by shape. An actual object without a name (SQLite cannot always
    tell) is matched by shape too. Returns (pairs, actual only, desired only)."""
    left = list(actual)
    pairs: list[tuple[Any, Any]] = []
    fresh: list[Any] = []
    gone: list[Any] = []
    unnamed: list[Any] = []

    def take(pred: Callable[[Any], bool]) -> Any:
        for i, obj in enumerate(left):
            if pred(obj):
                return left.pop(i)
        return None

    for obj in desired:
        if obj.name is None:
            unnamed.append(obj)
            continue
        same = take(lambda a: a.name == obj.name)
        if same is None:
            same = take(lambda a: a.name is None and _same_shape(a, obj))
        if same is None:
            fresh.append(obj)
        elif same.name is not None and _definition(same) != _definition(obj):  # found by name: the names are equal
            gone.append(same)
            fresh.append(obj)
        else:
            pairs.append((same, obj))
    for obj in unnamed:
        same = take(lambda a: _same_shape(a, obj))
        if same is None:
            fresh.append(obj)
        else:
            pairs.append((same, obj))
    gone.extend(left)
    position = {id(obj): i for i, obj in enumerate(desired)}
    fresh.sort(key=lambda obj: position[id(obj)])
    return pairs, gone, fresh


def primary_key(run: Run, old: Table, new: Table, taken: set[str]) -> None:
    a, d = old.primary_key, new.primary_key
    if a is None and d is None:
        return
    if a is not None and d is not None and a.columns == d.columns and (d.name is None or d.name == a.name):
        properties(run, new, [(a, d)])
        return
    if a is not None:
        drop_constraint(run, new, a)
    if d is not None:
        add_constraint(run, new, d, taken, new_table=False)


def drop_constraint(run: Run, table: Table, obj: Any) -> None:
    label = qualified(table.schema, table.name)
    phase = "drop_fk" if isinstance(obj, ForeignKey) else "drop_constraint"
    # a constraint SQLite keeps without a name is named by its shape: change ids must
    # tell two of them apart (the editor pushes or fixes one change by its id)
    run.emit(phase, Change("drop_constraint", table.schema, table.name, obj.name or describe_constraint(obj),
                           before=obj,
                            description=f"drop {describe_constraint(obj)} on {label}"))


def add_constraint(run: Run, table: Table, obj: Any, taken: set[str], new_table: bool) -> None:
    label = qualified(table.schema, table.name)
    name = obj.name or run.dialect.default_constraint_name(table, obj, taken)
    phase = {PrimaryKey: "add_key", Unique: "add_key", Check: "add_check", ForeignKey: "add_fk"}[type(obj)]
    hazards = () if new_table else run.dialect.add_constraint_hazards(table, obj)
    run.emit(phase, Change("add_constraint", table.schema, table.name, name, after=obj, hazards=hazards,
                           description=f"add {describe_constraint(obj)} on {label}"))
    if obj.comment is not None:
        comment(run, table, name, None, obj)


def validate_constraints(run: Run, table: Table, pairs: list[tuple[Any, Any]]) -> None:
    """Matched constraints the database holds NOT VALID and the file wants valid (a push
    whose validation failed, or a NOT VALID removed from the file): validate them, no
    drop and add."""
    label = qualified(table.schema, table.name)
    for old, new in pairs:
        if getattr(old, "valid", True) or not new.valid:
            continue
        phase = "add_fk" if isinstance(new, ForeignKey) else "add_check"
        run.emit(phase, Change("validate_constraint", table.schema, table.name, old.name, before=old, after=new,
                               hazards=run.dialect.validate_constraint_hazards(table, new),
                               description=f"validate {describe_constraint(new)} on {label} (it is NOT VALID)"))


def drop_index(run: Run, table: Table, index: Index) -> None:
    label = qualified(table.schema, table.name)
    why = "" if index.valid else " (INVALID: a CREATE INDEX CONCURRENTLY failed; it is built again)"
    run.emit("drop_index", Change("drop_index", table.schema, table.name, index.name or "", before=index,
                                  description=f"drop index {index.name} on {label}{why}"))


def create_index(run: Run, table: Table, index: Index, taken: set[str], new_table: bool) -> None:
    label = qualified(table.schema, table.name)
    name = index.name or run.dialect.default_constraint_name(table, index, taken)
    hazards = () if new_table else run.dialect.create_index_hazards(table, index)
    what = "unique index" if index.unique else "index"
    named = f" {index.name}" if index.name else ""
    run.emit("create_index", Change(
        "create_index", table.schema, table.name, name, after=index, hazards=hazards,
        description=f"create {what}{named} on {label} ({', '.join(index.columns)})"))
    if index.comment is not None:
        comment(run, table, name, None, index)


def properties(run: Run, table: Table, pairs: list[tuple[Any, Any]]) -> None:
    """What matched constraints and indexes change in place: their comment, and the storage
    parameters of an index (a key's is its index's)."""
    for old, new in pairs:
        if old.comment != new.comment:
            comment(run, table, old.name, old, new)
        if getattr(old, "storage", None) != getattr(new, "storage", None):
            label = f"{'index' if isinstance(new, Index) else describe_constraint(new)} {old.name}"
            run.emit("alter_column", Change(
                "set_storage", table.schema, table.name, old.name, before=old, after=new,
                description=f"set storage parameters of {label} on {qualified(table.schema, table.name)}"))


def comment(run: Run, table: Table, name: str, old: Any, new: Any) -> None:
    """COMMENT ON INDEX / CONSTRAINT `name` (as the database names it)."""
    what = "index" if isinstance(new, Index) else "constraint"
    run.emit("comment", Change("set_comment", table.schema, table.name, name, before=old, after=new,
                               description=f"set comment on {what} {name} on {qualified(table.schema, table.name)}"))
