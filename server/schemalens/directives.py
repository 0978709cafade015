"""The directives a schema file writes in comments: `@renamed` (an object used to have
another name, so push renames it instead of dropping it with its data) and `@using` (how
a column's values convert when its type changes and no cast does it, bigint -> timestamp).

One grammar for every reader (PostgreSQL and SQLite files in `--` or `/* */` comments,
SQLAlchemy models in `#` comments), so that the same comment means the same everywhere:

    @renamed from=old      @renamed from = old      @renamed from="Old Name"

- whitespace (spaces, tabs: the directive stays on one line) may surround `=`;
- the old name is bare (it ends at whitespace, `*` (a block comment's end), `,`, `;`, `)`)
  or quoted. Every reader accepts every quote style: "double" (`""` inside for one `"`),
  'single' (`''` inside), `backticks` (doubled inside) and [brackets]. SQLite takes all
  four as identifier quotes; a PostgreSQL or Python name can never be written bare with
  a leading quote or bracket anyway, so accepting them everywhere costs no name and
  saves knowing which quotes which reader takes;
- the returned name is unquoted. A bare name is as written; a reader whose database folds
  unquoted identifiers (PostgreSQL: to lower case) folds it, which `quoted` tells apart.

`@using: <expression>` runs to the end of its line (or of its `/* */` comment): the
expression, SQL of the file's dialect, becomes the type change's USING clause.

`declare` writes a directive that every reader reads back as the given name (the editor's
"Treat as rename" quick fix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(
    r"""@renamed[ \t]+from[ \t]*=[ \t]*(?:"((?:[^"]|"")*)"|'((?:[^']|'')*)'|`((?:[^`]|``)*)`"""
    r"""|\[([^\]]*)\]|([^\s"'`\[*,;()][^\s*,;)]*))"""
)
_QUOTES = ('"', "'", "`")
_USING = re.compile(r"@using[ \t]*:[ \t]*(?P<expr>(?:(?!\*/)[^\n])*)")
# A name every reader reads back bare as written: PostgreSQL's folding leaves it alone.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


@dataclass(frozen=True)
class Renamed:
    start: int    # where `@renamed` starts in the text searched
    old: str      # the old name, unquoted
    quoted: bool  # written in quotes or brackets (a bare name may be folded by the reader)


def find_all(text: str) -> list[Renamed]:
    """Every directive in the text, in order (the caller decides which are in comments)."""
    if "@renamed" not in text:
        return []
    return [_renamed(m) for m in _DIRECTIVE.finditer(text)]


def find(text: str) -> Renamed | None:
    """The first directive in the text (a comment)."""
    if "@renamed" not in text:
        return None
    m = _DIRECTIVE.search(text)
    return _renamed(m) if m else None


def declare(old: str) -> str:
    """The directive that declares a rename from `old`, as every reader reads it."""
    name = old if _PLAIN.match(old) else '"' + old.replace('"', '""') + '"'
    return f"@renamed from={name}"


def _renamed(m: re.Match[str]) -> Renamed:
    for i, quote in enumerate(_QUOTES, start=1):
        if m.group(i) is not None:
            return Renamed(m.start(), m.group(i).replace(quote * 2, quote), True)
    if m.group(4) is not None:
        return Renamed(m.start(), m.group(4), True)
    return Renamed(m.start(), m.group(5), False)


@dataclass(frozen=True)
class Using:
    start: int       # where `@using` starts in the text searched
    expression: str  # the USING expression, stripped ("" when the directive has none)


def find_all_using(text: str) -> list[Using]:
    """Every `@using:` directive in the text, in order (the caller decides which are in comments)."""
    if "@using" not in text:
        return []
    return [Using(m.start(), m["expr"].strip()) for m in _USING.finditer(text)]


def declare_using(expression: str) -> str:
    """The directive that gives a type change its USING expression."""
    return f"@using: {expression}"
