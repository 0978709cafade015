"""The order definitions (views, triggers...: model.Definition) are created and dropped
in, from what each says it depends on: the one home of that order for diff and the
renderers, which write a replacement's drop apart from its create."""

from __future__ import annotations

from collections.abc import Iterable

from schemalens.changes import DEFINITION_KINDS, Change, qualified
from schemalens.model import Definition

Ref = tuple[str, str, str]  # (kind, schema, name), as Definition.depends_on names what it needs


def ref(definition: Definition) -> Ref:
    return (definition.kind, definition.schema, definition.name)


def label(definition: Definition) -> str:
    """A definition as descriptions and messages name it: `view main.v`, `trigger main.tr on t`."""
    on = f" on {definition.table}" if definition.table else ""
    return f"{definition.kind} {qualified(definition.schema, definition.name)}{on}"


def dependants(found: Iterable[Definition]) -> dict[Ref, list[tuple[str, str, str, str]]]:
    """What each object is needed by: (kind, schema, name) -> keys of the definitions that depend on it."""
    out: dict[Ref, list[tuple[str, str, str, str]]] = {}
    for definition in found:
        for needed in definition.depends_on:
            out.setdefault(tuple(needed), []).append(definition.key)  # type: ignore[arg-type]
    return out


def create_order(found: list[Definition]) -> list[Definition]:
    """Dependencies before what needs them; otherwise as listed (file order). A cycle, which
    no database accepts, is broken where it is entered."""
    by_ref: dict[Ref, list[Definition]] = {}
    for definition in found:
        by_ref.setdefault(ref(definition), []).append(definition)
    placed: set[int] = set()
    out: list[Definition] = []

    def place(definition: Definition, entered: set[int]) -> None:
        if id(definition) in placed or id(definition) in entered:
            return
        entered.add(id(definition))
        for needed in definition.depends_on:
            for other in by_ref.get(tuple(needed), ()):  # type: ignore[arg-type]
                place(other, entered)
        placed.add(id(definition))
        out.append(definition)

    for definition in found:
        place(definition, set())
    return out


def drop_order(found: list[Definition]) -> list[Definition]:
    """What depends on another before it."""
    return create_order(found)[::-1]


def taken_along(changes: list[Change], chosen: list[Change]) -> list[Change]:
    """The chosen changes, and the definitions a chosen drop or replacement takes with it:
    those that depend on it are made again (or dropped) with it, or they would be lost."""
    by_key = {c.before.key: c for c in changes if c.kind in DEFINITION_KINDS and c.before is not None}
    users = dependants(c.before for c in by_key.values())
    picked = {c.id for c in chosen}
    todo = [c.before for c in chosen if c.kind in DEFINITION_KINDS and c.before is not None]
    while todo:
        for key in users.get(ref(todo.pop()), ()):
            change = by_key.get(key)
            if change is not None and change.id not in picked:
                picked.add(change.id)
                todo.append(change.before)
    return [c for c in changes if c.id in picked]
