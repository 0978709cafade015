"""Where a `@renamed` comment of a PostgreSQL file belongs: to the table on whose CREATE line
or head it is, to the column it is in or follows on that column's last line, to the index
statement it is in or follows on the same line. A `@using:` comment belongs to a column
as a `@renamed` one does. The comments' own grammar is in schemalens/directives.py.
"""

from __future__ import annotations

from bisect import bisect_right

from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Span
from schemalens import directives


def find_directives(text: str) -> list[tuple[int, str, bool]]:
    """(place, old name, quoted) of the `@renamed` directives in comments; a bare name folds
    to lower case as PostgreSQL folds an unquoted identifier."""
    return [(d.start, d.old if d.quoted else d.old.lower(), d.quoted) for d in directives.find_all(text)
            if _in_comment(text, d.start)]


def find_using(text: str) -> list[tuple[int, str]]:
    """(place, expression) of the `@using:` directives in comments."""
    return [(d.start, d.expression) for d in directives.find_all_using(text) if _in_comment(text, d.start)]


def _in_comment(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return "--" in before or "/*" in before or text.rfind("/*", 0, pos) > text.rfind("*/", 0, pos)


class Directives(State):
    """The directive that belongs to an object, if any."""

    def table_directive(self, stmt: Stmt, first_element: int, name_span: Span) -> tuple[str | None, str | None]:
        """(schema, old name): a bare `schema.old` (no unquoted PostgreSQL name holds a dot)
        says the table moves from that schema; else the schema is None (the table's own)."""
        for pos, old, quoted in self.directives_in(stmt.start, stmt.end):
            if pos < first_element or self.f.line(pos) == name_span.start_line:
                schema, dot, name = old.partition(".")
                return (schema, name) if dot and not quoted and name and "." not in name else (None, old)
        return None, None

    def statement_directive(self, stmt: Stmt) -> str | None:
        """A `@renamed from=x` comment inside the statement or after it on its last line."""
        if not self.directives:
            return None
        line = self.f.line(stmt.end)
        line_end = (self.f.line_starts[line + 1] if line + 1 < len(self.f.line_starts)
                    else len(self.f.text))
        found = self.directives_in(stmt.start, line_end)
        return found[0][1] if found else None

    def directives_in(self, start: int, end: int, found: list[tuple] | None = None) -> list[tuple]:
        """The directives (`found`; the `@renamed` ones unless given) between start and end,
        each a tuple whose first item is its place."""
        found = self.directives if found is None else found
        if not found:
            return []
        i = bisect_right(found, (start,))
        out = []
        while i < len(found) and found[i][0] < end:
            out.append(found[i])
            i += 1
        return out

    def column_directive(self, start: int, end: int, limit: int,
                         found: list[tuple[int, str]] | None = None) -> str | None:
        """A `-- @renamed from=x` (or one of `found`: `-- @using: expr`) within a column
        definition or after it on its last line, before the next element starts."""
        found = self.directives if found is None else found
        if not found:
            return None
        last_line = self.f.line(end)
        line_end = (self.f.line_starts[last_line + 1] if last_line + 1 < len(self.f.line_starts)
                    else len(self.f.text))
        for directive in self.directives_in(start, min(line_end, limit), found):
            return directive[1]
        return None
