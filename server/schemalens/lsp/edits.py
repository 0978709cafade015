"""Workspace edits behind the quick fixes: write what the database has into the schema
file, or declare a rename (`-- @renamed from=old`, which both SQL sources read).

The database's side is written by the same renderer push uses, from the normalized
model, so the file afterwards diffs empty against the database for that object.

A column or constraint change edits only that element's text (column_edits,
constraint_edits), a comment its own COMMENT ON statement (comment_edits); the whole
CREATE TABLE is rewritten only when that cannot be done and the rewrite doubles or
orphans nothing.
"""

from __future__ import annotations

import dataclasses

from lsprotocol import types as lsp
from pygls import uris

from schemalens import dialects
from schemalens.changes import Change
from schemalens.lsp.analysis import CheckResult
from schemalens.lsp.column_edits import column_fix, rewrite_is_safe
from schemalens.lsp.comment_edits import comment_fix, stated_comments
from schemalens.lsp.constraint_edits import constraint_fix
from schemalens.lsp.file_text import statement_at, text_of
from schemalens.lsp.positions import utf16_column
from schemalens.model import Enum, Schema, Span, Table
from schemalens.workflows import is_models, renamed_directive, sql_between

_TABLE_SCOPED = {"add_column", "drop_column", "alter_column", "add_constraint", "drop_constraint", "set_comment"}


def _edit(path: str, range_: lsp.Range, new_text: str) -> lsp.WorkspaceEdit:
    uri = uris.from_fs_path(path) or path
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=range_, new_text=new_text)]})


def table_ddl(table: Table, dialect: str) -> str | None:
    """CREATE TABLE (with comments) for the table, its indexes left out: those are
    statements of their own in a schema file and have their own drift."""
    bare = dataclasses.replace(table, indexes=[])
    return sql_between(Schema(dialect), Schema(dialect, tables=[bare]))


def index_ddl(table: Table, index_name: str, dialect: str) -> str | None:
    index = next((i for i in table.indexes if i.name == index_name), None)
    if index is None:
        return None
    bare = dataclasses.replace(table, indexes=[])
    return sql_between(Schema(dialect, tables=[bare]), Schema(dialect, tables=[dataclasses.replace(
        table, indexes=[index])]))


def enum_ddl(enum: Enum, dialect: str) -> str | None:
    return sql_between(Schema(dialect), Schema(dialect, enums=[enum]))


def _unstated_comments(result: CheckResult, have: Table, want: Table) -> Table:
    """The database's table without the comments the file states in COMMENT ON
    statements of its own: the rewrite would double them (and where they differ, the
    file's later statement wins anyway; that drift has its own fix)."""
    stated = stated_comments(result, want) if dialects.get(result.desired.dialect).comment_statements else {}
    if not stated:
        return have
    columns = [dataclasses.replace(c, comment=None) if c.name in stated else c for c in have.columns]
    return dataclasses.replace(have, columns=columns, comment=None if "" in stated else have.comment)


def update_from_database(result: CheckResult, change: Change) -> lsp.WorkspaceEdit | None:
    """Rewrite the object's DDL in the file to what the database has (insert it when only
    the database has it; delete it when only the file has it)."""
    actual, desired = result.actual, result.desired
    if actual is None or desired is None or result.database != "ok":
        return None
    if any(is_models(path) for path in result.snapshot.files):
        return None  # this writes SQL: SQLAlchemy models are the user's to edit
    dialect = desired.dialect
    if change.kind in _TABLE_SCOPED and change.table is not None:
        have, want = actual.table(change.schema, change.table), desired.table(change.schema, change.table)
        if have is None or want is None:
            return None
        if change.kind == "set_comment":  # a rewrite leaves the file's own COMMENT ON in force
            return comment_fix(result, change, have, want)
        fixer = constraint_fix if change.kind in ("add_constraint", "drop_constraint") else column_fix
        precise = fixer(result, change, have, want)
        if precise is not None or not rewrite_is_safe(result, have, want):
            return precise
        return _replace_statement(result, want.span, table_ddl(_unstated_comments(result, have, want), dialect))
    if change.kind == "drop_index" and change.table is not None:
        have, want = actual.table(change.schema, change.table), desired.table(change.schema, change.table)
        if have is None or want is None:
            return None
        return _insert_after_statement(result, want.span, index_ddl(have, change.before.name, dialect))
    if change.kind in ("create_index", "create_table", "create_enum"):
        return _replace_statement(result, change.span, "")
    if change.kind in ("add_enum_value", "recreate_enum"):
        have = actual.enum(change.schema, change.after.name)
        return _replace_statement(result, change.span, enum_ddl(have, dialect) if have else None)
    if change.kind == "drop_table":
        return _append(result, table_ddl(change.before, dialect))
    if change.kind == "drop_enum":
        return _append(result, enum_ddl(change.before, dialect))
    return None


def _replace_statement(result: CheckResult, span: Span | None, ddl: str | None) -> lsp.WorkspaceEdit | None:
    found = statement_at(result, span) if ddl is not None else None
    if found is None:
        return None
    text, start, end = found
    if not ddl:  # deleting: take the line break after it too, so no blank line stays
        end += 1 if text.text[end:end + 1] == "\n" else 0
    return _edit(text.path, text.range(start, end), ddl)


def _insert_after_statement(result: CheckResult, span: Span | None, ddl: str | None) -> lsp.WorkspaceEdit | None:
    found = statement_at(result, span) if ddl is not None else None
    if found is None:
        return None
    text, _, end = found
    at = text.position(end)
    return _edit(text.path, lsp.Range(start=at, end=at), "\n" + ddl)


def _append(result: CheckResult, ddl: str | None) -> lsp.WorkspaceEdit | None:
    files = result.snapshot.files
    if ddl is None or not files:
        return None
    text = text_of(result, files[0])
    if text is None:
        return None
    at = text.position(len(text.text))
    prefix = "" if not text.text or text.text.endswith("\n\n") else ("\n" if text.text.endswith("\n") else "\n\n")
    return _edit(text.path, lsp.Range(start=at, end=at), prefix + ddl + "\n")


def declare_rename(result: CheckResult, change: Change) -> tuple[str, lsp.WorkspaceEdit] | None:
    """For the new side of a possible rename (an added table or column that looks like a
    dropped one): a `-- @renamed from=old` comment at the end of its line, where the SQL
    sources read it (`# @renamed from=old` in SQLAlchemy models). Offered only when
    nothing else starts later on that line."""
    if change.rename_candidate is None or result.desired is None:
        return None
    if change.kind in ("add_column", "create_table"):
        span, old = change.span, change.rename_candidate
    elif change.kind in ("drop_column", "drop_table"):
        new = _partner(result, change)
        if new is None:
            return None
        span, old = new.span, change.name
    else:
        return None
    if span is None:
        return None
    text = text_of(result, span.file)
    if text is None:
        return None
    line = text.lines[span.end_line] if span.end_line < len(text.lines) else ""
    rest = line[span.end_col:].strip()
    models = is_models(span.file)  # SQLAlchemy models: a Python comment
    comment = "#" if models else "--"
    if rest not in ("", "," if change.kind in ("add_column", "drop_column") else "(") \
            and not rest.startswith(comment):
        return None
    at = lsp.Position(line=span.end_line, character=utf16_column(line, len(line.rstrip())))
    return old, _edit(text.path, lsp.Range(start=at, end=at), f"{'  ' if models else ' '}{comment} {renamed_directive(old)}")


def _partner(result: CheckResult, change: Change) -> Change | None:
    """The add of a drop+add pair (its span is where the rename is declared)."""
    kind = "add_column" if change.kind == "drop_column" else "create_table"
    return next((c for c in result.changes if c.kind == kind and c.table == change.table
                 and c.schema == change.schema and c.name == change.rename_candidate), None)


def references_to(schema: Schema, table_schema: str, table_name: str) -> list[str]:
    """The foreign keys of other tables that point at a table, as `schema.table (columns)`:
    what would dangle if the table left the file."""
    found = []
    for table in schema.tables:
        if (table.schema, table.name) == (table_schema, table_name):
            continue
        for key in table.foreign_keys:
            if (key.ref_schema, key.ref_table) == (table_schema, table_name):
                found.append(f"{table.schema}.{table.name} ({', '.join(key.columns)})")
    return found
