"""Cutting SQLite text into statements where SQLite itself says one is complete.

`sqlite3.complete_statement` is SQLite's own tokenizer: it knows quotes, comments and the
`BEGIN ... END` body of CREATE TRIGGER, so a `;` inside those never ends a statement.
"""

from __future__ import annotations

import sqlite3


def split_statements(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    semicolon = text.find(";")
    while semicolon >= 0:
        if sqlite3.complete_statement(text[start:semicolon + 1]):
            _add(out, text, start, semicolon)
            start = semicolon + 1
        semicolon = text.find(";", semicolon + 1)
    _add(out, text, start, len(text))
    return out


def _add(out: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    begin = _skip_comments(text, start, end)
    sql = text[begin:end].strip()
    if sql:
        out.append((begin, sql))


def _skip_comments(text: str, start: int, end: int) -> int:
    """The offset of the first character that is neither whitespace nor a comment
    (SQLite's comments do not nest)."""
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2, end)
            i = end if close < 0 else close + 2
        else:
            return i
    return end
