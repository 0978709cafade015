"""Hostile schema files for the fuzzers: corpus files (tests/data) mutated the ways real
files break — cut short at a statement boundary or anywhere, bytes that are not UTF-8,
NUL bytes, a byte order mark and CRLF line ends, huge identifiers, parentheses nested
10,000 deep, spliced and flipped text.

Pure functions of a seed, so that a failure's input can be made again from its number.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
DIALECTS = ("postgresql", "sqlite")


@cache
def corpus(dialect: str) -> tuple[str, ...]:
    """Every schema text of the dialect kept in tests/data: the conformance cases' files
    and the real applications' schemas."""
    texts = []
    for line in (DATA / "corpus" / f"sqldef-{dialect}.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        texts += [t for t in (case.get("desired"), case.get("current")) if t]
    texts += [p.read_text(encoding="utf-8") for p in sorted((DATA / "apps" / dialect).rglob("*.sql"))]
    return tuple(texts)


def _boundaries(text: str) -> list[int]:
    return [i + 1 for i, c in enumerate(text) if c == ";"] or [len(text)]


def cut_at_statement(text: str, rng: random.Random) -> str:
    """Cut just after a statement's `;`, then into the next statement by a few tokens."""
    at = rng.choice(_boundaries(text))
    return text[:at + rng.randint(0, 40)]


def cut_anywhere(text: str, rng: random.Random) -> str:
    return text[:rng.randint(0, len(text))]


def invalid_utf8(text: str, rng: random.Random) -> str:
    """Bytes that are not UTF-8, as an editor can hand them on (lone surrogates)."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 4)):
        data.insert(rng.randint(0, len(data)), rng.choice([0x80, 0xC3, 0xFF, 0xED, 0xF0]))
    return data.decode("utf-8", "surrogateescape")


def nul_bytes(text: str, rng: random.Random) -> str:
    at = rng.randint(0, len(text))
    return text[:at] + "\x00" * rng.randint(1, 3) + text[at:]


def bom_crlf(text: str, rng: random.Random) -> str:
    return "\ufeff" + text.replace("\n", "\r\n") if rng.random() < 0.8 else text.replace("\n", "\r")


def huge_identifier(text: str, rng: random.Random) -> str:
    name = "x" * rng.choice([64, 1_000, 100_000])
    quoted = f'"{name}"' if rng.random() < 0.5 else name
    return text + f"\nCREATE TABLE {quoted} ({quoted} int, CONSTRAINT {quoted} CHECK ({quoted} > 0));\n"


def deep_nesting(text: str, rng: random.Random) -> str:
    depth = rng.choice([100, 1_000, 10_000])
    closed = ")" * depth if rng.random() < 0.7 else ""
    where = rng.choice(["CHECK", "DEFAULT", "INDEX"])
    nested = "(" * depth + "1" + closed
    if where == "INDEX":
        return text + f"\nCREATE TABLE deep (a int);\nCREATE INDEX deep_i ON deep ({nested});\n"
    return text + f"\nCREATE TABLE deep (a int {where} {nested});\n"


def splice(text: str, rng: random.Random) -> str:
    """A piece of the file pasted into another place of it (a bad merge)."""
    if not text:
        return text
    a, b = sorted(rng.randint(0, len(text)) for _ in range(2))
    at = rng.randint(0, len(text))
    return text[:at] + text[a:b] + text[at:]


def flip(text: str, rng: random.Random) -> str:
    """A few characters replaced by SQL's punctuation and quotes."""
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice("();,'\"`[]-/*.$\\ \n")
    return "".join(chars)


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "cut at a statement": cut_at_statement, "cut anywhere": cut_anywhere, "invalid UTF-8": invalid_utf8,
    "NUL bytes": nul_bytes, "BOM / CRLF": bom_crlf, "huge identifier": huge_identifier,
    "deep nesting": deep_nesting, "splice": splice, "flip": flip,
}


def hostile(dialect: str, seed: int) -> tuple[str, str]:
    """(mutation name, text): the seed-th hostile file of the dialect."""
    rng = random.Random(f"{dialect}:{seed}")
    texts = corpus(dialect)
    name = rng.choice(sorted(MUTATIONS))
    return name, MUTATIONS[name](rng.choice(texts), rng)
