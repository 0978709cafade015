"""A file's text -> its statements: parse trees with their places, syntax errors reported at
theirs.

Speed: the whole file is split by PostgreSQL's grammar and each statement parsed by
`parse_sql_json` (C, fast), its tree cached by text; only when that fails is the file split
psql-style into statements and parsed one by one, so that one bad statement is reported
at its exact place without hiding the others.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from pglast.parser import ParseError, parse_sql_json, split

from schemalens.dialects.postgresql.files.nodes import Json
from schemalens.dialects.postgresql.files.positions import File
from schemalens.dialects.postgresql.files.split import COPY_FROM_STDIN, LEADING_NOISE, Cut, blank, split_script
from schemalens.dialects.unreadable import readable
from schemalens.model import Problem


@dataclass
class Stmt:
    kind: str
    body: Json
    base: int      # byte offset of the parsed text within the file
    start: int     # char offsets of the statement in the file
    end: int


def parse_file(path: str, text: str) -> tuple[File, list[Stmt], list[Problem]]:
    """The statements of one file, and the problems of reading it (syntax errors at their
    place, a note for each psql meta-command cut out)."""
    text, unreadable = readable(text)
    cuts: list[Cut] = []
    ranges: list[tuple[int, int]] | None = None
    # the regex alone costs 15 ms on a 1,000-table file: a plain test first
    if "\\" in text or ("stdin" in text.lower() and COPY_FROM_STDIN.search(text)):
        ranges, cuts = split_script(text)
    clean = blank(text, cuts)
    f = File(path, clean)
    problems = [Problem("error", "syntax-error", u.message, f.span(u.start, u.end)) for u in unreadable]
    for cut in cuts:
        if cut.kind == "meta":
            command = text[cut.start:cut.end].split()[0] if text[cut.start:cut.end].split() else "\\"
            problems.append(Problem("info", "skipped-statement", f"psql meta-command {command} skipped",
                                    f.span(cut.start, cut.end)))
    stmts: list[Stmt] = []
    parsed = _parse_statements(clean, f)
    if parsed is not None:
        for tree, base, start, end in parsed:
            stmts.extend(_statements(f, tree, base, start, end))
        return f, stmts, problems
    if ranges is None:
        ranges, _ = split_script(clean)
    base = pos = 0
    for start, end in ranges:
        base += len(clean[pos:start].encode("utf-8"))
        pos = start
        stmts.extend(_parse_chunk(f, problems, start, end, base, retry=True))
    return f, stmts, problems


# Statement text -> its parse tree (JSON, locations relative to the statement). The editor
# parses the whole file on every save while one statement changed: the others come from
# here. Trees are shared between parses, so nothing may modify one (see rename_column).
_TREES: dict[str, Json] = {}
_TREES_LIMIT = 50_000
_TREES_LOCK = threading.Lock()


def _parse_statements(clean: str, f: File) -> list[tuple[Json, int, int, int]] | None:
    """(tree, byte offset, start, end) of each statement of a file that parses; None when
    it does not (the caller then finds each error's place)."""
    try:
        slices = split(clean, only_slices=True)  # PostgreSQL's grammar decides where they end
    except ParseError:
        return None
    out = []
    base = pos = 0
    with _TREES_LOCK:
        for piece in slices:
            start, end = piece.start, piece.stop
            base = start if f.ascii_only else base + len(clean[pos:start].encode("utf-8"))
            pos = start
            text = clean[start:end]
            tree = _TREES.pop(text, None)
            if tree is None:
                try:
                    tree = json.loads(parse_sql_json(text))
                except ParseError:
                    return None
            _TREES[text] = tree  # (re)inserted last: the oldest go first
            out.append((tree, base, start, end))
        while len(_TREES) > _TREES_LIMIT:
            del _TREES[next(iter(_TREES))]
    return out


def _parse_chunk(f: File, problems: list[Problem], start: int, end: int, base: int,
                 retry: bool) -> Iterator[Stmt]:
    """One statement of a file that does not parse as a whole. An unbalanced parenthesis
    makes psql read on to the next balanced `;`: the swallowed statements are tried
    again one by one so that one typo does not hide the rest of the file."""
    clean = f.text
    chunk = clean[start:end]
    try:
        tree = json.loads(parse_sql_json(chunk))
    except ParseError as exc:
        pieces = split_script(chunk, parens=False)[0] if retry else []
        if len(pieces) > 1:
            for piece_start, piece_end in pieces:
                yield from _parse_chunk(f, problems, start + piece_start, start + piece_end,
                                        base + len(chunk[:piece_start].encode("utf-8")), retry=False)
            return
        index = exc.args[1] if len(exc.args) > 1 and exc.args[1] is not None else len(chunk.rstrip())
        at = start + index
        problems.append(Problem("error", "syntax-error", exc.args[0],
                                f.span(at, at + 1 if at < len(clean) else at)))
        return
    yield from _statements(f, tree, base, start, end)


def _statements(f: File, tree: Json, base: int, start: int, end: int) -> Iterator[Stmt]:
    for raw in tree.get("stmts", ()):
        (kind, body), = raw["stmt"].items()
        loc = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0)
        s = f.char(base + loc)
        e = f.char(base + loc + length) if length else end
        s += len(LEADING_NOISE.match(f.text, s, e).group())  # type: ignore[union-attr]
        text = f.text[s:e].rstrip()
        if text.endswith(";"):
            text = text[:-1].rstrip()
        yield Stmt(kind, body, base, s, s + len(text))
