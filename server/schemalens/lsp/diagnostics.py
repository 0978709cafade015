"""A check result -> LSP diagnostics per file, each with a stable code, a link to the
README section that explains it, and `data` that a code action can act on.

Drift is placed at the span of the object the schema file defines. Objects that exist
only in the database have no span: a column, constraint or index goes on its table's
name, a whole table (or enum, sequence, ...) on the first line of the first schema file,
and the message says what push would do to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from schemalens import lint
from schemalens.changes import Change, describe_constraint, qualified
from schemalens.urls import mask_url
from schemalens.history.state import APPLIED, EDITED, MODIFIED, OUT_OF_ORDER, PENDING, UNJOURNALED
from schemalens.lsp.analysis import CheckResult, MigrationInfo
from schemalens.lsp.positions import first_line_range, span_range, split_lines, utf16_column
from schemalens.model import Column, Index, Problem, Span

SOURCE = "schemalens"
# The README ships inside the package (a link to the project's README in a checkout, a copy
# in a wheel), so the link works offline and points at the version that is running.
README = (Path(__file__).resolve().parent.parent / "README.md").as_uri()

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}

# code -> README anchor (the "Diagnostics" section lists every code under its own heading)
DRIFT_CODES = {
    "create_table": "missing-table", "drop_table": "extra-table", "rename_table": "pending-rename",
    "add_column": "missing-column", "drop_column": "extra-column", "rename_column": "pending-rename",
    "alter_column": "column-differs", "set_statistics": "column-differs",
    "add_constraint": "missing-constraint", "drop_constraint": "extra-constraint",
    "create_index": "missing-index", "drop_index": "extra-index",
    "create_enum": "missing-enum", "drop_enum": "extra-enum",
    "add_enum_value": "enum-differs", "recreate_enum": "enum-differs",
    "create_schema": "missing-object", "create_extension": "missing-object",
    "create_sequence": "missing-object",
    "drop_sequence": "extra-object", "alter_sequence": "object-differs",
    "set_comment": "comment-differs",
    "drop_schema": "extra-object", "alter_extension": "object-differs", "drop_extension": "extra-object",
    "alter_table": "table-differs", "set_storage": "table-differs", "set_persistence": "table-differs",
    "set_row_security": "table-differs", "set_replica_identity": "table-differs",
    "create_definition": "missing-object", "drop_definition": "extra-object", "replace_definition": "object-differs",
}


def code_description(code: str) -> lsp.CodeDescription:
    return lsp.CodeDescription(href=f"{README}#{code}")


def diagnostic(code: str, severity: lsp.DiagnosticSeverity, message: str, range_: lsp.Range,
               data: dict[str, Any] | None = None) -> lsp.Diagnostic:
    return lsp.Diagnostic(range=range_, message=message, severity=severity, code=code, source=SOURCE,
                          code_description=code_description(code), data=data)


@dataclass
class Placed:
    """Where a finding goes: a file and a range in it."""

    file: str
    range: lsp.Range


class Locator:
    """Ranges for spans in the texts the check read (UTF-16 columns need the line text)."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.lines = {path: split_lines(text) for path, text in result.texts.items()}
        self.first_file = result.snapshot.files[0] if result.snapshot.files else ""

    def at(self, span: Span | None) -> Placed | None:
        if span is None or span.file not in self.lines:
            return None
        return Placed(span.file, span_range(span, self.lines[span.file]))

    def top(self) -> Placed:
        return Placed(self.first_file, first_line_range(self.lines.get(self.first_file, [])))

    def change(self, change: Change) -> Placed:
        """The object's own span; else its table in the file; else the top of the file."""
        return self.at(lint.change_span(change, self.result.desired)) or self.top()


def build(result: CheckResult) -> dict[str, list[lsp.Diagnostic]]:
    """Every diagnostic of a check, by file path (every schema file has an entry, so that
    files that became clean are cleared)."""
    out: dict[str, list[lsp.Diagnostic]] = {path: [] for path in result.snapshot.files}
    locate = Locator(result)

    def add(placed: Placed, diag: lsp.Diagnostic) -> None:
        out.setdefault(placed.file, []).append(diag)

    if result.source_error:
        add(locate.top(), diagnostic("schema-unreadable", lsp.DiagnosticSeverity.Error,
                                     result.source_error, locate.top().range))
    if result.source is not None:
        for problem in result.source.problems:
            placed = locate.at(problem.span) or locate.top()
            add(placed, problem_diagnostic(problem, placed.range))
    for finding in database_findings(result) + migration_findings(result):
        add(locate.top(), finding.at(locate.top().range))
    by_change: dict[str | None, list[lint.Finding]] = {}
    for finding in result.findings:
        by_change.setdefault(finding.change_id, []).append(finding)
    if result.database == "ok":
        for change in result.changes:
            placed = locate.change(change)
            add(placed, drift_diagnostic(change, result, placed.range))
            for finding in by_change.get(change.id, []):
                if finding.code not in FOLDED:
                    add(placed, lint_diagnostic(finding, placed.range))
    for finding in by_change.get(None, []):
        placed = locate.at(finding.span) if finding.span is not None else locate.top()  # file-wide: on top
        if placed is not None:
            add(placed, lint_diagnostic(finding, placed.range))
    return out


def problem_diagnostic(problem: Problem, range_: lsp.Range) -> lsp.Diagnostic:
    return diagnostic(problem.code, _SEVERITY[problem.severity], problem.message, range_,
                      {"kind": "problem"})


@dataclass
class Finding:
    code: str
    severity: lsp.DiagnosticSeverity
    message: str
    data: dict[str, Any]

    def at(self, range_: lsp.Range) -> lsp.Diagnostic:
        return diagnostic(self.code, self.severity, self.message, range_, self.data)


def database_findings(result: CheckResult) -> list[Finding]:
    """Exactly one finding when the database could not be compared."""
    if result.database == "unreachable":
        return [Finding("database-unreachable", lsp.DiagnosticSeverity.Warning,
                        f"{result.database_message}; drift is not shown until it is reachable",
                        {"kind": "database"})]
    if result.database == "error":
        return [Finding("database-error", lsp.DiagnosticSeverity.Error, result.database_message,
                        {"kind": "database"})]
    if result.database == "no-database":
        count = len(result.changes)
        more = f" ({count} change{'s' if count != 1 else ''})" if result.changes else ""
        return [Finding("no-database", lsp.DiagnosticSeverity.Information,
                        f"{result.database_message}{more}", {"kind": "database", "changeIds": []})]
    return []


# --- drift ----------------------------------------------------------------------------

# Lint findings about a change that its drift diagnostic states itself: one change, one
# warning (a database-only column gave both extra-column and data-loss).
FOLDED = {"data-loss"}


def drift_diagnostic(change: Change, result: CheckResult, range_: lsp.Range) -> lsp.Diagnostic:
    code = DRIFT_CODES.get(change.kind, "drift")
    data: dict[str, Any] = {"kind": "drift", "changeIds": [change.id], "change": change.kind}
    if change.rename_candidate:
        data["renameCandidate"] = change.rename_candidate
    if change.data_loss:
        data["dataLoss"] = change.data_loss
    return diagnostic(code, lsp.DiagnosticSeverity.Warning, drift_message(change), range_, data)


def drift_message(change: Change) -> str:
    message = _DESCRIBE.get(change.kind, _generic)(change)
    if change.data_loss and "(data loss)" not in message:
        message += f" (data loss: {change.data_loss})"
    if change.rename_candidate:
        message += (f" — possibly a rename of {change.rename_candidate}"
                    if change.kind in ("create_table", "add_column")
                    else f" — possibly renamed to {change.rename_candidate}")
    return message


def object_label(change: Change) -> str:
    """The changed object as messages and quick-fix titles name it."""
    if change.table is None:
        return qualified(change.schema, change.name) if change.schema else change.name
    return f"{qualified(change.schema, change.table)}.{change.name}"


def _table_label(change: Change) -> str:
    return qualified(change.schema, change.table or change.name)


def _generic(change: Change) -> str:
    return f"push would {change.description}"


def _column_sql(column: Column) -> str:
    parts = [column.type]
    if not column.nullable:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    return " ".join(parts)


def _alter_column(change: Change) -> str:
    old, new = change.before, change.after
    parts: list[str] = []
    if old.type != new.type:
        parts.append(f"database has `{old.type}`, schema says `{new.type}`")
    if old.collation != new.collation:
        parts.append(f"database collation `{old.collation or 'default'}`, schema says `{new.collation or 'default'}`")
    if old.nullable != new.nullable:
        parts.append("database allows NULL, schema says NOT NULL" if not new.nullable
                     else "database says NOT NULL, schema allows NULL")
    if old.default != new.default and "default" in change.description:
        parts.append(f"database default `{old.default}`, schema says `{new.default}`" if old.default and new.default
                     else f"database has no default, schema says `{new.default}`" if new.default
                     else f"database default `{old.default}`, schema has none")
    if old.identity != new.identity:
        parts.append("schema says identity, database has none" if new.identity and not old.identity
                     else "database has identity, schema has none" if old.identity and not new.identity
                     else "identity options differ")
    if old.generated != new.generated or old.generated_stored != new.generated_stored:
        parts.append(f"database generates `{old.generated}`, schema says `{new.generated}`" if new.generated
                     and old.generated else "schema says generated, database has a plain column"
                     if new.generated else "database generates the column, schema has a plain column")
    detail = "; ".join(parts) or change.description
    return f"column {object_label(change)}: {detail}"


def _drop_table(change: Change) -> str:
    return (f"table {object_label(change)} exists only in the database: push drops it and all its rows "
            "(data loss)")


def _drop_column(change: Change) -> str:
    return (f"column {object_label(change)} ({_column_sql(change.before)}) exists only in the database: "
            "push drops it and its values (data loss)")


def _constraint_text(obj: Any) -> str:
    named = f"{obj.name} " if getattr(obj, "name", None) else ""
    return named + describe_constraint(obj)


def _index_text(index: Index) -> str:
    what = "unique index" if index.unique else "index"
    named = f" {index.name}" if index.name else ""
    where = f" WHERE {index.where}" if index.where else ""
    method = f" USING {index.method}" if index.method != "btree" else ""
    return f"{what}{named}{method} ({', '.join(index.columns)}){where}"


def _enum_values(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_DESCRIBE: dict[str, Any] = {
    "create_table": lambda c: f"table {object_label(c)} does not exist in the database: push creates it",
    "drop_table": _drop_table,
    "rename_table": lambda c: f"push renames table {qualified(c.schema, c.before.name)} to {c.name}",
    "add_column": lambda c: (f"column {object_label(c)} ({_column_sql(c.after)}) does not exist in the database: "
                             "push adds it"),
    "drop_column": _drop_column,
    "rename_column": lambda c: f"push renames column {qualified(_table_label(c), c.before.name)} to {c.name}",
    "alter_column": _alter_column,
    "add_constraint": lambda c: (f"{_constraint_text(c.after)} does not exist on {_table_label(c)} "
                                 "in the database: push adds it"),
    "drop_constraint": lambda c: (f"{_constraint_text(c.before)} exists only in the database on "
                                  f"{_table_label(c)}: push drops it"),
    "create_index": lambda c: (f"{_index_text(c.after)} does not exist on {_table_label(c)} in the database: "
                               "push creates it"),
    "drop_index": lambda c: (f"{_index_text(c.before)} exists only in the database on {_table_label(c)}: "
                             "push drops it"),
    "create_enum": lambda c: (f"enum {object_label(c)} {_enum_values(c.after.values)} does not exist in the "
                              "database: push creates it"),
    "drop_enum": lambda c: (f"enum {object_label(c)} {_enum_values(c.before.values)} exists only in the database: "
                            "push drops it"),
    "add_enum_value": lambda c: (f"enum {qualified(c.schema, c.after.name)}: database has "
                                 f"{_enum_values(c.before.values)}, schema says {_enum_values(c.after.values)}"
                                 f" (push adds '{c.name}')"),
    "recreate_enum": lambda c: (f"enum {object_label(c)}: database has {_enum_values(c.before.values)}, schema says "
                                f"{_enum_values(c.after.values)}"),
    "set_comment": lambda c: (f"comment differs: database has {_quote(getattr(c.before, 'comment', None))}, "
                              f"schema says {_quote(getattr(c.after, 'comment', None))}"),
}


def _quote(text: str | None) -> str:
    return "none" if text is None else f"'{text}'"


# --- lint -------------------------------------------------------------------------------


def lint_diagnostic(finding: lint.Finding, range_: lsp.Range) -> lsp.Diagnostic:
    data: dict[str, Any] = {"kind": "lint"}
    if finding.change_id is not None:
        data["changeIds"] = [finding.change_id]
    if finding.table is not None:
        data |= {"table": list(finding.table), "columns": list(finding.columns)}
    return diagnostic(finding.code, _SEVERITY[finding.severity], finding.message, range_, data)


# --- migrations ----------------------------------------------------------------------


def migration_findings(result: CheckResult) -> list[Finding]:
    """On the schema file: what the migrations say about it."""
    info = result.migrations
    if info is None:
        return []
    if info.problem:
        return [Finding("migrations-problem", lsp.DiagnosticSeverity.Warning, info.problem, {"kind": "migrations"})]
    found = []
    if info.ahead:
        count = len(info.ahead)
        found.append(Finding(
            "migration-needed", lsp.DiagnosticSeverity.Information,
            f"the schema is {count} change{'s' if count != 1 else ''} ahead of the last migration: "
            f"generate a migration ({'; '.join(c.description for c in info.ahead[:3])}"
            f"{'; ...' if count > 3 else ''})",
            {"kind": "migrations", "changeIds": [c.id for c in info.ahead]}))
    if info.assessment is not None:
        pending = info.assessment.pending
        if pending:
            found.append(Finding(
                "migrations-pending", lsp.DiagnosticSeverity.Information,
                f"{len(pending)} migration{'s' if len(pending) != 1 else ''} not applied to "
                f"{mask_url(result.settings.database_url)}: {', '.join(e.tag for e in pending)}",
                {"kind": "migrations", "pending": [e.tag for e in pending]}))
        for problem in info.assessment.problems:
            found.append(Finding("migrations-problem", lsp.DiagnosticSeverity.Warning, problem,
                                 {"kind": "migrations"}))
    return found


@dataclass
class MigrationFailure:
    """Where the database stopped a migration, kept until the next run of migrate."""

    path: str
    line: int  # 1-based, as the migrations module reports it
    col: int
    message: str


_STATE_DIAGNOSTIC = {
    APPLIED: ("migration-applied", lsp.DiagnosticSeverity.Hint),
    PENDING: ("migration-pending", lsp.DiagnosticSeverity.Information),
    EDITED: ("migration-edited", lsp.DiagnosticSeverity.Error),
    MODIFIED: ("migration-modified", lsp.DiagnosticSeverity.Warning),
    OUT_OF_ORDER: ("migration-out-of-order", lsp.DiagnosticSeverity.Warning),
    UNJOURNALED: ("migration-unjournaled", lsp.DiagnosticSeverity.Warning),
}


def migration_files(info: MigrationInfo | None, failures: dict[str, MigrationFailure],
                    database: str) -> dict[str, list[lsp.Diagnostic]]:
    """On each migration file: applied (when, how long), pending, edited after apply,
    and the database's error at its line when the last run failed there."""
    if info is None or info.assessment is None:
        return {}
    out: dict[str, list[lsp.Diagnostic]] = {}
    for state in info.assessment.states:
        path = info.folder.up_path(state.tag)
        if state.state not in _STATE_DIAGNOSTIC or not path.is_file():
            continue
        code, severity = _STATE_DIAGNOSTIC[state.state]
        message = state.detail
        if state.state == APPLIED and state.applied is not None:
            message = (f"applied to {database} at {state.applied.applied_at} "
                       f"({state.applied.execution_ms} ms, {state.applied.method})")
        elif state.state == PENDING:
            message = f"pending: not applied to {database} yet (run pending migrations)"
        lines = split_lines(_read(path))
        out.setdefault(str(path), []).append(diagnostic(
            code, severity, message, first_line_range(lines), {"kind": "migration", "tag": state.tag}))
    for path, failure in failures.items():
        lines = split_lines(_read(Path(path)))
        line = max(failure.line - 1, 0)
        text = lines[line] if line < len(lines) else ""
        start = lsp.Position(line=line, character=utf16_column(text, max(failure.col - 1, 0)))
        end = lsp.Position(line=line, character=utf16_column(text, len(text.rstrip())))
        out.setdefault(path, []).append(diagnostic(
            "migration-failed", lsp.DiagnosticSeverity.Error, f"migrate failed here: {failure.message}",
            lsp.Range(start=start, end=max(end, start, key=lambda p: p.character)), {"kind": "migration"}))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
