"""Cutting PostgreSQL text into statements with PostgreSQL's own scanner (pglast).

The scanner knows every quoting form (dollar quotes, E'' strings, nested comments), so a
semicolon inside one never ends a statement, and comments between statements are tokens
it names, so each statement starts at its first real token (where errors should point).
"""

from __future__ import annotations

from schemalens.dialects.base import SplitError

_COMMENTS = {"C_COMMENT", "SQL_COMMENT"}


def split_statements(text: str) -> list[tuple[int, str]]:
    import pglast.parser

    try:
        tokens = pglast.parser.scan(text)
    except pglast.parser.ParseError as e:
        offset = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else 0
        raise SplitError(f"cannot split the SQL into statements: {e.args[0]}", offset) from None
    out: list[tuple[int, str]] = []
    first: int | None = None
    last = 0
    for token in tokens:
        if token.name in _COMMENTS:
            continue
        if token.name == "ASCII_59":  # ;
            if first is not None:
                out.append((first, text[first:last + 1]))
            first = None
            continue
        if first is None:
            first = token.start
        last = token.end
    if first is not None:
        out.append((first, text[first:last + 1]))
    return out
