"""psql's view of a script: where its statements end, the stretches psql consumes itself
(backslash meta-commands, `COPY ... FROM stdin` data) that are cut out before parsing, and
where one element of a parenthesized list ends (the span of a column or constraint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


_SPLIT_TOKEN = re.compile(
    r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|(?<![\w$])\$(?:[^\W\d]\w*)?\$|;|\\|\(|\)"""
)
_SINGLE_QUOTED = re.compile(r"'[^']*(?:''[^']*)*'")
_ESCAPE_QUOTED = re.compile(r"[Ee]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.S)
_DOUBLE_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_BLOCK_COMMENT_PART = re.compile(r"/\*|\*/")
COPY_FROM_STDIN = re.compile(r"\bCOPY\b[^;]*\bFROM\s+STDIN\b", re.I)
LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
_COPY_START = re.compile(r"COPY\b", re.I)


def _block_comment_end(text: str, start: int) -> int:
    depth = 0
    pos = start
    while True:
        m = _BLOCK_COMMENT_PART.search(text, pos)
        if m is None:
            return len(text)
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
        if depth == 0:
            return pos


def _quoted_end(text: str, start: int, token: str) -> int:
    """End of the quoted string/identifier/dollar body opened at `start` (unterminated: EOF)."""
    if token.startswith("$"):
        end = text.find(token, start + len(token))
        return len(text) if end < 0 else end + len(token)
    pattern = {"'": _SINGLE_QUOTED, '"': _DOUBLE_QUOTED}.get(token, _ESCAPE_QUOTED)
    m = pattern.match(text, start)
    return m.end() if m else len(text)


@dataclass
class Cut:
    """A stretch psql would not send to the server: a meta-command or COPY data."""

    start: int
    end: int
    kind: str  # "meta" | "copy-data"


def split_script(text: str, parens: bool = True) -> tuple[list[tuple[int, int]], list[Cut]]:
    """psql's view of a script: statement (start, end) char ranges and the cut stretches.

    Like psql: a `;` ends a statement only outside quotes, comments and parentheses; a
    backslash outside them starts a meta-command running to the end of the line; after
    `COPY ... FROM stdin;` the data runs up to a line `\\.`.
    """
    statements: list[tuple[int, int]] = []
    cuts: list[Cut] = []
    pos = stmt_start = depth = 0
    while True:
        m = _SPLIT_TOKEN.search(text, pos)
        if m is None:
            break
        tok = m.group()
        if tok.startswith("--"):
            pos = m.end()
        elif tok == "/*":
            pos = _block_comment_end(text, m.start())
        elif tok in ("'", '"') or tok.startswith("$") or tok[0] in "Ee":
            pos = _quoted_end(text, m.start(), tok)
        elif tok == "(":
            depth += parens
            pos = m.end()
        elif tok == ")":
            depth = max(0, depth - 1)
            pos = m.end()
        elif tok == "\\":
            eol = text.find("\n", m.start())
            eol = len(text) if eol < 0 else eol
            cuts.append(Cut(m.start(), eol, "meta"))
            pos = eol
        elif depth == 0:  # ";"
            statements.append((stmt_start, m.end()))
            pos = stmt_start = m.end()
            body = text[statements[-1][0]:m.start()]
            lead = LEADING_NOISE.match(body)
            if _COPY_START.match(body, lead.end() if lead else 0) and COPY_FROM_STDIN.search(body):
                pos = stmt_start = _cut_copy_data(text, m.end(), cuts)
        else:
            pos = m.end()
    if text[stmt_start:].strip():
        statements.append((stmt_start, len(text)))
    return statements, cuts


def _cut_copy_data(text: str, after: int, cuts: list[Cut]) -> int:
    eol = text.find("\n", after)
    if eol < 0:
        return len(text)
    start = eol + 1
    m = re.compile(r"^\\\.\r?$", re.M).search(text, start)
    end = len(text) if m is None else m.end()
    cuts.append(Cut(start, end, "copy-data"))
    return end


def blank(text: str, cuts: list[Cut]) -> str:
    """The text with cut stretches replaced by spaces: code-point offsets stay valid."""
    if not cuts:
        return text
    parts: list[str] = []
    pos = 0
    for cut in cuts:
        parts.append(text[pos:cut.start])
        parts.append(re.sub(r"[^\n]", " ", text[cut.start:cut.end]))
        pos = cut.end
    parts.append(text[pos:])
    return "".join(parts)


_ELEMENT_TOKEN = re.compile(r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|(?<![\w$])\$(?:[^\W\d]\w*)?\$|[(),]""")


def element_end(text: str, start: int, limit: int) -> int:
    """End of the list element (column, constraint) starting at `start`: before the next
    top-level `,` or `)`, without trailing whitespace and comments."""
    if limit < len(text) and "--" not in text[start:limit] and "/*" not in text[start:limit]:
        chunk = text[start:limit].rstrip()
        if chunk.endswith(","):
            chunk = chunk[:-1].rstrip()
        return start + len(chunk)
    pos = last = start
    depth = 0
    while True:
        m = _ELEMENT_TOKEN.search(text, pos)
        gap_end = m.start() if m else len(text)
        gap = text[pos:gap_end]
        if gap.strip():
            last = pos + len(gap.rstrip())
        if m is None:
            return last
        tok = m.group()
        if tok.startswith("--"):
            pos = m.end()
        elif tok == "/*":
            pos = _block_comment_end(text, m.start())
        elif tok in ",)" and depth == 0:
            return last
        elif tok == "(":
            depth += 1
            pos = last = m.end()
        elif tok == ")":
            depth -= 1
            pos = last = m.end()
        elif tok == ",":
            pos = last = m.end()
        else:
            pos = last = _quoted_end(text, m.start(), tok)
