"""SQLite's types: kept as declared (SQLite stores a column's declared type as written and
gives it an affinity from its spelling), so only the affinity rule lives here."""

from __future__ import annotations

import re


def canonical_type(text: str) -> str:
    """A declared type as SQLite keeps it: as written, without surrounding whitespace."""
    return text.strip()


def affinity(type_: str) -> str:
    """SQLite's column affinity rules (section 3.1 of its datatype documentation)."""
    t = type_.upper()
    if "INT" in t:
        return "INTEGER"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t.strip():
        return "BLOB"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_INT64 = range(-2**63, 2**63)


def stored_default(text: str, type_: str) -> str:
    """A literal default spelled as the value the column stores, so that spellings SQLite
    stores alike compare alike: `'0'` and `0` on a numeric column store the integer 0, on a
    TEXT column the text '0' (a default is inserted through the column's affinity, like
    any value). Anything but a plain number, quoted or not, is left as written; so is every
    default of a BLOB column (no conversion there: '0' and 0 differ)."""
    stripped = text.strip()
    quoted = len(stripped) >= 2 and stripped[0] == stripped[-1] == "'"
    literal = stripped[1:-1] if quoted else stripped
    if not _NUMBER.fullmatch(literal):
        return text
    kind = affinity(type_)
    integer = int(literal) if _INTEGER.fullmatch(literal) and int(literal) in _INT64 else None
    if kind == "TEXT":
        return f"'{integer}'" if integer is not None and not quoted and str(integer) == literal else text
    if kind == "BLOB":
        return text
    if kind == "REAL":
        return repr(float(literal))
    if integer is not None:
        return str(integer)
    value = float(literal)
    return str(int(value)) if value.is_integer() and int(value) in _INT64 else repr(value)


def type_change_loss(old: str, new: str) -> str | None:
    """What a change of declared type does to stored values: SQLite converts each value
    to the new affinity where it can; to TEXT or BLOB nothing is lost."""
    if affinity(old) != affinity(new) and affinity(new) not in ("TEXT", "BLOB"):
        return f"values are converted to {affinity(new)} affinity where they can be"
    return None
