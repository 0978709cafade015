"""The names PostgreSQL chooses for what a statement leaves unnamed (serial sequences,
constraints, indexes): both the file parser and diff must choose the same ones, so that a
pushed database matches one built from the file directly."""

from __future__ import annotations

from collections.abc import Callable


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: `name1_name2_label`, the longer part shortened until the
    whole fits in 63 bytes (cut at a character boundary)."""
    overhead = len(label) + 1 if label else 0
    if name2:
        overhead += 1
    avail = 63 - overhead
    b1, b2 = name1.encode(), (name2 or "").encode()
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = b1[:n1].decode("utf-8", "ignore")
    if name2:
        out += "_" + b2[:n2].decode("utf-8", "ignore")
    if label:
        out += "_" + label
    return out


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """PostgreSQL's ChooseRelationName / ChooseConstraintName: makeObjectName, with a
    number after the label on a collision."""
    attempt = 0
    while True:
        candidate = make_object_name(name1, name2, label if attempt == 0 else f"{label}{attempt}")
        if not taken(candidate):
            return candidate
        attempt += 1
