"""What the plan leaves alone in the database: the one place that decides it.

The diff turns every table of the database that the managed model lacks into a drop.
That is right for a table the files no longer define, and data loss for two others:
a table the files define in a form schemalens does not manage (`LIKE`, `INHERITS`,
`PARTITION BY`, `OF type`, a view of that name...), and another tool's bookkeeping
table (`alembic_version`, ...), which no schema file defines. Both are taken out of
the database's schema before it is compared, so nothing drops, alters or reports
them as drift; check says it saw the bookkeeping tables. (Partitions, inheritance
children and extension members are never read from the catalog at all.) So are the
sequences such tables own or use, unless the files define them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from schemalens.bookkeeping import tool_of
from schemalens.changes import qualified
from schemalens.lint import Finding
from schemalens.model import Schema, Unmanaged


def left_alone(actual: Schema, desired: Schema, unmanaged: Iterable[Unmanaged],
               defines_definitions: bool = True) -> tuple[Schema, list[Finding]]:
    """`actual` without the tables the plan must not touch (and the triggers on them), and
    a finding for each bookkeeping table seen. A table the files manage is compared
    whatever its name. `defines_definitions` False: the source cannot define views or
    triggers (SQLAlchemy models), so the database's are left alone too."""
    mentioned = {u.key for u in unmanaged if u.key is not None}
    managed = {t.key for t in desired.tables}
    gone: set[tuple[str, str]] = set()
    findings: list[Finding] = []
    for table in actual.tables:
        if table.key in managed:
            continue
        tool = tool_of(table.name)
        if tool is not None:
            findings.append(Finding("unmanaged", "info", f"not managed: {tool}'s migration table "
                                    f"{qualified(table.schema, table.name)}", table=table.key))
        if tool is not None or table.key in mentioned:
            gone.add(table.key)
    wanted = {s.key for s in desired.sequences}
    definitions = [d for d in actual.definitions if defines_definitions and (d.schema, d.table) not in gone]
    if not gone and len(definitions) == len(actual.definitions) and not any(
            s.used_elsewhere and s.key not in wanted for s in actual.sequences):
        return actual, findings
    # A schema to drop that holds a table left alone is refused, naming it (see Namespace.holds).
    namespaces = [dataclasses.replace(n, holds=n.holds + tuple(f"table {name}" for s, name in sorted(gone)
                                                             if s == n.name)) for n in actual.namespaces]
    kept = dataclasses.replace(
        actual, namespaces=namespaces, tables=[t for t in actual.tables if t.key not in gone],
        definitions=definitions,
        sequences=[s for s in actual.sequences if s.key in wanted or not (
            s.used_elsewhere or (s.owned_by is not None and s.owned_by[:2] in gone))])
    return kept, findings
