"""Lint: what is risky about the changes and the schema, as plain findings.

`check` prints them (and lists them in `--json`) and the language server shows them as
diagnostics, so a rule lives here once and both front ends say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemalens.changes import Change, qualified
from schemalens.model import ForeignKey, Schema, Span, Table


@dataclass(frozen=True)
class Finding:
    code: str  # the README's section for it (### Lint)
    severity: Literal["warning", "info"]
    message: str
    span: Span | None = None
    change_id: str | None = None        # a change's finding goes where the change's drift goes
    table: tuple[str, str] | None = None  # (schema, table) the finding is about
    columns: tuple[str, ...] = ()


def lint(changes: list[Change], desired: Schema | None) -> list[Finding]:
    """Every finding of a check: the changes' own hazards, then the schema's."""
    found = [f for change in changes for f in change_findings(change, desired)]
    return found + (schema_findings(desired) if desired is not None else [])


def change_span(change: Change, desired: Schema | None) -> Span | None:
    """Where a change shows: its object's span, else its table's in the files (a dropped
    column has no span of its own)."""
    if change.span is not None or change.table is None or desired is None:
        return change.span
    table = desired.table(change.schema, change.table)
    return table.span if table is not None else None


def change_findings(change: Change, desired: Schema | None = None) -> list[Finding]:
    span = change_span(change, desired)
    found = []
    if change.data_loss:
        found.append(Finding("data-loss", "warning", f"push would lose data: {change.data_loss}", span, change.id))
    if change.lock:
        found.append(Finding("blocking-lock", "warning", f"push would lock: {change.lock}", span, change.id))
    if change.needs_using:
        found.append(Finding("needs-using", "warning", f"push cannot run this: {change.needs_using}", span,
                             change.id))
    if fills_no_rows(change):
        found.append(not_null_finding(change, desired))
    if schema_not_empty(change):
        found.append(schema_not_empty_finding(change, span))
    return found


def schema_not_empty(change: Change) -> bool:
    """A schema to drop that holds objects schemalens does not manage: DROP SCHEMA (never
    CASCADE) fails, so push refuses it before running anything."""
    return change.kind == "drop_schema" and bool(change.before.holds)


def schema_not_empty_finding(change: Change, span: Span | None = None) -> Finding:
    holds: tuple[str, ...] = change.before.holds
    listed = ", ".join(holds[:5]) + (f" and {len(holds) - 5} more" if len(holds) > 5 else "")
    return Finding("schema-not-empty", "warning",
                   f"schema {change.name} is no longer in the schema files, but it holds objects schemalens "
                   f"does not manage ({listed}): it is not dropped (never CASCADE); drop or move them "
                   f"first, or keep CREATE SCHEMA {change.name} in the files", span, change.id)


def fills_no_rows(change: Change) -> bool:
    """An added NOT NULL column with nothing to put in the rows the table already has: the
    database refuses it unless the table is empty (PostgreSQL's ADD COLUMN, SQLite's rebuild)."""
    column = change.after
    return (change.kind == "add_column" and not column.nullable
            and (column.default is None or column.default.strip().upper() == "NULL")
            and column.identity is None and column.generated is None)


def not_null_finding(change: Change, desired: Schema | None, rows: int | None = None) -> Finding:
    """The warning, with the fixes: said before anything runs, since the database only says it by failing.
    `rows`: how many the table holds, when counted."""
    table = qualified(change.schema, change.table or "")
    fails = (f"it fails: {table} holds {rows:,} row{'s' if rows != 1 else ''}" if rows is not None
             else f"it fails when {table} has rows")
    message = (f"adds NOT NULL column {table}.{change.name} without a default: {fails}. "
               f"Give it a DEFAULT (`{change.name} {change.after.type} NOT NULL DEFAULT ...`), or add it "
               "nullable, fill it in a custom migration (`schemalens generate --custom --name "
               f"backfill_{change.name}`) and make it NOT NULL after")
    return Finding("not-null-without-default", "warning", message, change_span(change, desired), change.id)


def schema_findings(schema: Schema) -> list[Finding]:
    return [Finding("fk-without-index", "info",
                    f"foreign key {qualified(table.schema, table.name)} ({', '.join(fk.columns)}) has no index on "
                    f"its columns: deleting or updating a row of {fk.ref_table} scans all of {table.name}",
                    fk.span or table.span, table=(table.schema, table.name), columns=tuple(fk.columns))
            for table, fk in unindexed_foreign_keys(schema)]


def unindexed_foreign_keys(schema: Schema) -> list[tuple[Table, ForeignKey]]:
    """Foreign keys whose referencing columns lead no index: deleting or updating a
    referenced row then scans the whole referencing table (and locks it longer)."""
    found = []
    for table in schema.tables:
        leads: list[list[str]] = [[_leading_word(c) for c in i.columns] for i in table.indexes if i.where is None]
        leads += [u.columns for u in table.uniques]
        if table.primary_key is not None:
            leads.append(table.primary_key.columns)
        for fk in table.foreign_keys:
            width = len(fk.columns)
            if not any(sorted(cols[:width]) == sorted(fk.columns) for cols in leads):
                found.append((table, fk))
    return found


def _leading_word(element: str) -> str:
    """The column of an index element (`name DESC`, `"Name" text_pattern_ops`)."""
    if element.startswith('"'):
        end = element.find('"', 1)
        return element[1:end] if end > 0 else element
    return element.split(" ", 1)[0]
