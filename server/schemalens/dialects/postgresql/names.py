"""PostgreSQL's names: how an identifier is written (quote_ident), and the names it chooses
for what a statement leaves unnamed (serial sequences, constraints, indexes). The file
reader, diff and render all write and choose names here, so that a pushed database matches
one built from the file directly. SQLite borrows the names for what is unnamed
(default_constraint_name), so this module loads pglast's keyword lists only when it quotes."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from schemalens.model import Check, ForeignKey, PrimaryKey, Table, Unique


@functools.cache
def _quoted_keywords() -> frozenset[str]:
    """PostgreSQL quotes every keyword that is not unreserved (its own quote_identifier
    rule); unreserved keywords (name, type, key, ...) are valid identifiers everywhere."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    return frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)


# \Z, not $: a `$` pattern also matches before a final newline, and "note\n" must be quoted.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """The identifier as PostgreSQL's quote_identifier writes it: bare only when it is a
    plain lower-case name and no keyword, so that case, spaces, quotes and keywords survive."""
    if _PLAIN.match(name) and name not in _quoted_keywords():
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str | None) -> str:
    """A string constant as SQL (NULL for None)."""
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def split_qualified(text: str) -> list[str]:
    """A qualified name as PostgreSQL reads it from text (a regclass literal such as
    'public."T_seq"'): split at dots outside quotes, unquoted parts folded to lower case."""
    parts: list[str] = []
    for match in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', text):
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain.strip().lower())
    return parts or [text]


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


def default_constraint_name(table: Table, obj: Any, taken: set[str]) -> str:
    """The name PostgreSQL would choose for a constraint or index the file did not name
    (ChooseConstraintName / ChooseIndexName), added to `taken`: used for change ids and
    where a statement must name it (VALIDATE CONSTRAINT), so a pushed database matches one
    built directly."""
    if isinstance(obj, PrimaryKey):
        name2, label = None, "pkey"
    elif isinstance(obj, Unique):
        name2, label = "_".join(obj.columns), "key"
    elif isinstance(obj, ForeignKey):
        name2, label = "_".join(obj.columns), "fkey"
    elif isinstance(obj, Check):
        used = _expression_columns(obj.expression, table)
        name2, label = (used[0] if len(used) == 1 else None), "check"
    else:
        name2, label = "_".join(_index_column_name(c) for c in obj.columns), "idx"
    name = choose_name(table.name, name2, label, taken.__contains__)
    taken.add(name)
    return name


_STRING = re.compile(r"'(?:[^']|'')*'")
_WORD = re.compile(r'"((?:[^"]|"")*)"|([A-Za-z_\x80-\uffff][\w$]*)(\s*\()?')


def _expression_columns(expression: str, table: Table) -> list[str]:
    """Columns of the table an expression refers to, in order of first use."""
    found: list[str] = []
    for m in _WORD.finditer(_STRING.sub("''", expression)):
        if m.group(3):
            continue  # a function name
        name = m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).lower()
        if table.column(name) is not None and name not in found:
            found.append(name)
    return found


def _index_column_name(element: str) -> str:
    word = re.match(r'^"?([A-Za-z_][A-Za-z0-9_$]*)', element)
    return word.group(1) if word else "expr"
