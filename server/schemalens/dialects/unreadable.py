"""What no schema file reader can take: characters that never reach the database's parser
as they stand. Both readers clean a file's text here first, so each such character gives
the same precise problem in either dialect instead of a driver's exception.

Every character is replaced by a space, never removed: offsets, lines and columns of
everything else stay those of the file (and of the editor's document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOM = "\ufeff"
# A NUL ends a C string (libpq, libpg_query, sqlite3_prepare): the rest would be unseen.
# A lone surrogate (an editor can send one, JSON allows it) cannot be encoded as UTF-8.
_UNREADABLE = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Unreadable:
    start: int
    end: int
    message: str


def readable(text: str) -> tuple[str, list[Unreadable]]:
    """(the text any reader can take, the first unreadable character of each kind).

    A leading byte order mark is an encoding's signature, not text: psql and SQLite skip it."""
    if text.startswith(_BOM):
        text = " " + text[1:]
    found: dict[str, Unreadable] = {}
    if _UNREADABLE.search(text) is None:
        return text, []
    for m in _UNREADABLE.finditer(text):
        nul = m.group() == "\x00"
        kind = "NUL character in schema file" if nul else "not UTF-8 text (a lone surrogate character)"
        found.setdefault(kind, Unreadable(m.start(), m.end(), kind))
    return _UNREADABLE.sub(" ", text), sorted(found.values(), key=lambda u: u.start)
