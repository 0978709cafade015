"""SQLite's views and triggers as model.Definition, from sqlite_master.

SQLite keeps a view's or trigger's CREATE statement as written (after its own light
normalizing of the first words), and that text is the object: it is the statement push
runs (`statement`). What is compared (`definition`) is that text without what SQLite
itself ignores: comments, whitespace between tokens, the letter case of keywords, and
quotes around a name that needs none (RENAME TABLE rewrites a reference to the new name
in quotes). Names keep their case: a view's column takes the case of its select list.

What one depends on is read from its text: every table or view of the database its
tokens name (a trigger also its table). It is an over-estimate (a column that shares a
view's name), used only to order creates and drops and to know what a drop takes along.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from schemalens.dialects.sqlite.ddl import Token, tokenize
from schemalens.dialects.sqlite.names import KEYWORDS, quote_ident
from schemalens.model import Definition

_DEFINITIONS_SQL = """SELECT type, name, tbl_name, sql FROM "{s}".sqlite_master
WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid"""
_RELATIONS_SQL = """SELECT type, name FROM "{s}".sqlite_master WHERE type IN ('table', 'view')"""


def canonical(sql: str) -> str:
    """The text compared: one spelling of what SQLite does not tell apart."""
    return _canonical(tokenize(sql))


def _canonical(tokens: list[Token]) -> str:
    return " ".join(_spelling(t) for t in tokens if t.kind != "comment").removesuffix(" ;")


def _spelling(token: Token) -> str:
    if token.kind == "ident":
        return token.word if token.word in KEYWORDS else token.text
    if token.kind == "qident":
        return quote_ident(token.name)
    return token.text


def read_definitions(places: Iterable[tuple[sqlite3.Connection, str]],
                     skipped: Callable[[str], bool]) -> list[Definition]:
    """The views and triggers of these schemas (read as one "main"), in the order they were
    created, without those whose name is `skipped`, or on a table that is."""
    places = list(places)
    rows = [row for conn, schema in places for row in conn.execute(_DEFINITIONS_SQL.format(s=schema))]
    relations = {name.lower(): (kind, name)
                 for conn, schema in places for kind, name in conn.execute(_RELATIONS_SQL.format(s=schema))}
    found = []
    for kind, name, table, sql in rows:
        if skipped(name) or (kind == "trigger" and skipped(table)):
            continue
        on = relations.get(table.lower(), ("table", table))[1] if kind == "trigger" else None
        tokens = tokenize(sql)
        used = {t.name.lower() for t in tokens if t.kind in ("ident", "qident", "string")}
        used.discard(name.lower())
        if on is not None:
            used.add(on.lower())
        depends_on = [(relations[n][0], "main", relations[n][1]) for n in sorted(used) if n in relations]
        found.append(Definition(kind, "main", name, _canonical(tokens), sql, on, depends_on))
    return found
