"""A second schema file from a first: the edits a developer makes between two pushes (add,
drop, rename with `@renamed`, defaults, NOT NULL, indexes, VALIDATE of a NOT VALID
constraint, a wider type), each one the file's author could write by hand."""

from __future__ import annotations

import copy

from hypothesis import strategies as st

from tests.ddl import model as m
from tests.ddl.names import COLUMN_WORDS, TABLE_WORDS, Names

_NEW_COLUMN = {"postgresql": [("text", None), ("integer", "0"), ("boolean", "true")],
               "sqlite": [("TEXT", None), ("INTEGER", "0"), ("REAL", None)]}
_NEW_DEFAULT = {"integer": "5", "text": "'y'", "varchar(40)": "'y'", "boolean": "true", "INTEGER": "5", "TEXT": "'y'"}
_WIDER = {"varchar(40)": "varchar(80)", "integer": "bigint", "varchar(64)": "varchar(100)"}


@st.composite
def evolved(draw: st.DrawFn, before: m.Model, features: frozenset[str]) -> m.Model:
    after = copy.deepcopy(before)
    edits = ["add_column", "drop_column", "set_default", "not_null", "drop_table"]
    if "indexes" in features:
        edits += ["add_index", "drop_index"]
    if "renames" in features:
        edits += ["rename_column", "rename_table", "rename_index"]
    if "not_valid" in features:
        edits.append("validate")
    if before.dialect == "postgresql":
        edits.append("widen")
    chosen = draw(st.lists(st.sampled_from(edits), min_size=1, max_size=3, unique=True))
    if "renames" in features and not {"rename_column", "rename_table"} & set(chosen):
        chosen.append("rename_column")
    for edit in chosen:
        _EDITS[edit](draw, after)
    return after


def _taken(model: m.Model) -> Names:
    names = Names()
    for table in model.tables:
        names.add(table.name)
        for index in table.indexes:
            if index.name:
                names.add(index.name)
    for obj in model.sequences + model.enums:
        names.add(obj.name)
    return names


def _uses(table: m.Table, column: str) -> bool:
    used = [table.primary_key.columns if table.primary_key else []]
    used += [k.columns for k in table.uniques] + [c.columns for c in table.checks]
    used += [fk.columns for fk in table.foreign_keys] + [i.columns + i.include for i in table.indexes]
    return any(column in names for names in used)


def _free_columns(model: m.Model, table: m.Table) -> list[m.Column]:
    """Columns nothing else names: safe to drop or retype."""
    targeted = {c for t in model.tables for fk in t.foreign_keys if fk.target == (table.schema, table.name)
                for c in fk.target_columns}
    owned = {s.owned_by for s in model.sequences if s.table == table.name and s.schema == table.schema}
    return [c for c in table.columns[1:] if not _uses(table, c.name) and c.name not in targeted
            and c.name not in owned and not c.sequence]


def _plain_tables(model: m.Model) -> list[m.Table]:
    return [t for t in model.tables if t.like is None and t.inherits is None and not model.referenced(t)] or [
        t for t in model.tables if t.like is None and t.inherits is None]


def _add_column(draw: st.DrawFn, model: m.Model) -> None:
    table = draw(st.sampled_from(_plain_tables(model)))
    names = Names()
    for column in table.columns:
        names.add(column.name)
    type_, default = draw(st.sampled_from(_NEW_COLUMN[model.dialect]))
    table.columns.append(m.Column(names.fresh(draw, ["added", "extra_info"], False), type_, default))


def _drop_column(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [(t, c) for t in _plain_tables(model) for c in _free_columns(model, t)]
    if candidates:
        table, column = draw(st.sampled_from(candidates))
        table.columns.remove(column)


def _set_default(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [c for t in model.tables if t.like is None for c in t.columns[1:] if c.plain and c.type in _NEW_DEFAULT]
    if candidates:
        column = draw(st.sampled_from(candidates))
        column.default = None if column.default is not None and draw(st.booleans()) else _NEW_DEFAULT[column.type]


def _not_null(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [c for t in model.tables for c in _free_columns(model, t) if not c.identity]
    if candidates:
        column = draw(st.sampled_from(candidates))
        column.not_null = not column.not_null


def _drop_table(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [t for t in model.tables if not model.referenced(t)]
    if len(model.tables) > 1 and candidates:
        table = draw(st.sampled_from(candidates))
        model.tables.remove(table)
        model.sequences = [s for s in model.sequences if (s.schema, s.table) != (table.schema, table.name)
                           or s.owned_by in (None, "NONE")]
        for sequence in model.sequences:
            if (sequence.schema, sequence.table) == (table.schema, table.name):
                sequence.owned_by, sequence.table = None, None


def _add_index(draw: st.DrawFn, model: m.Model) -> None:
    table = draw(st.sampled_from([t for t in model.tables if t.like is None]))
    column = table.columns[0]
    table.indexes.append(m.Index(_taken(model).fresh(draw, COLUMN_WORDS, False, "ix_new_"), "{0}", [column.name]))


def _drop_index(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [(t, i) for t in model.tables for i in t.indexes]
    if candidates:
        table, index = draw(st.sampled_from(candidates))
        table.indexes.remove(index)


def _rename_column(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [(t, c) for t in model.tables if t.like is None and t.inherits is None and not any(
        c.inherits == (t.schema, t.name) for c in model.tables) for c in t.columns if c.renamed_from is None]
    if not candidates:
        return
    table, column = draw(st.sampled_from(candidates))
    names = Names()
    for other in table.columns:
        names.add(other.name)
    old, column.name = column.name, names.fresh(draw, [w + "_new" for w in COLUMN_WORDS], draw(st.booleans()))
    column.renamed_from = old
    swap = lambda names: [column.name if n == old else n for n in names]  # noqa: E731
    for holder in [table.primary_key, *table.uniques, *table.checks, *table.foreign_keys]:
        if holder is not None:
            holder.columns = swap(holder.columns)
    for index in table.indexes:
        index.columns, index.include = swap(index.columns), swap(index.include)
    for other in model.tables:
        for fk in other.foreign_keys:
            if fk.target == (table.schema, table.name):
                fk.target_columns = swap(fk.target_columns)
    for sequence in model.sequences:
        if (sequence.schema, sequence.table) == (table.schema, table.name) and sequence.owned_by == old:
            sequence.owned_by = column.name


def _rename_table(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [t for t in model.tables if t.renamed_from is None]
    if not candidates:
        return
    table = draw(st.sampled_from(candidates))
    old = table.name
    table.name = _taken(model).fresh(draw, [w + "_renamed" for w in TABLE_WORDS], draw(st.booleans()))
    table.renamed_from = old
    for other in model.tables:
        for fk in other.foreign_keys:
            if fk.target == (table.schema, old):
                fk.target = (table.schema, table.name)
        if other.inherits == (table.schema, old):
            other.inherits = (table.schema, table.name)
        if other.like and other.like[:2] == (table.schema, old):
            other.like = (table.schema, table.name, other.like[2])
    for sequence in model.sequences:
        if (sequence.schema, sequence.table) == (table.schema, old):
            sequence.table = table.name


def _rename_index(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [i for t in model.tables for i in t.indexes if i.name and i.renamed_from is None]
    if candidates:
        index = draw(st.sampled_from(candidates))
        index.renamed_from, index.name = index.name, _taken(model).fresh(draw, COLUMN_WORDS, False, "ix_renamed_")


def _validate(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [c for t in model.tables for c in [*t.checks, *t.foreign_keys] if c.not_valid]
    if candidates:
        draw(st.sampled_from(candidates)).not_valid = False


def _widen(draw: st.DrawFn, model: m.Model) -> None:
    candidates = [c for t in _plain_tables(model) for c in _free_columns(model, t) if c.plain and c.type in _WIDER]
    if candidates:
        column = draw(st.sampled_from(candidates))
        column.type = _WIDER[column.type]


_EDITS = {name.removeprefix("_"): edit for name, edit in list(globals().items())
          if name.startswith("_") and callable(edit) and name not in ("_taken", "_uses", "_free_columns", "_plain_tables")}
