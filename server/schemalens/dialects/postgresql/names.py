"""PostgreSQL's names: how an identifier is written (quote_ident), and the names it chooses
for what a statement leaves unnamed (serial sequences, constraints, indexes). The file
reader, diff and render all write and choose names here, so that a pushed database matches
one built from the file directly."""

from __future__ import annotations

import re
from collections.abc import Callable

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

# PostgreSQL quotes every keyword that is not unreserved (its own quote_identifier rule);
# unreserved keywords (name, type, key, ...) are valid identifiers everywhere.
_QUOTED_KEYWORDS = frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)
# \Z, not $: a `$` pattern also matches before a final newline, and "note\n" must be quoted.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """The identifier as PostgreSQL's quote_identifier writes it: bare only when it is a
    plain lower-case name and no keyword, so that case, spaces, quotes and keywords survive."""
    if _PLAIN.match(name) and name not in _QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


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
