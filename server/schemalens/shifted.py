"""Tables that are another table's content at other lines of the file.

Adding a line to a schema file moves every table below it: the PostgreSQL source hands
them back as copies with shifted spans (new objects, same content). The source notes
here which table each copy was shifted from, so that normalize and diff, which reuse
their work by table identity, can reuse the original's work for the copy and only move
the positions. A copy is known as long as it lives; the original is only weakly held,
so a chain of saves keeps nothing alive.
"""

from __future__ import annotations

import weakref
from typing import Any

from schemalens.model import Table

_ORIGINS: dict[int, tuple[weakref.ref[Table], weakref.ref[Table]]] = {}


def note(copy: Table, original: Table) -> None:
    """`copy` has `original`'s content and the same parts in the same order (columns,
    constraints, indexes), only its spans differ."""
    _ORIGINS[id(copy)] = (weakref.ref(copy), weakref.ref(original))
    weakref.finalize(copy, _ORIGINS.pop, id(copy), None)


def origin(table: Table) -> Table | None:
    """The live table `table` was shifted from, if it is such a copy."""
    found = _ORIGINS.get(id(table))
    if found is None or found[0]() is not table:
        return None
    return found[1]()


def parts(table: Table) -> list[Any]:
    """The table and its parts that carry a span, in an order that pairs a copy's parts
    with its original's."""
    return [table, *table.columns, *([table.primary_key] if table.primary_key else []), *table.uniques,
            *table.foreign_keys, *table.checks, *table.indexes]


def counterparts(original: Table, copy: Table) -> dict[int, Any]:
    """The copy's part for each part of the original, by the original part's identity."""
    return {id(old): new for old, new in zip(parts(original), parts(copy), strict=True)}
