"""Incremental parsing: a table group (a CREATE TABLE and the later statements of its file
that only add to that table) is reused, as the same objects, from one of the last two
parses when nothing it read or wrote changed (see Group); a group whose statements only
moved to other lines is reused with its anchors moved (see moved).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.renamed import Directives
from schemalens.dialects.postgresql.files.state import TableExtra
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Anchor, Column, Span, Table


@dataclass
class Group:
    """A CREATE TABLE and the later statements of its file that only add to that table
    (CREATE INDEX, COMMENT ON TABLE/COLUMN): the unit a parse reuses from an earlier one.

    Its table is reused, as the same objects, when the statements' text, place and
    search_path are unchanged (the key), what they read of the shared state (relation
    names, enums, foreign key targets: the log) is the same again, and no other statement
    of the files names anything it touched (State.touched): an ALTER, DROP or RENAME of
    it or of what it read makes it be built again."""

    create: Stmt
    members: list[Stmt] = field(default_factory=list)
    key: tuple[Any, ...] | None = None
    logs: list[list[tuple[Any, ...]]] = field(default_factory=list)
    clean: bool = True  # its statements raised no problem and left no type to resolve
    table: Table | None = None
    entry: Entry | None = None  # set when reused
    lines: tuple[int, ...] = ()  # where its statements start
    anchors: list[Anchor] = field(default_factory=list)  # of the spans read from each statement


@dataclass
class Entry:
    key: tuple[Any, ...]
    table: Table
    logs: list[list[tuple[Any, ...]]]
    names: frozenset[str]
    enum_columns: list[tuple[int, tuple[tuple[str, str], Column, str]]]
    fk_ref_spans: list[tuple[int, Span]]
    lines: tuple[int, ...]
    anchors: list[Anchor]


def moved(entry: Entry, lines: tuple[int, ...]) -> None:
    """Move a group whose statements are now at other lines (same text, same columns):
    its anchors, hence every span of its table, go with them."""
    for anchor, line in zip(entry.anchors, lines, strict=True):
        anchor.line = line
    entry.lines = lines


class Stale(Exception):
    """A reused table turned out not to fit the file: parse it from scratch."""


class Reuse(Directives):
    """Applying a table group's statements: reused, or built and logged."""

    def apply(self, stmt: Stmt) -> None:
        """Apply one statement; a shape this reader does not expect becomes a problem at
        the statement, never a traceback (the editor reads half-written files)."""
        member = self.members.get(id(stmt))
        if member is not None:
            self.apply_member(*member, stmt)
            return
        self.apply_one(stmt)

    def apply_member(self, group: Group, i: int, stmt: Stmt) -> None:
        if i == 0:
            group.key = self.group_key(group)
            group.lines = tuple(self.f.line(s.start) for s in (group.create, *group.members))
            entry = self.memo.get(group.key)
            if entry is not None and not (entry.names & self.touched):
                if entry.lines != group.lines:
                    moved(entry, group.lines)
                if self.reuse(entry):
                    group.entry = entry
                    return
        elif group.entry is not None:
            if not self.replay(group.entry.logs[i], [])[0]:
                raise Stale  # the table is already reused: only a fresh parse can tell
            return
        counts = (len(self.problems), len(self.unmanaged), len(self.pending_types))
        self.log = []
        self.f.anchor = Anchor(group.lines[i])
        group.anchors.append(self.f.anchor)
        try:
            self.apply_one(stmt)
        finally:
            group.logs.append(self.log)
            self.log = None
            self.f.anchor = None
        if counts != (len(self.problems), len(self.unmanaged), len(self.pending_types)):
            group.clean = False
        if i == 0:
            rv = stmt.body["relation"]
            group.table = self.tables.get(self.qualify(rv.get("schemaname"), rv["relname"]))

    def group_key(self, group: Group) -> tuple[Any, ...]:
        """Everything a group's statements read that is not in its log: their text (to the
        end of their last line, where a `@renamed` comment may follow), the column they
        start at, the directives in them, the search_path. Not their line: a table that
        moved is reused with its spans shifted."""
        parts = []
        for stmt in (group.create, *group.members):
            line = self.f.line(stmt.end)
            line_end = (self.f.line_starts[line + 1] if line + 1 < len(self.f.line_starts)
                        else len(self.f.text))
            directives = tuple((pos - stmt.start, old, quoted)
                               for pos, old, quoted in self.directives_in(stmt.start, line_end))
            parts.append((self.f.text[stmt.start:line_end], self.f.line_col(stmt.start)[1], directives))
        return (self.f.path, self.default_schema, tuple(self.search_path), tuple(parts))

    def reuse(self, entry: Entry) -> bool:
        ok, written = self.replay(entry.logs[0], [])
        if not ok:
            for key in written:
                del self.relations[key]
            return False
        table = entry.table
        self.tables[table.key] = table
        self.extra[id(table)] = TableExtra(columns={c.name: c for c in table.columns})
        self.schema.tables.append(table)
        self.enum_columns.update(entry.enum_columns)
        self.fk_ref_spans.update(entry.fk_ref_spans)
        self.used[entry.key] = entry
        return True

    def replay(self, log: list[tuple[Any, ...]], written: list[tuple[str, str]]) -> tuple[bool, list[tuple[str, str]]]:
        """Check what a statement read against the state now, and redo its writes."""
        for op, key, value in log:
            if op == "set":
                self.relations[key] = value
                written.append(key)
                continue
            if op == "relation":
                now: Any = key in self.relations
            elif op == "table":
                table = self._find_table(*key)
                now = table and table.key
            elif op == "enum":
                enum = self._find_enum(key)
                now = enum and enum.key
            else:
                now = key in self.unmanaged_relations
            if now != value:
                return False, written
        return True, written

    def record_groups(self) -> None:
        """Keep the groups built from scratch whose table nothing else touched."""
        for group in self.groups:
            table = group.table
            if (group.entry is not None or not group.clean or group.key is None or table is None
                    or len(group.logs) != 1 + len(group.members)
                    or self.tables.get(table.key) is not table
                    or any(not fk.ref_columns for fk in table.foreign_keys)):
                continue
            names = {table.schema, table.name}
            for log in group.logs:
                for op, key, value in log:
                    names.update(n for n in key if isinstance(n, str))
                    if op in ("table", "enum") and value:  # where a lookup found it: a DROP
                        names.update(value)                # SCHEMA there drops it
            if names & self.touched:
                continue
            self.used[group.key] = Entry(
                group.key, table, group.logs, frozenset(names),
                [(id(c), self.enum_columns[id(c)]) for c in table.columns if id(c) in self.enum_columns],
                [(id(fk), self.fk_ref_spans[id(fk)]) for fk in table.foreign_keys
                 if id(fk) in self.fk_ref_spans], group.lines, group.anchors)


# Statements that change no table other than the one they create, and no name a table
# statement reads other than through the logged lookups.
_NEUTRAL = frozenset({"CreateEnumStmt", "VariableSetStmt", "CreateExtensionStmt"})


def find_groups(b: Reuse, files: list[list[Stmt]]) -> None:
    """Group each CREATE TABLE with the later statements of its file that add to it, and
    collect every name the other statements mention (they may alter, drop or rename it)."""
    by_name: dict[str, list[Group]] = {}
    for stmts in files:
        here: dict[str, Group] = {}
        for stmt in stmts:
            kind, body = stmt.kind, stmt.body
            if kind == "CreateStmt":
                group = Group(stmt)
                by_name.setdefault(body["relation"]["relname"], []).append(group)
                here[body["relation"]["relname"]] = group
                continue
            target = _member_target(kind, body)
            if target is not None and target in here:
                here[target].members.append(stmt)
                continue
            if kind in _NEUTRAL or (kind == "CreateSchemaStmt" and not body.get("schemaElts")):
                continue
            b.touched.update(_strings(body))
    for groups in by_name.values():
        if len(groups) == 1:
            group = groups[0]
            b.groups.append(group)
            for i, stmt in enumerate((group.create, *group.members)):
                b.members[id(stmt)] = (group, i)


def _member_target(kind: str, body: Json) -> str | None:
    """The table name a CREATE INDEX or COMMENT ON TABLE/COLUMN is about."""
    if kind == "IndexStmt":
        return body["relation"]["relname"]
    if kind == "CommentStmt" and body.get("objtype") in ("OBJECT_TABLE", "OBJECT_COLUMN"):
        names = names_of(body.get("object", {}).get("List", {}).get("items", []))
        if body["objtype"] == "OBJECT_COLUMN":
            names = names[:-1]
        return names[-1] if names else None
    return None


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# Table groups of the last two parses by key (see Group): the editor parses the whole
# file on every save while one statement changed (and between two saves, maybe another
# file for a hover).
_GROUPS: dict[tuple[Any, ...], Entry] = {}
_GROUPS_BEFORE: dict[tuple[Any, ...], Entry] = {}
_GROUPS_LOCK = threading.Lock()


def remembered() -> dict[tuple[Any, ...], Entry]:
    """The table groups of the last two parses, by key."""
    with _GROUPS_LOCK:
        return {**_GROUPS_BEFORE, **_GROUPS}


def remember(used: dict[tuple[Any, ...], Entry]) -> None:
    """Keep the groups of this parse; those of the one before become the older ones."""
    with _GROUPS_LOCK:
        _GROUPS_BEFORE.clear()
        _GROUPS_BEFORE.update(_GROUPS)
        _GROUPS.clear()
        _GROUPS.update(used)
