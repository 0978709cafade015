"""Reading libpg_query's JSON parse trees: dotted names, integer arguments, and the column
references in a subtree (found, or renamed in place).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


Json = dict[str, Any]


def names_of(items: list[Json]) -> list[str]:
    return [i["String"]["sval"] for i in items if "String" in i]


def _walk(value: Any) -> Iterator[tuple[str, Json]]:
    """Every (node kind, body) in a JSON subtree."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if isinstance(sub, dict) and key[:1].isupper():
                yield key, sub
            yield from _walk(sub)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def column_refs(node: Any) -> set[str]:
    out = set()
    for kind, body in _walk(node):
        if kind == "ColumnRef":
            fields = body.get("fields", ())
            if fields and "String" in fields[-1]:
                out.add(fields[-1]["String"]["sval"])
    return out


def rename_refs(node: Any, old: str, new: str) -> None:
    for kind, body in _walk(node):
        if kind == "ColumnRef":
            last = body.get("fields", [])[-1:] or [{}]
            if last[0].get("String", {}).get("sval") == old:
                last[0]["String"]["sval"] = new
        elif kind == "IndexElem" and body.get("name") == old:
            body["name"] = new


def int_arg(node: Json | None) -> int | None:
    if not node:
        return None
    if "Integer" in node:
        return int(node["Integer"].get("ival", 0))
    if "Float" in node:
        return int(node["Float"]["fval"])
    return None
