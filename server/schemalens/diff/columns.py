"""Columns of a table on both sides: stated renames, additions, drops (with a guess at a
rename for the front ends to offer) and alterations, each with what it costs."""

from __future__ import annotations

from schemalens.changes import Change, Hazard, qualified
from schemalens.diff.run import Run
from schemalens.model import Column, Table


def stated_column_source(run: Run, table: Table, column: Column) -> str | None:
    if column.renamed_from:
        return column.renamed_from
    for (schema, tname, old), new in run.renames.columns.items():
        if schema == table.schema and tname == table.name and new == column.name:
            return old
    return None


def compare_columns(run: Run, old: Table, new: Table) -> None:
    label = qualified(new.schema, new.name)
    have: dict[str, Column] = {}
    for c in old.columns:
        have.setdefault(c.name, c)  # the first, as Table.column finds it
    claimed = {c.name for c in new.columns if c.name in have}
    added: list[Change] = []
    for column in new.columns:
        before = have.get(column.name)
        if before is None:
            source = stated_column_source(run, new, column)
            candidate = have.get(source) if source else None
            if candidate is not None and source not in claimed and new.column(candidate.name) is None:
                claimed.add(candidate.name)
                before = candidate
                run.column_renames.setdefault(new.key, {})[candidate.name] = column.name
                run.emit("rename", Change(
                    "rename_column", new.schema, new.name, column.name, before=candidate, after=column,
                    description=f"rename column {label}.{candidate.name} to {column.name}"))
        if before is None:
            added.append(run.emit("add_column", Change(
                "add_column", new.schema, new.name, column.name, after=column,
                hazards=run.dialect.add_column_hazards(new, column),
                description=f"add column {label}.{column.name} {column.type}")))
            if column.comment is not None:
                run.emit("comment", Change("set_comment", new.schema, new.name, column.name, after=column,
                                           description=f"set comment on column {label}.{column.name}"))
            column_statistics(run, new, None, column)
            continue
        alter_column(run, new, before, column)
    for column in old.columns:
        if column.name in claimed:
            continue
        drop = run.emit("drop_column", Change(
            "drop_column", new.schema, new.name, column.name, before=column,
            hazards=(Hazard("data-loss", f"{label}.{column.name}", f"drops column {label}.{column.name} and its values"),),
            description=f"drop column {label}.{column.name}"))
        partner = next((a for a in added if a.rename_candidate is None and a.after.type == column.type), None)
        if partner is not None:
            partner.rename_candidate = column.name
            drop.rename_candidate = partner.name


def alter_column(run: Run, table: Table, old: Column, new: Column) -> None:
    label = f"{qualified(table.schema, table.name)}.{new.name}"
    parts: list[str] = []
    losses: list[Hazard] = []
    type_differs = not run.dialect.same_type(old.type, new.type, run.enums_managed())
    conversion = unfit = None
    if type_differs or old.collation != new.collation:
        parts.append(f"type {old.type} -> {new.type}" if type_differs else f"collation -> {new.collation}")
        loss = run.dialect.type_change_loss(old.type, new.type) if type_differs else None
        if loss is not None:
            losses.append(Hazard("data-loss", label, f"changes type of {label} from {old.type} to {new.type}: {loss}"))
            unfit = run.dialect.unfit_condition(run.dialect.quote_ident(new.name), old.type, new.type)
        if type_differs:
            conversion = run.dialect.type_conversion(old.type, new.type, run.enums_managed(), run.casts)
        if conversion == "none" and new.using is None:
            losses.append(Hazard("needs-using", label, f"no cast converts {label} from {old.type} to {new.type}: "
                                 f"say how in the schema file, as `-- @using: <an expression of {new.name} "
                                 f"giving {new.type}>` on the column's line"))
    if old.nullable != new.nullable:
        parts.append("drop not null" if new.nullable else "set not null")
    if not run.dialect.same_default(old, run.actual, new, run.desired, table.schema):
        parts.append(f"default {new.default}" if new.default is not None else "drop default")
    if old.identity != new.identity:
        parts.append("identity" if new.identity is not None else "drop identity")
    if old.generated != new.generated or (new.generated and old.generated_stored != new.generated_stored):
        parts.append(f"generated as ({new.generated})" if new.generated else "drop expression")
        if new.generated and not old.generated:
            losses.append(Hazard("data-loss", label, f"replaces the values of {label} with the generated expression"))
    if parts:
        run.emit("alter_column", Change(
            "alter_column", table.schema, table.name, new.name, before=old, after=new,
            hazards=(*losses, *run.dialect.alter_column_hazards(table, old, new, type_differs)),
            description=f"alter column {label}: {', '.join(parts)}", conversion=conversion, unfit=unfit))
    if old.comment != new.comment:
        run.emit("comment", Change("set_comment", table.schema, table.name, new.name, before=old, after=new,
                                   description=f"set comment on column {label}"))
    column_statistics(run, table, old, new)


def column_statistics(run: Run, table: Table, old: Column | None, new: Column) -> None:
    """PostgreSQL's statistics settings of a column, changed in place (on a new table or
    column: set after it is made)."""
    was = (old.statistics, old.statistics_options) if old is not None else (None, {})
    if was != (new.statistics, new.statistics_options):
        run.emit("alter_column", Change(
            "set_statistics", table.schema, table.name, new.name, before=old, after=new,
            description=f"set statistics of column {qualified(table.schema, table.name)}.{new.name}"))
