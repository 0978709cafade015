"""Where in a file an SQLite error is: SQLite's messages name a token or an object, never
a position, so the reader finds the token (a prefix of the statement that fails the same
way, or the object's name) to put the diagnostic on.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from schemalens.dialects.sqlite.ddl import Statement, dequote, parse_create_table
from schemalens.model import Problem, Span

_NAMED_ERRORS = [
    re.compile(r"duplicate column name: (.+)$"),
    re.compile(r"(?:table|index|view|trigger) (.+) already exists$"),
    re.compile(r"there is already (?:a table|an index) named (.+)$"),
    re.compile(r"no such (?:table|index|view|trigger): (?:main\.)?(.+)$"),
    re.compile(r"no such column: (?:.+\.)?(.+)$"),
    re.compile(r"unknown datatype for [^:]+: \"(.+)\"$"),
    re.compile(r"default value of column \[(.+)\] is not constant$"),
    re.compile(r"unknown column \"(.+)\" in foreign key definition$"),
    re.compile(r"object name reserved for internal use: (.+)$"),
    re.compile(r"(AUTOINCREMENT) is only allowed on an INTEGER PRIMARY KEY$"),
]


def error_problem(conn: sqlite3.Connection, text: str, span: Callable[[int, int], Span], stmt: Statement,
                  message: str) -> Problem:
    """The problem of a statement SQLite refused, at the token its message is about."""
    syntax = message.startswith(("near ", "unrecognized token", "incomplete input"))
    start, end = _error_range(conn, text, stmt, message) or (stmt.start, stmt.end)
    return Problem("error", "syntax-error" if syntax else "sqlite-error", message, span(start, end))


def _error_range(conn: sqlite3.Connection, text: str, stmt: Statement, message: str) -> tuple[int, int] | None:
    """The token an SQLite error message is about, inside its statement."""
    if message == "incomplete input":
        return stmt.tokens[-1].start, stmt.tokens[-1].end
    m = re.match(r'near "(.*)": syntax error$', message, re.S)
    if m:
        return _near_token(conn, text, stmt, m.group(1), message)
    m = re.match(r'unrecognized token: "(.*)"$', message, re.S)
    if m:
        at = text.find(m.group(1).split("\n")[0], stmt.start)
        return (at, at + len(m.group(1).split("\n")[0])) if at >= 0 else None
    for pattern in _NAMED_ERRORS:
        m = pattern.match(message)
        if m:
            return _named_token(text, stmt, dequote(m.group(1)), message.startswith("duplicate column"))
    return None


def _near_token(conn: sqlite3.Connection, text: str, stmt: Statement, near: str, message: str) -> tuple[int, int] | None:
    """SQLite names the token it stopped at but not where: the first occurrence whose
    prefix of the statement already fails the same way is the one (EXPLAIN compiles the
    prefix without running it)."""
    for tok in stmt.tokens:
        if tok.text != near:
            continue
        try:
            conn.execute("EXPLAIN " + text[stmt.start : tok.end])
        except sqlite3.Error as e:
            if str(e) == message:
                return tok.start, tok.end
    return None


def _named_token(text: str, stmt: Statement, name: str, duplicate: bool) -> tuple[int, int] | None:
    if duplicate and stmt.tokens[0].word == "CREATE":
        tdef = parse_create_table(stmt.tokens, text)
        same = [c for c in (tdef.columns if tdef else []) if c.name.lower() == name.lower()]
        if len(same) > 1:
            return same[1].name_start, same[1].name_end
    low = name.lower()
    tok = next((t for t in stmt.tokens if t.name.lower() == low and t.kind != "op"), None)
    return (tok.start, tok.end) if tok is not None else None
