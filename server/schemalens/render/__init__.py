"""Changes -> SQL statements for one dialect.

Rendering is a pure function of the change list and both schemas: `actual` tells what
exists while the statements run (a constraint added to an existing table is validated
separately; an enum is recreated around the columns that use it), `desired` tells what
the finished objects look like.
"""

from __future__ import annotations

import re

from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

from schemalens.changes import Change, Statement
from schemalens.introspect.sqlite_ddl import KEYWORDS as SQLITE_KEYWORDS
from schemalens.model import Schema

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")

# PostgreSQL quotes every keyword that is not unreserved (its own quote_ident rule);
# unreserved keywords (name, type, key, ...) are valid identifiers everywhere.
_PG_KEYWORDS = frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)
_SQLITE_KEYWORDS = frozenset(k.lower() for k in SQLITE_KEYWORDS)


class RenderError(ValueError):
    """The changes cannot be written for this dialect."""


def quote_ident(name: str, dialect: str) -> str:
    """The identifier as SQL: bare only when it is a plain lower-case name and no keyword,
    so that case, spaces, quotes and keywords all survive."""
    keywords = _SQLITE_KEYWORDS if dialect == "sqlite" else _PG_KEYWORDS
    if _PLAIN.match(name) and name not in keywords:
        return name
    return '"' + name.replace('"', '""') + '"'


def render(changes: list[Change], actual: Schema, desired: Schema) -> list[Statement]:
    if desired.dialect == "postgresql":
        from schemalens.render.postgresql import render_postgresql
        return render_postgresql(changes, actual, desired)
    if desired.dialect == "sqlite":
        from schemalens.render.sqlite import render_sqlite
        return render_sqlite(changes, actual, desired)
    raise RenderError(f"no renderer for dialect {desired.dialect!r}")
