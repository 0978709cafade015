"""Schema x Schema -> the ordered, classified list of changes that turns one into the other.

Both schemas arrive normalized (one canonical spelling per dialect), so fields are
compared directly. What is left for this module is matching (stated renames, constraints
and indexes the file did not name, serial sequences whose name PostgreSQL chose), the
order the database needs (dependencies first, drops last) and the cost of each change
(data loss, locks), which front ends show before they run anything.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from schemalens import dialects
from schemalens.changes import Change
from schemalens.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
)


@dataclass(frozen=True)
class Renames:
    """Renames the user stated (`--rename users.name=full_name`, `--rename users=people`)."""

    tables: dict[tuple[str, str], str]             # (schema, old table) -> new table name
    columns: dict[tuple[str, str, str], str]       # (schema, table (new name), old column) -> new column


# Order in which the groups of changes run. Renames come first so that later changes
# name objects as the desired schema does; constraint and index drops come before column
# changes (a dropped index may be what blocks a type change or a column drop); table
# drops come last, after the foreign keys that point at them are gone. Foreign keys are
# added after indexes: a unique index may be the key they reference.
_PHASES = (
    "create_schema", "create_extension", "enum", "sequence", "rename",
    "drop_fk", "drop_constraint", "drop_index",
    "create_table", "add_column", "alter_column",
    "add_key", "add_check", "create_index", "add_fk", "sequence_owner", "comment",
    "drop_column", "drop_table_fk", "drop_table", "drop_enum", "drop_sequence",
    "drop_schema",
)

_LEADING_IDENT = re.compile(r'^("(?:[^"]|"")*"|[^\W\d][\w$]*)(.*)$', re.S)


def diff(actual: Schema, desired: Schema, renames: Renames = Renames({}, {})) -> list[Change]:
    """Changes that turn `actual` into `desired`, in the order they must run."""
    actual = dialects.get(desired.dialect).adopt_spelling(actual, desired)
    return _Differ(actual, desired, renames).run()


# --- helpers over the model -------------------------------------------------------------


def qualified(schema: str, name: str) -> str:
    return f"{schema}.{name}"


def _same_shape(a: Any, b: Any) -> bool:
    return dataclasses.replace(a, name=None) == dataclasses.replace(b, name=None)


def _columns_text(columns: Iterable[str]) -> str:
    return ", ".join(columns)


def describe_constraint(obj: Any) -> str:
    if isinstance(obj, PrimaryKey):
        return f"primary key ({_columns_text(obj.columns)})"
    if isinstance(obj, Unique):
        return f"unique ({_columns_text(obj.columns)})"
    if isinstance(obj, ForeignKey):
        return (f"foreign key ({_columns_text(obj.columns)}) -> "
                f"{obj.ref_schema}.{obj.ref_table} ({_columns_text(obj.ref_columns)})")
    return f"check ({obj.expression})"


# --- the differ --------------------------------------------------------------------------


@dataclass
class _Pair:
    """What comparing one table pair emitted (by phase), kept for the next diff."""

    old: Table
    new: Table
    context: Any
    columns: list[tuple[str, Change]]
    table: list[tuple[str, Change]]
    kept_fks: list[tuple[ForeignKey, ForeignKey]]


# Per table pair of the last two diffs, by the identity of both tables: the editor diffs
# the same database schema against a file where one table changed, and normalize hands
# back unchanged tables as the same objects (tables are never modified once built). Used
# only when nothing is renamed: a rename elsewhere changes how a table compares.
_PairMemo = dict[tuple[int, int], _Pair]
_PAIRS: list[_PairMemo] = [{}, {}]
_PAIRS_LOCK = threading.Lock()


class _Differ:
    def __init__(self, actual: Schema, desired: Schema, renames: Renames) -> None:
        self.actual = actual
        self.desired = desired
        self.renames = renames
        self.dialect = dialects.get(desired.dialect)
        self.phases: dict[str, list[Change]] = {p: [] for p in _PHASES}
        # desired table key -> actual table (same name, or the source of a rename)
        self.matched: dict[tuple[str, str], Table] = {}
        self.created: list[Table] = []
        self.table_renames: dict[tuple[str, str], str] = {}          # (schema, old) -> new name
        self.column_renames: dict[tuple[str, str], dict[str, str]] = {}  # new table key -> old -> new
        self.dropped: list[Table] = []
        # desired table key -> FK pairs (actual as renamed, desired) that stay unchanged
        self.kept_fks: dict[tuple[str, str], list[tuple[ForeignKey, ForeignKey]]] = {}

        self.capture: list[tuple[str, Change]] | None = None

    def emit(self, phase: str, change: Change) -> Change:
        self.phases[phase].append(change)
        if self.capture is not None:
            self.capture.append((phase, change))
        return change

    def run(self) -> list[Change]:
        self.namespaces()
        self.extensions()
        self.enums()
        self.sequences()
        self.match_tables()
        self.compare_tables([(self.matched[t.key], t) for t in self.desired.tables if t.key in self.matched])
        self.create_tables()
        self.refresh_dependent_fks()
        self.drop_tables()
        self.table_rename_candidates()
        return [c for phase in _PHASES for c in self.phases[phase]]

    def compare_tables(self, pairs: list[tuple[Table, Table]]) -> None:
        """columns() of every pair, then table() of every pair (it needs all column
        renames), each replayed from the last diffs where both tables are the same objects
        as then and nothing is renamed."""
        reuse = not self.renames.tables and not self.renames.columns and not self.table_renames
        context = self.context() if reuse else None
        with _PAIRS_LOCK:
            older, newer = _PAIRS
        hits: list[_Pair | None] = []
        columns: list[list[tuple[str, Change]]] = []
        for old, new in pairs:
            hit = _pair_hit(old, new, context, older, newer) if reuse else None
            hits.append(hit)
            columns.append(self.replay(hit.columns) if hit else self.captured(self.columns, old, new))
        reuse = reuse and not self.column_renames
        used: _PairMemo = {}
        for (old, new), hit, emitted in zip(pairs, hits, columns):
            if reuse and hit is not None:
                self.replay(hit.table)
                self.kept_fks[new.key] = list(hit.kept_fks)
            else:
                table = self.captured(self.table, self.as_renamed(old, new), new)
                hit = _Pair(old, new, context, _copies(emitted), _copies(table), list(self.kept_fks[new.key]))
            if reuse:
                used[(id(old), id(new))] = hit
        if reuse:
            with _PAIRS_LOCK:
                _PAIRS[:] = [_PAIRS[1], used]

    def context(self) -> Any:
        """What comparing a table pair reads beyond the pair."""
        return (self.dialect.name, frozenset(s.key for s in self.actual.sequences),
                frozenset(s.key for s in self.desired.sequences),
                frozenset((e.schema, e.name) for e in (*self.actual.enums, *self.desired.enums)))

    def captured(self, compare: Callable[[Table, Table], None], old: Table, new: Table) -> list[tuple[str, Change]]:
        self.capture = []
        try:
            compare(old, new)
            return self.capture
        finally:
            self.capture = None

    def replay(self, emitted: list[tuple[str, Change]]) -> list[tuple[str, Change]]:
        """Emit copies: callers may set fields of the changes they get."""
        for phase, change in emitted:
            self.phases[phase].append(copy.copy(change))
        return emitted

    # schema-level objects

    def namespaces(self) -> None:
        have = {n.name: n for n in self.actual.namespaces}
        for ns in self.desired.namespaces:
            old = have.get(ns.name)
            if old is None and ns.name != self.dialect.default_schema:
                self.emit("create_schema", Change("create_schema", ns.name, None, ns.name, after=ns,
                                                  description=f"create schema {ns.name}"))
            if (old.comment if old else None) != ns.comment:
                self.emit("comment", Change("set_comment", ns.name, None, "", before=old, after=ns,
                                            description=f"set comment on schema {ns.name}"))
        if not self.desired.namespaces:
            return  # the file does not manage namespaces: leave the database's alone
        want = {ns.name for ns in self.desired.namespaces}
        for ns in self.actual.namespaces:
            if ns.name in want or ns.name == self.dialect.default_schema:
                continue
            tables = [t.name for t in self.actual.tables if t.schema == ns.name]
            loss = (f"drops schema {ns.name} with its tables {', '.join(tables)} and all their rows"
                    if tables else None)
            self.emit("drop_schema", Change("drop_schema", ns.name, None, ns.name, before=ns, data_loss=loss,
                                            description=f"drop schema {ns.name}"))

    def extensions(self) -> None:
        """Create and move what the file names; never drop. Hosted PostgreSQL installs
        extensions of its own (Supabase: pg_graphql, pgcrypto, ...), a file rarely lists
        them, and dropping one drops every column of its types with their data."""
        have = {e.name: e for e in self.actual.extensions}
        for ext in self.desired.extensions:
            old = have.get(ext.name)
            if old is None:
                self.emit("create_extension", Change(
                    "create_extension", ext.schema or "", None, ext.name, after=ext,
                    description=f"create extension {ext.name}"))
            elif ext.schema is not None and ext.schema != old.schema:
                # A file that names no schema accepts the extension wherever it is.
                self.emit("create_extension", Change(
                    "alter_extension", ext.schema, None, ext.name, before=old, after=ext,
                    description=f"move extension {ext.name} to schema {ext.schema}"))

    def enums(self) -> None:
        for enum in self.desired.enums:
            old = self.actual.enum(enum.schema, enum.name)
            label = qualified(enum.schema, enum.name)
            if old is None:
                values = ", ".join(f"'{v}'" for v in enum.values)
                self.emit("enum", Change("create_enum", enum.schema, None, enum.name, after=enum,
                                         description=f"create enum {label} ({values})"))
            elif old.values != enum.values:
                self.enum_values(old, enum)
            if (old.comment if old else None) != enum.comment:
                self.emit("comment", Change("set_comment", enum.schema, None, enum.name, before=old, after=enum,
                                            description=f"set comment on type {label}"))
        for old in self.actual.enums:
            if self.desired.enum(old.schema, old.name) is None:
                self.emit("drop_enum", Change("drop_enum", old.schema, None, old.name, before=old,
                                              description=f"drop enum {qualified(old.schema, old.name)}"))

    def enum_values(self, old: Enum, new: Enum) -> None:
        label = qualified(new.schema, new.name)
        kept = [v for v in new.values if v in old.values]
        if kept == old.values:
            for value in new.values:
                if value not in old.values:
                    self.emit("enum", Change("add_enum_value", new.schema, None, value, before=old, after=new,
                                             description=f"add value '{value}' to enum {label}"))
            return
        removed = [v for v in old.values if v not in new.values]
        loss = (f"removes value(s) {', '.join(repr(v) for v in removed)} from enum {label}: "
                "rows holding them make the change fail") if removed else None
        what = "remove values from" if removed else "reorder values of"
        self.emit("enum", Change("recreate_enum", new.schema, None, new.name, before=old, after=new,
                                 data_loss=loss, description=f"recreate enum {label} to {what} it"))

    def sequences(self) -> None:
        for seq in self.desired.sequences:
            old = next((s for s in self.actual.sequences if s.key == seq.key), None)
            label = qualified(seq.schema, seq.name)
            if old is None:
                self.emit("sequence", Change("create_sequence", seq.schema, None, seq.name, after=seq,
                                             description=f"create sequence {label}"))
                if seq.owned_by is not None and not self.owner_exists(seq):
                    self.emit("sequence_owner", Change(
                        "alter_sequence", seq.schema, None, seq.name, before=None, after=seq,
                        description=f"set owner of sequence {label} to {'.'.join(seq.owned_by)}"))
            elif old != seq:
                phase = "sequence" if seq.owned_by is None or self.owner_exists(seq) else "sequence_owner"
                self.emit(phase, Change("alter_sequence", seq.schema, None, seq.name, before=old, after=seq,
                                        description=f"alter sequence {label}"))
        for old in self.actual.sequences:
            if all(s.key != old.key for s in self.desired.sequences):
                self.emit("drop_sequence", Change("drop_sequence", old.schema, None, old.name, before=old,
                                                  description=f"drop sequence {qualified(old.schema, old.name)}"))

    def owner_exists(self, seq: Sequence) -> bool:
        """Whether OWNED BY can be said when the sequence is created (its column exists)."""
        assert seq.owned_by is not None
        table = self.actual.table(seq.owned_by[0], seq.owned_by[1])
        return table is not None and table.column(seq.owned_by[2]) is not None

    # tables

    def stated_table_source(self, table: Table) -> str | None:
        if table.renamed_from:
            return table.renamed_from
        for (schema, old), new in self.renames.tables.items():
            if schema == table.schema and new == table.name:
                return old
        return None

    def match_tables(self) -> None:
        # Schema.table scans the list: by key once here, or 1,000 tables cost 2M compares.
        actual = _by_key(self.actual.tables)
        desired = _by_key(self.desired.tables)
        claimed: set[tuple[str, str]] = set()
        for table in self.desired.tables:
            if table.key in actual:
                claimed.add(table.key)
        for table in self.desired.tables:
            same = actual.get(table.key)
            if same is not None:
                self.matched[table.key] = same
                continue
            source = self.stated_table_source(table)
            old = actual.get((table.schema, source)) if source else None
            if old is not None and old.key not in claimed and old.key not in desired:
                claimed.add(old.key)
                self.matched[table.key] = old
                self.table_renames[old.key] = table.name
                self.emit("rename", Change(
                    "rename_table", table.schema, None, table.name, before=old, after=table,
                    description=f"rename table {qualified(old.schema, old.name)} to {table.name}"))
            else:
                self.created.append(table)
        self.dropped = [t for t in self.actual.tables if t.key not in claimed]

    def create_tables(self) -> None:
        order, cyclic = self.creation_order(self.created)
        new_keys = {t.key for t in self.created}
        for table in order:
            label = qualified(table.schema, table.name)
            self.emit("create_table", Change("create_table", table.schema, None, table.name, after=table,
                                             description=f"create table {label}"))
            taken = {i.name for i in table.indexes if i.name}
            for fk in table.foreign_keys:
                target = (fk.ref_schema, fk.ref_table)
                late = target not in new_keys and target in self.matched and not self.target_key_exists(fk)
                if self.dialect.ddl_checks_foreign_keys and (id(fk) in cyclic or late):
                    self.add_constraint(table, fk, taken, new_table=True)
            for index in table.indexes:
                self.create_index(table, index, taken, new_table=True)
            if table.comment is not None:
                self.emit("comment", Change("set_comment", table.schema, table.name, "", after=table,
                                            description=f"set comment on table {label}"))
            for column in table.columns:
                if column.comment is not None:
                    self.emit("comment", Change(
                        "set_comment", table.schema, table.name, column.name, after=column,
                        description=f"set comment on column {label}.{column.name}"))

    @staticmethod
    def creation_order(tables: list[Table]) -> tuple[list[Table], set[int]]:
        """Tables in foreign-key dependency order (referenced first, else file order), and
        the ids of the FKs that point at a table of the set that comes later (cycles)."""
        pending = {t.key: t for t in tables}
        order: list[Table] = []
        cyclic: set[int] = set()
        while pending:
            ready = next((t for t in pending.values() if all(
                (fk.ref_schema, fk.ref_table) not in pending or (fk.ref_schema, fk.ref_table) == t.key
                for fk in t.foreign_keys)), None)
            table = ready or next(iter(pending.values()))
            for fk in table.foreign_keys:
                target = (fk.ref_schema, fk.ref_table)
                if target != table.key and target in pending:
                    cyclic.add(id(fk))
            del pending[table.key]
            order.append(table)
        return order, cyclic

    def target_key_exists(self, fk: ForeignKey) -> bool:
        """Whether the existing table a new FK references already has that key, so the FK
        can be written inside CREATE TABLE."""
        old = self.matched[(fk.ref_schema, fk.ref_table)]
        wanted = set(fk.ref_columns)
        if (fk.ref_schema, fk.ref_table, frozenset(wanted)) in self.dropped_keys():
            return False  # dropped before the table is created, added again after it
        keys = [set(old.primary_key.columns)] if old.primary_key else []
        keys += [set(u.columns) for u in old.uniques]
        keys += [set(i.columns) for i in old.indexes if i.unique and i.where is None]
        return wanted in keys

    def dropped_keys(self) -> set[tuple[str, str, frozenset[str]]]:
        """(schema, table, columns) of the primary keys, unique constraints and unique
        indexes this diff drops, named as after the renames."""
        keys = {(c.schema, c.table or "", frozenset(c.before.columns)) for c in self.phases["drop_constraint"]
                if isinstance(c.before, (PrimaryKey, Unique))}
        keys |= {(c.schema, c.table or "", frozenset(c.before.columns)) for c in self.phases["drop_index"]
                 if c.before.unique}
        return keys

    def refresh_dependent_fks(self) -> None:
        """PostgreSQL refuses to drop a key that a foreign key uses: such a foreign key is
        dropped before and added again after the key changes."""
        keys = self.dropped_keys()
        if not self.dialect.ddl_checks_foreign_keys or not keys:
            return
        for new in self.desired.tables:
            for old_fk, new_fk in self.kept_fks.get(new.key, []):
                if (old_fk.ref_schema, old_fk.ref_table, frozenset(old_fk.ref_columns)) not in keys:
                    continue
                self.drop_constraint(new, old_fk)
                label = qualified(new.schema, new.name)
                self.emit("add_fk", Change(
                    "add_constraint", new.schema, new.name, old_fk.name or "", after=new_fk,
                    lock=self.dialect.add_constraint_lock(new, new_fk),
                    description=f"add {describe_constraint(new_fk)} on {label} again (its key is replaced)"))

    def depends_on_dropped_key(self, fk: ForeignKey, keys: set[tuple[str, str, frozenset[str]]]) -> bool:
        """For a foreign key of a table this diff drops (named as the database has it)."""
        target = (fk.ref_schema, self.table_renames.get((fk.ref_schema, fk.ref_table), fk.ref_table))
        renamed = self.column_renames.get(target, {})
        return (*target, frozenset(renamed.get(c, c) for c in fk.ref_columns)) in keys

    def drop_tables(self) -> None:
        order, cyclic = self.creation_order(self.dropped)
        keys = self.dropped_keys() if self.dialect.ddl_checks_foreign_keys else set()
        for table in reversed(order):
            for fk in table.foreign_keys:
                if self.depends_on_dropped_key(fk, keys):
                    self.drop_constraint(table, fk)
                elif self.dialect.ddl_checks_foreign_keys and id(fk) in cyclic:
                    self.emit("drop_table_fk", Change(
                        "drop_constraint", table.schema, table.name, fk.name or "", before=fk,
                        description=f"drop {describe_constraint(fk)} on {qualified(table.schema, table.name)}"))
        for table in reversed(order):
            label = qualified(table.schema, table.name)
            self.emit("drop_table", Change("drop_table", table.schema, None, table.name, before=table,
                                           data_loss=f"drops table {label} and all its rows",
                                           description=f"drop table {label}"))

    def table_rename_candidates(self) -> None:
        paired: set[str] = set()
        for drop in self.phases["drop_table"]:
            shape = [(c.name, c.type) for c in drop.before.columns]
            for create in self.phases["create_table"]:
                if (create.schema == drop.schema and create.name not in paired
                        and [(c.name, c.type) for c in create.after.columns] == shape):
                    paired.add(create.name)
                    drop.rename_candidate = create.name
                    create.rename_candidate = drop.name
                    break

    # one table present on both sides

    def as_renamed(self, old: Table, new: Table) -> Table:
        """The actual table as the database will hold it after the renames ran: the
        database carries renames into keys, references and index definitions."""
        if not self.table_renames and not self.column_renames:
            return old  # nothing is renamed: the database keeps it as it is
        own = self.column_renames.get(new.key, {})

        def cols(names: list[str], renamed: dict[str, str] = own) -> list[str]:
            return [renamed.get(n, n) for n in names]

        def fk(f: ForeignKey) -> ForeignKey:
            target = (f.ref_schema, self.table_renames.get((f.ref_schema, f.ref_table), f.ref_table))
            return dataclasses.replace(f, columns=cols(f.columns), ref_table=target[1],
                                       ref_columns=cols(f.ref_columns, self.column_renames.get(target, {})))

        def element(text: str) -> str:
            m = _LEADING_IDENT.match(text)
            if not m or m.group(2).lstrip().startswith("("):
                return text
            ident = m.group(1)
            name = ident[1:-1].replace('""', '"') if ident.startswith('"') else ident
            if name not in own:
                return text
            return self.dialect.quote_ident(own[name]) + m.group(2)

        def expression(text: str | None) -> str | None:
            return self.dialect.rename_columns(text, own) if text and own else text

        pk = old.primary_key
        return dataclasses.replace(
            old, name=new.name,
            primary_key=dataclasses.replace(pk, columns=cols(pk.columns)) if pk else None,
            uniques=[dataclasses.replace(u, columns=cols(u.columns)) for u in old.uniques],
            foreign_keys=[fk(f) for f in old.foreign_keys],
            checks=[dataclasses.replace(c, expression=expression(c.expression)) for c in old.checks],
            indexes=[dataclasses.replace(i, columns=[element(e) for e in i.columns],
                                         include=[element(e) for e in i.include], where=expression(i.where))
                     for i in old.indexes])

    def table(self, old: Table, new: Table) -> None:
        label = qualified(new.schema, new.name)
        matched = {kind: match_objects(getattr(old, kind), getattr(new, kind))
                   for kind in ("uniques", "checks", "foreign_keys", "indexes")}
        # Names PostgreSQL would find in use when it names a new constraint: those kept,
        # and those the file gives (drops run first).
        taken = {a.name for pairs, _, _ in matched.values() for a, _ in pairs if a.name}
        taken |= {o.name for kind in ("uniques", "checks", "foreign_keys", "indexes")
                  for o in getattr(new, kind) if o.name}
        if new.primary_key and new.primary_key.name:
            taken.add(new.primary_key.name)
        self.primary_key(old, new, taken)
        self.kept_fks[new.key] = matched["foreign_keys"][0]
        for kind in ("uniques", "checks", "foreign_keys"):
            _, gone, fresh = matched[kind]
            for obj in gone:
                self.drop_constraint(new, obj)
            for obj in fresh:
                self.add_constraint(new, obj, taken, new_table=False)
        _, gone, fresh = matched["indexes"]
        for index in gone:
            self.emit("drop_index", Change("drop_index", new.schema, new.name, index.name or "", before=index,
                                           description=f"drop index {index.name} on {label}"))
        for index in fresh:
            self.create_index(new, index, taken, new_table=False)
        if old.comment != new.comment:
            self.emit("comment", Change("set_comment", new.schema, new.name, "", before=old, after=new,
                                        description=f"set comment on table {label}"))
        options = [(name, getattr(new, attr)) for name, attr in self.dialect.table_options
                   if getattr(old, attr) != getattr(new, attr)]
        if options:
            what = ", ".join(f"{'set' if on else 'drop'} {name}" for name, on in options)
            self.emit("alter_column", Change("alter_table", new.schema, new.name, "", before=old, after=new,
                                             description=f"alter table {label}: {what} (rebuilds the table)"))

    def stated_column_source(self, table: Table, column: Column) -> str | None:
        if column.renamed_from:
            return column.renamed_from
        for (schema, tname, old), new in self.renames.columns.items():
            if schema == table.schema and tname == table.name and new == column.name:
                return old
        return None

    def columns(self, old: Table, new: Table) -> None:
        label = qualified(new.schema, new.name)
        have: dict[str, Column] = {}
        for c in old.columns:
            have.setdefault(c.name, c)  # the first, as Table.column finds it
        claimed = {c.name for c in new.columns if c.name in have}
        added: list[Change] = []
        for column in new.columns:
            before = have.get(column.name)
            if before is None:
                source = self.stated_column_source(new, column)
                candidate = have.get(source) if source else None
                if candidate is not None and source not in claimed and new.column(candidate.name) is None:
                    claimed.add(candidate.name)
                    before = candidate
                    self.column_renames.setdefault(new.key, {})[candidate.name] = column.name
                    self.emit("rename", Change(
                        "rename_column", new.schema, new.name, column.name, before=candidate, after=column,
                        description=f"rename column {label}.{candidate.name} to {column.name}"))
            if before is None:
                added.append(self.emit("add_column", Change(
                    "add_column", new.schema, new.name, column.name, after=column,
                    lock=self.dialect.add_column_lock(new, column),
                    description=f"add column {label}.{column.name} {column.type}")))
                if column.comment is not None:
                    self.emit("comment", Change("set_comment", new.schema, new.name, column.name, after=column,
                                                description=f"set comment on column {label}.{column.name}"))
                continue
            self.column(new, before, column)
        for column in old.columns:
            if column.name in claimed:
                continue
            drop = self.emit("drop_column", Change(
                "drop_column", new.schema, new.name, column.name, before=column,
                data_loss=f"drops column {label}.{column.name} and its values",
                description=f"drop column {label}.{column.name}"))
            partner = next((a for a in added if a.rename_candidate is None and a.after.type == column.type), None)
            if partner is not None:
                partner.rename_candidate = column.name
                drop.rename_candidate = partner.name

    def enums_managed(self) -> set[tuple[str, str]]:
        return {(e.schema, e.name) for e in (*self.actual.enums, *self.desired.enums)}

    def column(self, table: Table, old: Column, new: Column) -> None:
        label = f"{qualified(table.schema, table.name)}.{new.name}"
        parts: list[str] = []
        losses: list[str] = []
        type_differs = not self.dialect.same_type(old.type, new.type, self.enums_managed())
        if type_differs or old.collation != new.collation:
            parts.append(f"type {old.type} -> {new.type}" if type_differs else f"collation -> {new.collation}")
            loss = self.dialect.type_change_loss(old.type, new.type) if type_differs else None
            if loss is not None:
                losses.append(f"changes type of {label} from {old.type} to {new.type}: {loss}")
        if old.nullable != new.nullable:
            parts.append("drop not null" if new.nullable else "set not null")
        if not self.dialect.same_default(old, self.actual, new, self.desired, table.schema):
            parts.append(f"default {new.default}" if new.default is not None else "drop default")
        if old.identity != new.identity:
            parts.append("identity" if new.identity is not None else "drop identity")
        if old.generated != new.generated or (new.generated and old.generated_stored != new.generated_stored):
            parts.append(f"generated as ({new.generated})" if new.generated else "drop expression")
            if new.generated and not old.generated:
                losses.append(f"replaces the values of {label} with the generated expression")
        if parts:
            locks = self.dialect.alter_column_locks(table, old, new, type_differs)
            self.emit("alter_column", Change(
                "alter_column", table.schema, table.name, new.name, before=old, after=new,
                data_loss="; ".join(losses) or None, lock="; ".join(locks) or None,
                description=f"alter column {label}: {', '.join(parts)}"))
        if old.comment != new.comment:
            self.emit("comment", Change("set_comment", table.schema, table.name, new.name, before=old, after=new,
                                        description=f"set comment on column {label}"))

    def primary_key(self, old: Table, new: Table, taken: set[str]) -> None:
        a, d = old.primary_key, new.primary_key
        if a is None and d is None:
            return
        if a is not None and d is not None and a.columns == d.columns and (d.name is None or d.name == a.name):
            return
        if a is not None:
            self.drop_constraint(new, a)
        if d is not None:
            self.add_constraint(new, d, taken, new_table=False)

    def drop_constraint(self, table: Table, obj: Any) -> None:
        label = qualified(table.schema, table.name)
        phase = "drop_fk" if isinstance(obj, ForeignKey) else "drop_constraint"
        # a constraint SQLite keeps without a name is named by its shape: change ids must
        # tell two of them apart (the editor pushes or fixes one change by its id)
        self.emit(phase, Change("drop_constraint", table.schema, table.name, obj.name or describe_constraint(obj),
                                before=obj,
                                description=f"drop {describe_constraint(obj)} on {label}"))

    def add_constraint(self, table: Table, obj: Any, taken: set[str], new_table: bool) -> None:
        label = qualified(table.schema, table.name)
        name = obj.name or self.dialect.default_constraint_name(table, obj, taken)
        phase = {PrimaryKey: "add_key", Unique: "add_key", Check: "add_check", ForeignKey: "add_fk"}[type(obj)]
        lock = None if new_table else self.dialect.add_constraint_lock(table, obj)
        self.emit(phase, Change("add_constraint", table.schema, table.name, name, after=obj, lock=lock,
                                description=f"add {describe_constraint(obj)} on {label}"))

    def create_index(self, table: Table, index: Index, taken: set[str], new_table: bool) -> None:
        label = qualified(table.schema, table.name)
        name = index.name or self.dialect.default_constraint_name(table, index, taken)
        lock = None if new_table else self.dialect.create_index_lock(table, index)
        what = "unique index" if index.unique else "index"
        named = f" {index.name}" if index.name else ""
        self.emit("create_index", Change(
            "create_index", table.schema, table.name, name, after=index, lock=lock,
            description=f"create {what}{named} on {label} ({', '.join(index.columns)})"))


def _pair_hit(old: Table, new: Table, context: Any, older: _PairMemo, newer: _PairMemo) -> _Pair | None:
    """The last comparison of this pair of tables, if one of the last two diffs made it."""
    hit = newer.get((id(old), id(new))) or older.get((id(old), id(new)))
    return hit if hit is not None and hit.old is old and hit.new is new and hit.context == context else None


def _copies(emitted: list[tuple[str, Change]]) -> list[tuple[str, Change]]:
    return [(phase, copy.copy(change)) for phase, change in emitted]


def _by_key(tables: list[Table]) -> dict[tuple[str, str], Table]:
    """Tables by (schema, name); the first of a duplicated key, as Schema.table finds it."""
    found: dict[tuple[str, str], Table] = {}
    for table in tables:
        found.setdefault(table.key, table)
    return found


def match_objects(actual: list[Any], desired: list[Any]) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair constraints or indexes: named ones by name (same name, other shape: drop and
    add), unnamed ones by shape. An actual object without a name (SQLite cannot always
    tell) is matched by shape too. Returns (pairs, actual only, desired only)."""
    left = list(actual)
    pairs: list[tuple[Any, Any]] = []
    fresh: list[Any] = []
    gone: list[Any] = []
    unnamed: list[Any] = []

    def take(pred: Callable[[Any], bool]) -> Any:
        for i, obj in enumerate(left):
            if pred(obj):
                return left.pop(i)
        return None

    for obj in desired:
        if obj.name is None:
            unnamed.append(obj)
            continue
        same = take(lambda a: a.name == obj.name)
        if same is None:
            same = take(lambda a: a.name is None and _same_shape(a, obj))
        if same is None:
            fresh.append(obj)
        elif same.name is not None and same != obj:  # found by name: the names are equal
            gone.append(same)
            fresh.append(obj)
        else:
            pairs.append((same, obj))
    for obj in unnamed:
        same = take(lambda a: _same_shape(a, obj))
        if same is None:
            fresh.append(obj)
        else:
            pairs.append((same, obj))
    gone.extend(left)
    position = {id(obj): i for i, obj in enumerate(desired)}
    fresh.sort(key=lambda obj: position[id(obj)])
    return pairs, gone, fresh
