"""PostgreSQL schema files -> the desired Schema, read with PostgreSQL's own parser (pglast).

The desired schema must mean what PostgreSQL would make of the files, so the files are
parsed by libpg_query (PostgreSQL's grammar) and applied statement by statement, in
order, to an in-memory model: the final state counts, as if the files had been run on an
empty database. `pg_dump --schema-only` output and installer scripts are real input, so
psql-only text (backslash meta-commands, `COPY ... FROM stdin` data) is cut out before
parsing (split), and session/data statements are skipped with a note rather than rejected.

Expressions are rendered to SQL text once, after all statements are applied (renames
rewrite the tree first: finish, deparse).

What is not modeled is never half-modeled: a table with INHERITS, PARTITION BY,
PARTITION OF, OF type, LIKE or TEMP is left out of the model entirely (pushing
a plain table in its place would be wrong) and reported as unmanaged. An EXCLUDE
constraint is reported as unmanaged while its table stays modeled: dropping the whole
table from the model would make push try to drop it, the constraint alone is harmless to
leave to the database. Ownership (OWNER TO) is not modeled either: it gets an info note
like other skipped statements, since pg_dump writes one for every object.
"""

from __future__ import annotations

import gc
from typing import Any

from schemalens.dialects.postgresql.files import reuse
from schemalens.dialects.postgresql.files.alter import AlterTable
from schemalens.dialects.postgresql.files.comments import Comments
from schemalens.dialects.postgresql.files.finish import Finish
from schemalens.dialects.postgresql.files.indexes import Indexes
from schemalens.dialects.postgresql.files.objects import Objects
from schemalens.dialects.postgresql.files.positions import File
from schemalens.dialects.postgresql.files.renamed import find_directives, find_using
from schemalens.dialects.postgresql.files.renames import Renames
from schemalens.dialects.postgresql.files.reuse import Entry, Reuse, Stale, find_groups
from schemalens.dialects.postgresql.files.statements import Stmt, parse_file
from schemalens.model import Problem, SourceResult


class Builder(AlterTable, Indexes, Objects, Renames, Comments, Finish, Reuse):
    """Applies statements to the model: one method per statement kind (`_<Kind>`), each
    concern in its own module."""


def parse_postgresql(files: list[tuple[str, str]], default_schema: str = "public") -> SourceResult:
    """Apply the files in order to an empty model; never raises for bad input.

    The cyclic garbage collector is paused meanwhile: the parse trees are millions of
    short-lived dicts without cycles, and its passes over them cost more than the parse.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(files, default_schema)
    finally:
        if enabled:
            gc.enable()


def _parse(files: list[tuple[str, str]], default_schema: str) -> SourceResult:
    parsed = [parse_file(path, text) for path, text in files]
    memo = reuse.remembered()
    try:
        b = _build(parsed, default_schema, memo)
    except Stale:
        b = _build(parsed, default_schema, {})
    reuse.remember(b.used)
    return SourceResult(b.schema, b.problems, b.unmanaged)


def _build(parsed: list[tuple[File, list[Stmt], list[Problem]]], default_schema: str,
           memo: dict[tuple[Any, ...], Entry]) -> Builder:
    b = Builder(default_schema)
    b.memo = memo
    find_groups(b, [stmts for _, stmts, _ in parsed])
    for f, stmts, problems in parsed:
        b.search_path = [default_schema]
        b.f = f
        b.problems.extend(problems)
        b.directives = find_directives(f.text)
        b.using_directives = find_using(f.text)
        for stmt in stmts:
            b.apply(stmt)
    b.finish()
    b.record_groups()
    return b
