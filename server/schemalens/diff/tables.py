"""Tables: matched by name or stated rename, created in foreign-key order, dropped last;
a table on both sides is compared as the database will hold it after the renames."""

from __future__ import annotations

import dataclasses
import re

from schemalens.changes import Change, Hazard, describe_constraint, qualified
from schemalens.diff.columns import column_statistics
from schemalens.diff.constraints import (
    add_constraint, comment, create_index, drop_constraint, drop_index, match_objects, primary_key, properties,
    rename_keys, renamed_pairs, target_name, validate_constraints,
)
from schemalens.diff.run import Run
from schemalens.model import ForeignKey, PrimaryKey, Table, Unique

_LEADING_IDENT = re.compile(r'^("(?:[^"]|"")*"|[^\W\d][\w$]*)(.*)$', re.S)


def _by_key(tables: list[Table]) -> dict[tuple[str, str], Table]:
    """Tables by (schema, name); the first of a duplicated key, as Schema.table finds it."""
    found: dict[tuple[str, str], Table] = {}
    for table in tables:
        found.setdefault(table.key, table)
    return found


def stated_table_source(run: Run, table: Table) -> str | None:
    if table.renamed_from:
        return table.renamed_from
    for (schema, old), new in run.renames.tables.items():
        if schema == table.schema and new == table.name:
            return old
    return None


def match_tables(run: Run) -> None:
    # Schema.table scans the list: by key once here, or 1,000 tables cost 2M compares.
    actual = _by_key(run.actual.tables)
    desired = _by_key(run.desired.tables)
    claimed: set[tuple[str, str]] = set()
    for table in run.desired.tables:
        if table.key in actual:
            claimed.add(table.key)
    for table in run.desired.tables:
        same = actual.get(table.key)
        if same is not None:
            run.matched[table.key] = same
            continue
        source = stated_table_source(run, table)
        old = actual.get((table.renamed_from_schema or table.schema, source)) if source else None
        if old is not None and old.key not in claimed and old.key not in desired:
            claimed.add(old.key)
            run.matched[table.key] = old
            run.table_renames[old.key] = table.key
            what = [f"move table {qualified(old.schema, old.name)} to schema {table.schema}"] \
                if old.schema != table.schema else []
            if old.name != table.name:
                what.append(f"rename table {qualified(table.schema, old.name)} to {table.name}")
            run.emit("rename", Change("rename_table", table.schema, None, table.name, before=old, after=table,
                                      description=", ".join(what)))
        else:
            run.created.append(table)
    run.dropped = [t for t in run.actual.tables if t.key not in claimed]


def create_tables(run: Run) -> None:
    order, cyclic = creation_order(run.created)
    new_keys = {t.key for t in run.created}
    for table in order:
        label = qualified(table.schema, table.name)
        run.emit("create_table", Change("create_table", table.schema, None, table.name, after=table,
                                        description=f"create table {label}"))
        taken = {i.name for i in table.indexes if i.name}
        for fk in table.foreign_keys:
            target = (fk.ref_schema, fk.ref_table)
            late = target not in new_keys and target in run.matched and not target_key_exists(run, fk)
            if run.dialect.ddl_checks_foreign_keys and (id(fk) in cyclic or late):
                add_constraint(run, table, fk, taken, new_table=True)
        for index in table.indexes:
            create_index(run, table, index, taken, new_table=True)
        for obj in (table.primary_key, *table.uniques, *table.checks, *table.foreign_keys):
            if obj is not None and obj.comment is not None and target_name(run, obj):
                comment(run, table, target_name(run, obj), None, obj)
        table_properties(run, None, table)
        if table.comment is not None:
            run.emit("comment", Change("set_comment", table.schema, table.name, "", after=table,
                                       description=f"set comment on table {label}"))
        for column in table.columns:
            column_statistics(run, table, None, column)
            if column.comment is not None:
                run.emit("comment", Change(
                    "set_comment", table.schema, table.name, column.name, after=column,
                    description=f"set comment on column {label}.{column.name}"))


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


def target_key_exists(run: Run, fk: ForeignKey) -> bool:
    """Whether the existing table a new FK references already has that key, so the FK
    can be written inside CREATE TABLE."""
    old = run.matched[(fk.ref_schema, fk.ref_table)]
    wanted = set(fk.ref_columns)
    if (fk.ref_schema, fk.ref_table, frozenset(wanted)) in dropped_keys(run):
        return False  # dropped before the table is created, added again after it
    keys = [set(old.primary_key.columns)] if old.primary_key else []
    keys += [set(u.columns) for u in old.uniques]
    keys += [set(i.columns) for i in old.indexes if i.unique and i.where is None]
    return wanted in keys


def dropped_keys(run: Run) -> set[tuple[str, str, frozenset[str]]]:
    """(schema, table, columns) of the primary keys, unique constraints and unique
    indexes this diff drops, named as after the renames."""
    keys = {(c.schema, c.table or "", frozenset(c.before.columns)) for c in run.phases["drop_constraint"]
            if isinstance(c.before, (PrimaryKey, Unique))}
    keys |= {(c.schema, c.table or "", frozenset(c.before.columns)) for c in run.phases["drop_index"]
             if c.before.unique}
    return keys


def refresh_dependent_fks(run: Run) -> None:
    """PostgreSQL refuses to drop a key that a foreign key uses: such a foreign key is
    dropped before and added again after the key changes."""
    keys = dropped_keys(run)
    if not run.dialect.ddl_checks_foreign_keys or not keys:
        return
    for new in run.desired.tables:
        for old_fk, new_fk in run.kept_fks.get(new.key, []):
            if (old_fk.ref_schema, old_fk.ref_table, frozenset(old_fk.ref_columns)) not in keys:
                continue
            drop_constraint(run, new, old_fk)
            # added again under the file's name: no rename of it is left to run
            run.phases["rename_key"] = [c for c in run.phases["rename_key"] if c.before is not old_fk]
            label = qualified(new.schema, new.name)
            run.emit("add_fk", Change(
                "add_constraint", new.schema, new.name, target_name(run, new_fk) or old_fk.name or "", after=new_fk,
                hazards=run.dialect.add_constraint_hazards(new, new_fk),
                description=f"add {describe_constraint(new_fk)} on {label} again (its key is replaced)"))


def depends_on_dropped_key(run: Run, fk: ForeignKey, keys: set[tuple[str, str, frozenset[str]]]) -> bool:
    """For a foreign key of a table this diff drops (named as the database has it)."""
    target = run.table_renames.get((fk.ref_schema, fk.ref_table), (fk.ref_schema, fk.ref_table))
    renamed = run.column_renames.get(target, {})
    return (*target, frozenset(renamed.get(c, c) for c in fk.ref_columns)) in keys


def drop_tables(run: Run) -> None:
    order, cyclic = creation_order(run.dropped)
    keys = dropped_keys(run) if run.dialect.ddl_checks_foreign_keys else set()
    # an index name the files give another table's index is free only once the old one is gone
    reused = {(t.schema, i.name) for t in run.desired.tables for i in t.indexes if i.name}
    for table in reversed(order):
        for index in table.indexes:
            if (table.schema, index.name) in reused:
                drop_index(run, table, index)
        for fk in table.foreign_keys:
            if depends_on_dropped_key(run, fk, keys):
                drop_constraint(run, table, fk)
            elif run.dialect.ddl_checks_foreign_keys and id(fk) in cyclic:
                run.emit("drop_table_fk", Change(
                    "drop_constraint", table.schema, table.name, fk.name or "", before=fk,
                    description=f"drop {describe_constraint(fk)} on {qualified(table.schema, table.name)}"))
    for table in reversed(order):
        label = qualified(table.schema, table.name)
        run.emit("drop_table", Change("drop_table", table.schema, None, table.name, before=table,
                                      hazards=(Hazard("data-loss", label, f"drops table {label} and all its rows"),),
                                       description=f"drop table {label}"))


def table_rename_candidates(run: Run) -> None:
    paired: set[str] = set()
    for drop in run.phases["drop_table"]:
        shape = [(c.name, c.type) for c in drop.before.columns]
        for create in run.phases["create_table"]:
            if (create.schema == drop.schema and create.name not in paired
                    and [(c.name, c.type) for c in create.after.columns] == shape):
                paired.add(create.name)
                drop.rename_candidate = create.name
                create.rename_candidate = drop.name
                break


def as_renamed(run: Run, old: Table, new: Table) -> Table:
    """The actual table as the database will hold it after the renames ran: the
    database carries renames into keys, references and index definitions."""
    if not run.table_renames and not run.column_renames:
        return old  # nothing is renamed: the database keeps it as it is
    own = run.column_renames.get(new.key, {})

    def cols(names: list[str], renamed: dict[str, str] = own) -> list[str]:
        return [renamed.get(n, n) for n in names]

    def fk(f: ForeignKey) -> ForeignKey:
        target = run.table_renames.get((f.ref_schema, f.ref_table), (f.ref_schema, f.ref_table))
        return dataclasses.replace(f, columns=cols(f.columns), ref_schema=target[0], ref_table=target[1],
                                   ref_columns=cols(f.ref_columns, run.column_renames.get(target, {})))

    def element(text: str) -> str:
        m = _LEADING_IDENT.match(text)
        if not m or m.group(2).lstrip().startswith("("):
            return text
        ident = m.group(1)
        name = ident[1:-1].replace('""', '"') if ident.startswith('"') else ident
        if name not in own:
            return text
        return run.dialect.quote_ident(own[name]) + m.group(2)

    def expression(text: str | None) -> str | None:
        return run.dialect.rename_columns(text, own) if text and own else text

    pk = old.primary_key
    return dataclasses.replace(
        old, schema=new.schema, name=new.name,
        primary_key=dataclasses.replace(pk, columns=cols(pk.columns)) if pk else None,
        uniques=[dataclasses.replace(u, columns=cols(u.columns)) for u in old.uniques],
        foreign_keys=[fk(f) for f in old.foreign_keys],
        checks=[dataclasses.replace(c, expression=expression(c.expression)) for c in old.checks],
        indexes=[dataclasses.replace(i, columns=[element(e) for e in i.columns],
                                     include=[element(e) for e in i.include], where=expression(i.where))
                 for i in old.indexes])


def compare_table(run: Run, old: Table, new: Table) -> None:
    label = qualified(new.schema, new.name)
    matched = {kind: match_objects(getattr(old, kind), getattr(new, kind), run.generated)
               for kind in ("uniques", "checks", "foreign_keys", "indexes")}
    # Names the database would find in use when it names a new constraint: those kept
    # (renamed first), and those the file gives (drops run first).
    taken = {target_name(run, d) or a.name for pairs, _, _ in matched.values() for a, d in pairs}
    taken |= {o.name for kind in ("uniques", "checks", "foreign_keys", "indexes")
              for o in getattr(new, kind) if o.name}
    if new.primary_key and new.primary_key.name:
        taken.add(new.primary_key.name)
    primary_key(run, old, new, taken)
    run.kept_fks[new.key] = renamed_pairs(run, new, matched["foreign_keys"][0])
    for kind in ("uniques", "checks", "foreign_keys"):
        pairs, gone, fresh = matched[kind]
        kept = run.kept_fks[new.key] if kind == "foreign_keys" else renamed_pairs(run, new, pairs)
        for obj in gone:
            drop_constraint(run, new, obj)
        for obj in fresh:
            add_constraint(run, new, obj, taken, new_table=False)
        validate_constraints(run, new, kept)
        properties(run, new, kept)
    _, gone, fresh = matched["indexes"]
    for index in gone:
        drop_index(run, new, index)
    properties(run, new, renamed_pairs(run, new, matched["indexes"][0]))
    for index in fresh:
        create_index(run, new, index, taken, new_table=False)
    rename_keys(run)
    if old.comment != new.comment:
        run.emit("comment", Change("set_comment", new.schema, new.name, "", before=old, after=new,
                                   description=f"set comment on table {label}"))
    table_properties(run, old, new)
    options = [(name, getattr(new, attr)) for name, attr in run.dialect.table_options
               if getattr(old, attr) != getattr(new, attr)]
    if options:
        what = ", ".join(f"{'set' if on else 'drop'} {name}" for name, on in options)
        run.emit("alter_column", Change("alter_table", new.schema, new.name, "", before=old, after=new,
                                        description=f"alter table {label}: {what} (rebuilds the table)"))


def table_properties(run: Run, old: Table | None, new: Table) -> None:
    """PostgreSQL's table properties, changed in place (a new table is created UNLOGGED and
    WITH its storage parameters). REPLICA IDENTITY USING INDEX is set again when this diff
    builds that index again."""
    label = qualified(new.schema, new.name)
    if old is not None and old.storage != new.storage:
        run.emit("alter_column", Change("set_storage", new.schema, new.name, "", before=old, after=new,
                                        description=f"set storage parameters of table {label}"))
    if old is not None and old.partition_by != new.partition_by:
        run.emit("alter_column", Change(
            "alter_table", new.schema, new.name, "", before=old, after=new,
            hazards=(Hazard("needs-using", label, f"table {label} is PARTITION BY {old.partition_by or '(none)'} "
                            f"in the database and {new.partition_by or '(none)'} in the files: that needs a "
                            "rebuild, which schemalens does not do (it would lose the rows); rebuild it by "
                            "hand"),),
            description=f"change PARTITION BY of table {label}"))
    if old is not None and old.unlogged != new.unlogged:
        run.emit("alter_column", Change(
            "set_persistence", new.schema, new.name, "", before=old, after=new,
            hazards=(Hazard("rewrite", label, f"rewrites table {label} under an ACCESS EXCLUSIVE lock"),),
            description=f"make table {label} {'unlogged' if new.unlogged else 'logged'}"))
    was = (old.row_security, old.force_row_security) if old is not None else (False, False)
    if was != (new.row_security, new.force_row_security):
        run.emit("alter_column", Change(
            "set_row_security", new.schema, new.name, "", before=old, after=new,
            description=f"set row level security of table {label}: "
                        f"{'enabled' if new.row_security else 'disabled'}, "
                        f"{'forced' if new.force_row_security else 'not forced'}"))
    identity = (new.replica_identity, new.replica_index)
    if identity != ((old.replica_identity, old.replica_index) if old is not None else ("default", None)) or (
            new.replica_identity == "index" and any(
                (c.schema, c.table, c.name) == (new.schema, new.name, new.replica_index)
                for phase in ("add_key", "create_index") for c in run.phases[phase])):
        run.emit("comment", Change(
            "set_replica_identity", new.schema, new.name, "", before=old, after=new,
            description=f"set replica identity of table {label} to {new.replica_identity}"
                        + (f" (index {new.replica_index})" if new.replica_index else "")))
