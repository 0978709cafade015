"""One spelling for SQLite expressions (defaults, checks, generated columns, index
elements and WHERE clauses).

SQLite keeps the text of a CREATE statement as it was written, so the database says
`CHECK(price>0)` where the schema file, after a formatter ran over it, says
`check (price > 0)`. Compared as written, that is drift, and pushing it rebuilds the
table. Only what SQLite itself ignores is made uniform here: whitespace and comments
between tokens, and the letter case of bare words (keywords, function names and column
names are case-insensitive in SQLite, for ASCII letters): keywords upper case, a name
of a column of the table, bare or quoted any of SQLite's ways, that column's spelling
(quoted where it must be), other words lower case. Literals and other quoted names are
kept exactly, and token boundaries are never moved, so the text means what it meant.
"""

from __future__ import annotations

import re

from schemalens.dialects.sqlite.ddl import Token, tokenize
from schemalens.dialects.sqlite.names import KEYWORDS, quote_ident

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# SQLite's keywords written upper case (and TRUE/FALSE, which read as keywords); other bare
# words (function and column names) lower case, as people write them.
_KEYWORDS = frozenset(k.lower() for k in KEYWORDS) | {"true", "false"}
# Words after which an opening parenthesis is not a call: `x in (1, 2)`, `not (a)`.
_SPACED_BEFORE_PAREN = frozenset({"and", "or", "not", "in", "exists", "is", "like", "glob", "regexp",
                                  "match", "between", "case", "when", "then", "else", "as"})
_NO_SPACE_AFTER = frozenset({"(", "."})
_NO_SPACE_BEFORE = frozenset({")", ",", "."})


def spellings(names: list[str]) -> dict[str, str]:
    """The `columns` argument of canonical_expression for a table's column names."""
    return {name.translate(_ASCII_LOWER): name for name in names}


def canonical_expression(text: str, columns: dict[str, str]) -> str:
    """`columns` maps each column name, ASCII-lowercased, to its spelling. A text the
    tokenizer cannot follow is compared as written, without surrounding whitespace."""
    tokens = [t for t in tokenize(text) if t.kind != "comment"]
    if any(t.kind == "bad" or not _closed(t) for t in tokens):
        return text.strip()
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i and _spaced(tokens, i, out[-1]):
            out.append(" ")
        out.append(_spelling(token, columns))
    return "".join(out)


def _spelling(token: Token, columns: dict[str, str]) -> str:
    if token.kind == "qident":  # "id", [id] and `id` name the column id (a "..." naming none is a string)
        column = columns.get(token.name.translate(_ASCII_LOWER))
        return quote_ident(column) if column is not None else token.text
    if token.kind != "ident":
        return token.text
    lower = token.text.translate(_ASCII_LOWER)
    if lower in columns:
        return quote_ident(columns[lower])
    return token.text.translate(_ASCII_UPPER) if lower in _KEYWORDS else lower


def _closed(token: Token) -> bool:
    """A quoted token the tokenizer had to cut at the end of the text is not safe to reuse."""
    if token.kind in ("string", "blob"):
        return len(token.text) >= 2 + (token.kind == "blob") and token.text.endswith("'")
    if token.kind == "qident":
        return len(token.text) >= 2 and token.text.endswith("]" if token.text[0] == "[" else token.text[0])
    return True


def _spaced(tokens: list[Token], i: int, previous_text: str) -> bool:
    previous, token = tokens[i - 1], tokens[i]
    if previous.text in _NO_SPACE_AFTER or token.text in _NO_SPACE_BEFORE:
        return False
    if token.text == "(" and previous.kind in ("ident", "qident"):
        return previous_text.translate(_ASCII_LOWER) in _SPACED_BEFORE_PAREN
    return not _unary(tokens, i - 1)


def _unary(tokens: list[Token], i: int) -> bool:
    """A sign at the start, or after an operator other than `)`, applies to what follows."""
    token = tokens[i]
    if token.kind != "op" or token.text not in ("-", "+", "~"):
        return False
    return i == 0 or token.text == "~" or (tokens[i - 1].kind == "op" and tokens[i - 1].text != ")")


_NAME_OR_CALL = re.compile(
    r"""'(?:[^']|'')*'|"((?:[^"]|"")*)"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_\x80-\uffff][\w$]*)(\s*\()?""")


def rename_columns(expression: str, renamed: dict[str, str]) -> str:
    """The expression as SQLite holds it after RENAME COLUMN: SQLite carries renames into
    checks and index predicates (names compared without ASCII case), so the old text must
    not look changed."""
    def token(m: re.Match[str]) -> str:
        name = next((g for g in m.groups()[:4] if g is not None), None)
        if name is None or m.group(5):
            return m.group(0)  # a string literal or a function name
        name = name.replace('""', '"') if m.group(1) is not None else name
        target = next((new for old, new in renamed.items() if old.lower() == name.lower()), None)
        return quote_ident(target) if target is not None else m.group(0)

    return _NAME_OR_CALL.sub(token, expression)
