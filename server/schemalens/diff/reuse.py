"""Replaying the comparison of a table pair from the last two diffs: the editor diffs the
same database schema against a file where one table changed, and normalize hands back
unchanged tables as the same objects (tables are never modified once built)."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from schemalens.changes import Change
from schemalens.diff.columns import compare_columns
from schemalens.diff.run import Run
from schemalens.diff.tables import as_renamed, compare_table
from schemalens.model import ForeignKey, Table


@dataclass
class _Pair:
    """What comparing one table pair emitted (by phase), kept for the next diff."""

    old: Table
    new: Table
    context: Any
    columns: list[tuple[str, Change]]
    table: list[tuple[str, Change]]
    kept_fks: list[tuple[ForeignKey, ForeignKey]]
    # the names the database gives what the desired table leaves unnamed (they depend
    # on the names other tables hold)
    names: tuple[str | None, ...]


# Per table pair of the last two diffs, by the identity of both tables: the editor diffs
# the same database schema against a file where one table changed, and normalize hands
# back unchanged tables as the same objects (tables are never modified once built). Used
# only when nothing is renamed: a rename elsewhere changes how a table compares.
_PairMemo = dict[tuple[int, int], _Pair]
_PAIRS: list[_PairMemo] = [{}, {}]
_PAIRS_LOCK = threading.Lock()


def compare_tables(run: Run, pairs: list[tuple[Table, Table]]) -> None:
    """compare_columns() of every pair, then compare_table() of every pair (it needs all column
    renames), each replayed from the last diffs where both tables are the same objects
    as then and nothing is renamed."""
    # (a database's cast judgement is asked per diff: its answers are not replayed)
    reuse = not run.renames.tables and not run.renames.columns and not run.table_renames and run.casts is None
    context = pair_context(run) if reuse else None
    with _PAIRS_LOCK:
        older, newer = _PAIRS
    hits: list[_Pair | None] = []
    emitted_columns: list[list[tuple[str, Change]]] = []
    for old, new in pairs:
        hit = _pair_hit(old, new, context, generated_names(run, new), older, newer) if reuse else None
        hits.append(hit)
        emitted_columns.append(run.replay(hit.columns) if hit else run.captured(compare_columns, old, new))
    reuse = reuse and not run.column_renames
    used: _PairMemo = {}
    for (old, new), hit, emitted in zip(pairs, hits, emitted_columns):
        if reuse and hit is not None:
            run.replay(hit.table)
            run.kept_fks[new.key] = list(hit.kept_fks)
        else:
            compared = run.captured(compare_table, as_renamed(run, old, new), new)
            hit = _Pair(old, new, context, _copies(emitted), _copies(compared), list(run.kept_fks[new.key]),
                        generated_names(run, new))
        if reuse:
            used[(id(old), id(new))] = hit
    if reuse:
        with _PAIRS_LOCK:
            _PAIRS[:] = [_PAIRS[1], used]


def pair_context(run: Run) -> Any:
    """What comparing a table pair reads beyond the pair."""
    return (run.dialect.name, frozenset(s.key for s in run.actual.sequences),
            frozenset(s.key for s in run.desired.sequences),
            frozenset((e.schema, e.name) for e in (*run.actual.enums, *run.desired.enums)))


def generated_names(run: Run, table: Table) -> tuple[str | None, ...]:
    pk = [table.primary_key] if table.primary_key is not None else []
    return tuple(run.generated.get(id(o)) for o in [*pk, *table.uniques, *table.foreign_keys, *table.checks,
                                                     *table.indexes])


def _pair_hit(old: Table, new: Table, context: Any, names: tuple[str | None, ...], older: _PairMemo,
              newer: _PairMemo) -> _Pair | None:
    """The last comparison of this pair of tables, if one of the last two diffs made it."""
    hit = newer.get((id(old), id(new))) or older.get((id(old), id(new)))
    same = hit is not None and hit.old is old and hit.new is new and hit.context == context and hit.names == names
    return hit if same else None


def _copies(emitted: list[tuple[str, Change]]) -> list[tuple[str, Change]]:
    return [(phase, copy.copy(change)) for phase, change in emitted]
