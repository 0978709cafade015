"""The schema file `pull` writes: a file a person keeps, so it reads like one written by hand.

Schemas, extensions, enum types and sequences first; then the tables in foreign-key
dependency order (a table after the tables it references), each followed by its own
indexes and comments; a foreign key cycle is closed by ALTER TABLE ... ADD CONSTRAINT
right after the last table of the cycle; then views, triggers and the other definitions,
each after what it depends on. Types as people write them (`varchar(20)`,
`timestamptz`). The same schema gives the same bytes, and the work is linear in the
number of tables: each group of tables is diffed and rendered on its own, and the
order comes from one depth-first walk (a placement that rescanned the remaining tables
made a 5,000-table pull take minutes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from schemalens import dialects
from schemalens.changes import Change, Statement
from schemalens.diff import diff
from schemalens.model import Schema, Table

Key = tuple[str, str]


def schema_file(schema: Schema, header: str) -> str:
    """The text of a file that creates `schema` (normalized, as read from a catalog)."""
    schema = _as_written(schema)
    empty = Schema(dialect=schema.dialect)
    objects = Schema(schema.dialect, sorted(schema.namespaces, key=lambda n: n.name),
                     sorted(schema.extensions, key=lambda e: e.name), sorted(schema.enums, key=lambda e: e.key),
                     sorted(schema.sequences, key=lambda s: s.key))
    changes = diff(empty, objects)
    statements = dialects.get(schema.dialect).render(changes, empty, schema)
    # OWNED BY needs its table: said once every table exists
    owners = {c.id for c in changes if c.kind == "alter_sequence"}
    blocks = [[s] for s in statements if not set(s.change_ids) & owners]
    for group in creation_order(schema.tables):
        blocks += _table_blocks(group, schema)
    blocks += [[s] for s in statements if set(s.change_ids) & owners]
    defined = Schema(schema.dialect, definitions=schema.definitions)
    blocks += [[s] for s in dialects.get(schema.dialect).render(diff(empty, defined), empty, defined)]
    text = "\n\n".join("\n".join(s.terminated for s in block) for block in blocks)
    return header + text + "\n"


def _as_written(schema: Schema) -> Schema:
    """Each distinct type is spelled once (a schema has a few dozen, in tens of thousands of
    columns), and only a column whose spelling differs is copied."""
    spell = dialects.get(schema.dialect).written_type
    spelled: dict[str, str] = {}

    def written(type_: str) -> str:
        if type_ not in spelled:
            spelled[type_] = spell(type_)
        return spelled[type_]

    def table(t: Table) -> Table:
        columns = [c if written(c.type) == c.type else dataclasses.replace(c, type=written(c.type)) for c in t.columns]
        return dataclasses.replace(t, columns=columns)

    return dataclasses.replace(schema, tables=[table(t) for t in schema.tables])


def _table_blocks(group: list[Table], schema: Schema) -> list[list[Statement]]:
    """One block per table (CREATE TABLE, its indexes, its comments), then the foreign
    keys that close the group's cycle, once all of its tables exist."""
    empty = Schema(dialect=schema.dialect)
    changes = diff(empty, Schema(schema.dialect, tables=group))
    statements = dialects.get(schema.dialect).render(changes, empty, schema)
    by_id = {c.id: c for c in changes}
    own: dict[Key, list[Statement]] = {}  # in diff's order: it knows which keys may be inline
    closing: list[Statement] = []
    for statement in statements:
        change = by_id[statement.change_ids[0]]
        if change.kind == "add_constraint":
            closing.append(statement)
        else:
            own.setdefault(_table_of(change), []).append(statement)
    return list(own.values()) + ([closing] if closing else [])


def _table_of(change: Change) -> Key:
    return (change.schema, change.table or change.name)


def creation_order(tables: list[Table]) -> list[list[Table]]:
    """The tables in groups, each group after every group its foreign keys reference; a
    group of more than one table is a cycle. Tarjan's strongly connected components come
    out in exactly that order; the walk starts from the tables in (schema, name) order
    and follows foreign keys in their order, so the result does not depend on how the
    catalog listed them. Linear in tables + foreign keys."""
    by_key: dict[Key, Table] = {}
    for table in sorted(tables, key=lambda t: t.key):
        by_key.setdefault(table.key, table)

    def targets(key: Key) -> Iterator[Key]:
        return (k for fk in by_key[key].foreign_keys if (k := (fk.ref_schema, fk.ref_table)) in by_key)

    number: dict[Key, int] = {}
    low: dict[Key, int] = {}
    stack: list[Key] = []
    on_stack: set[Key] = set()
    groups: list[list[Table]] = []

    def enter(key: Key) -> tuple[Key, Iterator[Key]]:
        number[key] = low[key] = len(number)
        stack.append(key)
        on_stack.add(key)
        return key, targets(key)

    for root in by_key:
        if root in number:
            continue
        walk = [enter(root)]
        while walk:
            key, edges = walk[-1]
            for target in edges:
                if target not in number:
                    walk.append(enter(target))
                    break
                if target in on_stack:
                    low[key] = min(low[key], number[target])
            else:
                walk.pop()
                if walk:
                    parent = walk[-1][0]
                    low[parent] = min(low[parent], low[key])
                if low[key] == number[key]:
                    members: list[Key] = []
                    while not members or members[-1] != key:
                        members.append(stack.pop())
                        on_stack.discard(members[-1])
                    groups.append([by_key[k] for k in sorted(members)])
    return groups
