"""PostgreSQL expression text that more than one part of the engine must read the same way."""

from __future__ import annotations

import re

_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'(?:::regclass)?\)$")


def nextval_sequence(default: str | None) -> tuple[str | None, str] | None:
    """(schema, name) of the sequence a `nextval('...')` default draws from."""
    if default is None:
        return None
    m = _NEXTVAL.match(default.strip())
    if not m:
        return None
    parts = _split_qualified(m.group(1).replace("''", "'"))
    if len(parts) == 1:
        return None, parts[0]
    return parts[-2], parts[-1]


def _split_qualified(text: str) -> list[str]:
    parts: list[str] = []
    current = ""
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            if quoted and text[i + 1:i + 2] == '"':
                current += '"'
                i += 1
            else:
                quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts
