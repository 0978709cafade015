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
    `valid`. A file's NOT VALID against a valid constraint is no change: the database is
    stricter than the file asks, and only a drop and add could loosen it. (An invalid index
    is broken, not pending: it stays different, and is dropped and built again.) A comment
    and storage parameters are set in place (properties)."""
    changes: dict[str, Any] = {"comment": None}
    if isinstance(obj, (Check, ForeignKey)) and not obj.valid:
        changes["valid"] = True
    if isinstance(obj, (Index, PrimaryKey, Unique)):
        changes["storage"] = {}
    return dataclasses.replace(obj, **changes)


def match_objects(actual: list[Any], desired: list[Any],
                  generated: dict[int, str]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair constraints or indexes, the cheapest pairing first: named ones by name (same
    name, other shape: drop and add); an unnamed one with the object of its shape that
    holds the name the database gives it (`generated`, by id); a named one with an object
    of its shape under another name (or none: SQLite cannot always tell), renamed; an
    unnamed one by shape. Returns (pairs, actual only, desired only)."""
    left = list(actual)
    found: dict[int, Any] = {}
    gone: list[Any] = []
    replaced: set[int] = set()

    def take(pred: Callable[[Any], bool]) -> Any:
        for i, obj in enumerate(left):
            if pred(obj):
                return left.pop(i)
        return None

    def pair(objs: list[Any], pred: Callable[[Any, Any], bool]) -> None:
        for obj in objs:
            if id(obj) not in found and id(obj) not in replaced:
                same = take(lambda a: pred(a, obj))
                if same is not None:
                    found[id(obj)] = same

    named = [o for o in desired if o.name is not None]
    unnamed = [o for o in desired if o.name is None]
    for obj in named:
        same = take(lambda a: a.name == obj.name)
        if same is not None and _definition(same) != _definition(obj):
            gone.append(same)
            replaced.add(id(obj))
        elif same is not None:
            found[id(obj)] = same
    pair(unnamed, lambda a, obj: a.name is not None and a.name == generated.get(id(obj)) and _same_shape(a, obj))
    pair(named, lambda a, obj: a.name is None and _same_shape(a, obj))
    pair(named, _same_shape)
    pair(unnamed, _same_shape)
    gone.extend(left)
    pairs = [(found[id(obj)], obj) for obj in desired if id(obj) in found]
    fresh = [obj for obj in desired if id(obj) not in found]
    return pairs, gone, fresh


def target_name(run: Run, obj: Any) -> str | None:
    """The name the database is to hold an object under: the file's, else the one the
    database gives what the file leaves unnamed (None where it gives none)."""
    return obj.name or run.generated.get(id(obj))


def renamed_pairs(run: Run, table: Table, pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The pairs that differ by their name only, each renamed where the dialect can
    (drops and adds made up for where it cannot: SQLite); the pairs kept as they are."""
    kept = []
    for old, new in pairs:
        target = target_name(run, new)
        if old.name is None or target is None or old.name == target:
            kept.append((old, new))
        elif run.dialect.renames_constraints:
            run.renames_pending.append((table, old, new, target))
            kept.append((old, new))
        elif new.name is not None:
            if isinstance(new, Index):
                drop_index(run, table, old)
                create_index(run, table, new, set(), new_table=False, why=" (only the name differs)")
            else:
                drop_constraint(run, table, old)
                add_constraint(run, table, new, set(), new_table=False)
        else:
            kept.append((old, new))
    return kept


def rename_keys(run: Run) -> None:
    """The renames of one table's constraints and indexes, each when no other one still
    holds the name it takes; round a cycle (two that swap names), by way of a free name."""
    pending = run.renames_pending
    run.renames_pending = []
    while pending:
        held = {old.name for _, old, _, _ in pending}
        ready = next((r for r in pending if r[3] not in held), None)
        if ready is None:
            table, old, new, target = pending[0]
            free = old.name.encode()[:40].decode("utf-8", "ignore") + "_schemalens_swap"
            _rename(run, table, old, free, f"to free the name {old.name} for another (they swap names)")
            pending[0] = (table, dataclasses.replace(old, name=free), new, target)
            continue
        pending.remove(ready)
        table, old, new, target = ready
        why = "only the name differs" + ("" if new.name else f" (the file leaves it unnamed: the database names it {target})")
        _rename(run, table, old, target, why, new)


def _rename(run: Run, table: Table, old: Any, name: str, why: str, new: Any = None) -> None:
    label = qualified(table.schema, table.name)
    after = new if new is not None else dataclasses.replace(old, name=name)
    if isinstance(old, Index):
        run.emit("rename_key", Change("rename_index", table.schema, table.name, name, before=old, after=after,
                                      description=f"rename index {old.name} on {label} to {name}: {why}"))
        return
    run.emit("rename_key", Change(
        "rename_constraint", table.schema, table.name, name, before=old, after=after,
        description=f"rename {describe_constraint(old)} on {label} from {old.name} to {name}: {why}"))


def primary_key(run: Run, old: Table, new: Table, taken: set[str]) -> None:
    a, d = old.primary_key, new.primary_key
    if a is None and d is None:
        return
    if a is not None and d is not None and a.columns == d.columns:
        properties(run, new, renamed_pairs(run, new, [(a, d)]))
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
    name = target_name(run, obj) or run.dialect.default_constraint_name(table, obj, taken)
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
        name = target_name(run, new) or old.name
        run.emit(phase, Change("validate_constraint", table.schema, table.name, name, before=old, after=new,
                               hazards=run.dialect.validate_constraint_hazards(table, new),
                               description=f"validate {describe_constraint(new)} on {label} (it is NOT VALID)"))


def drop_index(run: Run, table: Table, index: Index) -> None:
    label = qualified(table.schema, table.name)
    why = "" if index.valid else " (INVALID: a CREATE INDEX CONCURRENTLY failed; it is built again)"
    run.emit("drop_index", Change("drop_index", table.schema, table.name, index.name or "", before=index,
                                  description=f"drop index {index.name} on {label}{why}"))


def create_index(run: Run, table: Table, index: Index, taken: set[str], new_table: bool, why: str = "") -> None:
    label = qualified(table.schema, table.name)
    name = target_name(run, index) or run.dialect.default_constraint_name(table, index, taken)
    hazards = () if new_table else run.dialect.create_index_hazards(table, index)
    what = "unique index" if index.unique else "index"
    named = f" {index.name}" if index.name else ""
    run.emit("create_index", Change(
        "create_index", table.schema, table.name, name, after=index, hazards=hazards,
        description=f"create {what}{named} on {label} ({', '.join(index.columns)}){why}"))
    if index.comment is not None:
        comment(run, table, name, None, index)
    index_statistics(run, table, name, None, index)


def index_statistics(run: Run, table: Table, name: str, old: Index | None, new: Index) -> None:
    """The statistics targets of an index's expression columns, set in place (on a new
    index: after it is made)."""
    if (old.statistics if old is not None else {}) != new.statistics:
        run.emit("comment", Change(
            "set_statistics", table.schema, table.name, name, before=old, after=new,
            description=f"set statistics of index {name} on {qualified(table.schema, table.name)}"))


def properties(run: Run, table: Table, pairs: list[tuple[Any, Any]]) -> None:
    """What matched constraints and indexes change in place: their comment, and the storage
    parameters of an index (a key's is its index's), under the name the database is to
    hold them by (a rename runs first)."""
    for old, new in pairs:
        name = target_name(run, new) or old.name
        if old.comment != new.comment:
            comment(run, table, name, old, new)
        if isinstance(new, Index):
            index_statistics(run, table, name, old, new)
        if getattr(old, "storage", None) != getattr(new, "storage", None):
            label = f"{'index' if isinstance(new, Index) else describe_constraint(new)} {name}"
            run.emit("alter_column", Change(
                "set_storage", table.schema, table.name, name, before=old, after=new,
                description=f"set storage parameters of {label} on {qualified(table.schema, table.name)}"))


def comment(run: Run, table: Table, name: str, old: Any, new: Any) -> None:
    """COMMENT ON INDEX / CONSTRAINT `name` (as the database names it)."""
    what = "index" if isinstance(new, Index) else "constraint"
    run.emit("comment", Change("set_comment", table.schema, table.name, name, before=old, after=new,
                               description=f"set comment on {what} {name} on {qualified(table.schema, table.name)}"))
