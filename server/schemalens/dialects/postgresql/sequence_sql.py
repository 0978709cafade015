"""Sequence options as SQL, for sequences and identity columns alike: the options of a
CREATE, the changes of an ALTER, and how an ALTER whose bounds move keeps the sequence's
position inside them (PostgreSQL refuses bounds that leave it out).
"""

from __future__ import annotations

from collections.abc import Iterator

from schemalens.model import Identity, Sequence


def sequence_options(start: int | None, increment: int | None, min_value: int | None,
                     max_value: int | None, cache: int | None, cycle: bool) -> str:
    parts = []
    if increment is not None:
        parts.append(f"INCREMENT BY {increment}")
    if min_value is not None:
        parts.append(f"MINVALUE {min_value}")
    if max_value is not None:
        parts.append(f"MAXVALUE {max_value}")
    if start is not None:
        parts.append(f"START WITH {start}")
    if cache is not None:
        parts.append(f"CACHE {cache}")
    if cycle:
        parts.append("CYCLE")
    return " ".join(parts)


_TYPE_RANGE = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1}


def sequence_changes(old: Sequence | Identity, new: Sequence | Identity) -> list[str]:
    """The options to change, each as `MINVALUE -100` (prefix SET for an identity)."""
    parts = []
    if old.increment != new.increment:
        parts.append(f"INCREMENT BY {new.increment if new.increment is not None else 1}")
    if old.min_value != new.min_value:
        parts.append(f"MINVALUE {new.min_value}" if new.min_value is not None else "NO MINVALUE")
    if old.max_value != new.max_value:
        parts.append(f"MAXVALUE {new.max_value}" if new.max_value is not None else "NO MAXVALUE")
    if effective_start(old) != effective_start(new):
        parts.append(f"START WITH {effective_start(new)}")
    if old.cache != new.cache:
        parts.append(f"CACHE {new.cache if new.cache is not None else 1}")
    if old.cycle != new.cycle:
        parts.append("CYCLE" if new.cycle else "NO CYCLE")
    return parts


def effective_bounds(seq: Sequence | Identity, type_: str) -> tuple[int, int]:
    """MINVALUE and MAXVALUE as PostgreSQL holds them (defaults follow the direction)."""
    top = _TYPE_RANGE.get(type_, _TYPE_RANGE["bigint"])
    ascending = (seq.increment or 1) > 0
    low = seq.min_value if seq.min_value is not None else (1 if ascending else -top - 1)
    high = seq.max_value if seq.max_value is not None else (top if ascending else -1)
    return low, high


def in_new_bounds(alter: str, parts: list[str], old: Sequence | Identity, new: Sequence | Identity,
                  types: tuple[str, str], seq: str, set_: str) -> Iterator[str]:
    """PostgreSQL refuses new bounds that leave out the sequence's current value ("RESTART
    value cannot be less than MINVALUE"). When the bounds move: widen them to cover both
    ranges, keep the position if it lies in the new range (else start at the new START),
    then narrow to the new bounds."""
    old_low, old_high = effective_bounds(old, types[0])
    low, high = effective_bounds(new, types[1])
    if low <= old_low and old_high <= high:  # the current value is surely inside
        yield f"{alter} {' '.join(parts)}"
        return
    # a narrower type goes with the narrower bounds, after the position is moved into them
    narrower = _TYPE_RANGE.get(types[1], _TYPE_RANGE["bigint"]) < _TYPE_RANGE.get(types[0], _TYPE_RANGE["bigint"])
    widen = [p for p in parts if not ("MINVALUE" in p or "MAXVALUE" in p or (narrower and p.startswith("AS ")))]
    widen += [f"{set_}MINVALUE {min(old_low, low)}", f"{set_}MAXVALUE {max(old_high, high)}"]
    # Both new bounds as numbers: after the widening the sequence holds explicit ones, and
    # NO MINVALUE next to AS means the type's minimum (PostgreSQL resets a bound that was the
    # old type's extreme), not 1. A bound equal to PostgreSQL's default reads back as NO ...
    bounds = [p for p in parts if narrower and p.startswith("AS ")]
    bounds += [f"{set_}MINVALUE {low}", f"{set_}MAXVALUE {high}"]
    yield f"{alter} {' '.join(widen)}"
    start = effective_start(new)
    yield (f"SELECT setval(s, CASE WHEN v BETWEEN {low} AND {high} THEN v ELSE {start} END, "
           f"v IS NOT NULL AND v BETWEEN {low} AND {high}) "
           f"FROM (SELECT s, pg_sequence_last_value(s) AS v FROM (SELECT {seq} AS s) AS named) AS seq")
    yield f"{alter} {' '.join(bounds)}"


def effective_start(seq: Sequence | Identity) -> int:
    """START as PostgreSQL holds it: when not given, MINVALUE ascending, MAXVALUE
    descending (so a changed MINVALUE can move START although neither side names it)."""
    if seq.start is not None:
        return seq.start
    if (seq.increment or 1) > 0:
        return seq.min_value if seq.min_value is not None else 1
    return seq.max_value if seq.max_value is not None else -1
