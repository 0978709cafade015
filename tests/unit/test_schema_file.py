"""The order pull writes tables in, and its cost: linear in the number of tables."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from schemalens.model import Column, ForeignKey, PrimaryKey, Schema, Table
from schemalens.schema_file import creation_order, schema_file


def table(name: str, *refs: str) -> Table:
    return Table("public", name, [Column("id", "integer", False)] + [Column(f"{r}_id", "integer") for r in refs],
                 primary_key=PrimaryKey(None, ["id"]),
                 foreign_keys=[ForeignKey(None, [f"{r}_id"], "public", r, ["id"]) for r in refs])


def names(groups: list[list[Table]]) -> list[list[str]]:
    return [[t.name for t in g] for g in groups]


def test_referenced_tables_come_first_cycles_are_groups_and_names_break_ties() -> None:
    tables = [table("e"), table("d", "c"), table("c", "b"), table("b", "c", "a"), table("a", "a"), table("f", "d")]
    assert names(creation_order(tables)) == [["a"], ["b", "c"], ["d"], ["e"], ["f"]]
    random.Random(1).shuffle(tables)
    assert names(creation_order(tables)) == [["a"], ["b", "c"], ["d"], ["e"], ["f"]]


def test_a_reference_outside_the_tables_is_not_a_dependency() -> None:
    assert names(creation_order([table("b", "missing"), table("a")])) == [["a"], ["b"]]


def chain(n: int) -> list[Table]:
    """Listed backwards: each table references the next (the worst case of a placement
    that rescans the remaining tables)."""
    return [table(f"t{i:05d}", f"t{i + 1:05d}") for i in range(n)] + [table(f"t{n:05d}")]


def grows_linearly(work: Callable[[int], object], small: int) -> tuple[float, float]:
    """Seconds for `small` and for 8 times as many tables."""
    times = []
    for n in (small, 8 * small):
        started = time.perf_counter()
        work(n)
        times.append(time.perf_counter() - started)
    return times[0], times[1]


def test_the_order_is_linear_in_the_number_of_tables() -> None:
    groups = creation_order(chain(5))
    assert names(groups) == [["t00005"], ["t00004"], ["t00003"], ["t00002"], ["t00001"], ["t00000"]]
    tables = {n: chain(n) for n in (2000, 16000)}
    small, large = grows_linearly(lambda n: creation_order(tables[n]), 2000)
    assert large < 8 * small * 2.5, (small, large)  # quadratic: 64 times


def test_the_file_is_linear_in_the_number_of_tables() -> None:
    schemas = {n: Schema("postgresql", tables=chain(n)) for n in (300, 2400)}
    text = schema_file(schemas[300], "")
    assert text.index("CREATE TABLE public.t00300") < text.index("CREATE TABLE public.t00000")
    small, large = grows_linearly(lambda n: schema_file(schemas[n], ""), 300)
    assert large < 8 * small * 2.5, (small, large)
