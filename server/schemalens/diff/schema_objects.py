"""Namespaces, extensions, enums and sequences: the objects tables depend on."""

from __future__ import annotations

import dataclasses

from schemalens.changes import Change, Hazard, qualified
from schemalens.diff.run import Run
from schemalens.model import Enum, Sequence


def namespaces(run: Run) -> None:
    have = {n.name: n for n in run.actual.namespaces}
    for ns in run.desired.namespaces:
        old = have.get(ns.name)
        if old is None and ns.name != run.dialect.default_schema:
            run.emit("create_schema", Change("create_schema", ns.name, None, ns.name, after=ns,
                                             description=f"create schema {ns.name}"))
        if (old.comment if old else None) != ns.comment:
            run.emit("comment", Change("set_comment", ns.name, None, "", before=old, after=ns,
                                       description=f"set comment on schema {ns.name}"))
    if not run.desired.namespaces:
        return  # the file does not manage namespaces: leave the database's alone
    want = {ns.name for ns in run.desired.namespaces}
    for ns in run.actual.namespaces:
        if ns.name in want or ns.name == run.dialect.default_schema:
            continue
        tables = [t.name for t in run.actual.tables if t.schema == ns.name]
        loss = (Hazard("data-loss", ns.name, f"drops schema {ns.name} with its tables {', '.join(tables)} "
                       "and all their rows"),) if tables else ()
        run.emit("drop_schema", Change("drop_schema", ns.name, None, ns.name, before=ns, hazards=loss,
                                       description=f"drop schema {ns.name}"))


def extensions(run: Run) -> None:
    """Create, move and update what the files name. Drop only when the files manage
    extensions (name at least one) and only those installed in a schema the files use:
    hosted PostgreSQL installs extensions of its own in schemas of its own (Supabase:
    `extensions`, `graphql`), and a file that lists none leaves every one alone. An
    extension whose types a column of the database uses is kept: DROP EXTENSION (never
    CASCADE) would fail, and the column's values would go with it."""
    have = {e.name: e for e in run.actual.extensions}
    for ext in run.desired.extensions:
        old = have.get(ext.name)
        if old is None:
            run.emit("create_extension", Change(
                "create_extension", ext.schema or "", None, ext.name, after=ext,
                description=f"create extension {ext.name}"))
            continue
        # A file that names no schema (no version) accepts the extension wherever it is (any version).
        what = [f"move it to schema {ext.schema}"] if ext.schema is not None and ext.schema != old.schema else []
        if ext.version is not None and ext.version != old.current_version:
            what.append(f"update it from version {old.current_version} to {ext.version}")
        if what:
            run.emit("create_extension", Change(
                "alter_extension", ext.schema or old.schema or "", None, ext.name, before=old, after=ext,
                description=f"alter extension {ext.name}: {', '.join(what)}"))
    if not run.desired.extensions:
        return
    wanted = {e.name for e in run.desired.extensions}
    used = {None} | {n.name for n in run.desired.namespaces} | {t.schema for t in run.desired.tables}
    for old in run.actual.extensions:
        if old.name in wanted or old.in_use or old.schema not in used:
            continue
        loss = Hazard("data-loss", old.name, f"drops extension {old.name} with everything it installed "
                      "(types, functions, operators, its own tables and their rows)")
        run.emit("drop_extension", Change("drop_extension", old.schema or "", None, old.name, before=old,
                                          hazards=(loss,), description=f"drop extension {old.name}"))


def enums(run: Run) -> None:
    for enum in run.desired.enums:
        old = run.actual.enum(enum.schema, enum.name)
        label = qualified(enum.schema, enum.name)
        if old is None:
            values = ", ".join(f"'{v}'" for v in enum.values)
            run.emit("enum", Change("create_enum", enum.schema, None, enum.name, after=enum,
                                    description=f"create enum {label} ({values})"))
        elif old.values != enum.values:
            enum_values(run, old, enum)
        if (old.comment if old else None) != enum.comment:
            run.emit("comment", Change("set_comment", enum.schema, None, enum.name, before=old, after=enum,
                                       description=f"set comment on type {label}"))
    for old in run.actual.enums:
        if run.desired.enum(old.schema, old.name) is None:
            run.emit("drop_enum", Change("drop_enum", old.schema, None, old.name, before=old,
                                         description=f"drop enum {qualified(old.schema, old.name)}"))


def enum_values(run: Run, old: Enum, new: Enum) -> None:
    label = qualified(new.schema, new.name)
    kept = [v for v in new.values if v in old.values]
    if kept == old.values:
        for value in new.values:
            if value not in old.values:
                run.emit("enum", Change("add_enum_value", new.schema, None, value, before=old, after=new,
                                        description=f"add value '{value}' to enum {label}"))
        return
    removed = [v for v in old.values if v not in new.values]
    loss = (Hazard("data-loss", label, f"removes value(s) {', '.join(repr(v) for v in removed)} from enum "
                   f"{label}: rows holding them make the change fail"),) if removed else ()
    what = "remove values from" if removed else "reorder values of"
    run.emit("enum", Change("recreate_enum", new.schema, None, new.name, before=old, after=new,
                            hazards=loss, description=f"recreate enum {label} to {what} it"))


def sequences(run: Run) -> None:
    """Listed sequences are compared with the other side's listed ones and with the ones
    its columns stand for (serial columns): a file that spells out a serial's sequence,
    or gives it options, alters the sequence the database has; a sequence a column of the
    file still draws from is never dropped."""
    actual = {s.key: s for s in run.actual_column_sequences}
    actual.update((s.key, s) for s in run.actual.sequences)
    by_columns = run.desired_column_sequences
    listed = {s.key for s in run.desired.sequences}
    for seq in run.desired.sequences:
        old = actual.get(seq.key)
        if old is None:
            run.emit("sequence", Change("create_sequence", seq.schema, None, seq.name, after=seq,
                                        description=f"create sequence {qualified(seq.schema, seq.name)}"))
            if seq.owned_by is not None and not owner_exists(run, seq):
                run.emit("sequence_owner", Change(
                    "alter_sequence", seq.schema, None, seq.name, before=None, after=seq,
                    description=f"set owner of sequence {qualified(seq.schema, seq.name)} to "
                                f"{'.'.join(seq.owned_by)}"))
        elif old != seq:
            alter_sequence(run, old, seq)
    for seq in by_columns:
        old = actual.get(seq.key)
        if old is not None and old != seq:
            alter_sequence(run, old, seq)
    wanted = listed | {s.key for s in by_columns}
    for old in run.actual.sequences:
        if old.key not in wanted:
            run.emit("drop_sequence", Change("drop_sequence", old.schema, None, old.name, before=old,
                                             description=f"drop sequence {qualified(old.schema, old.name)}"))


def serial_renames(run: Run) -> None:
    """A serial's or an identity's own sequence follows a rename of its table or column:
    PostgreSQL keeps the sequence's old name, while the file's database has the one it gets
    under the new names. (After the renames are known: match_tables, compare_tables.)"""
    old_table = {new: old for old, new in run.table_renames.items()}
    actual = run.actual_column_sequences + run.dialect.identity_sequences(run.actual)
    drawn = {s.owned_by: s for s in actual}
    taken = {s.key for s in run.actual.sequences} | {s.key for s in actual}
    for seq in run.desired_column_sequences + run.dialect.identity_sequences(run.desired):
        assert seq.owned_by is not None
        schema, table, column = seq.owned_by
        was_schema, was_table = old_table.get((schema, table), (schema, table))
        was_column = next((old for old, new in run.column_renames.get((schema, table), {}).items()
                           if new == column), column)
        old = drawn.get((was_schema, was_table, was_column))
        if old is None or (was_table, was_column) == (table, column) or seq.key in taken:
            continue
        moved = dataclasses.replace(old, schema=schema)  # SET SCHEMA took it along
        if moved.key != seq.key:
            run.emit("rename", Change("rename_sequence", schema, None, seq.name, before=moved, after=seq,
                                      description=f"rename sequence {qualified(schema, old.name)} to {seq.name} "
                                                  f"(the sequence of {qualified(schema, table)}.{column})"))


def alter_sequence(run: Run, old: Sequence, new: Sequence) -> None:
    phase = "sequence" if new.owned_by is None or owner_exists(run, new) else "sequence_owner"
    run.emit(phase, Change("alter_sequence", new.schema, None, new.name, before=old, after=new,
                           description=f"alter sequence {qualified(new.schema, new.name)}"))


def owner_exists(run: Run, seq: Sequence) -> bool:
    """Whether OWNED BY can be said when the sequence is created (its column exists)."""
    assert seq.owned_by is not None
    table = run.actual.table(seq.owned_by[0], seq.owned_by[1])
    return table is not None and table.column(seq.owned_by[2]) is not None
