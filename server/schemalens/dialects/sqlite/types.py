"""SQLite's types: kept as declared (SQLite stores a column's declared type as written and
gives it an affinity from its spelling), so only the affinity rule lives here."""

from __future__ import annotations


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


def type_change_loss(old: str, new: str) -> str | None:
    """What a change of declared type does to stored values: SQLite converts each value
    to the new affinity where it can; to TEXT or BLOB nothing is lost."""
    if affinity(old) != affinity(new) and affinity(new) not in ("TEXT", "BLOB"):
        return f"values are converted to {affinity(new)} affinity where they can be"
    return None
