"""The order pull writes tables in, and its cost: linear in the number of tables."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from schemalens.model import Column, ForeignKey, Index, PrimaryKey, Schema, Table
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


class Counted(Table):
    """A table that counts how often its name and foreign keys are read: a scan over the
    tables per placement or per lookup reads them n times each, so the count is the
    cost, without a clock on a shared machine."""

    reads = 0

    def __getattribute__(self, attribute: str) -> Any:
        if attribute in ("name", "foreign_keys"):
            Counted.reads += 1
        return super().__getattribute__(attribute)


def chain(n: int) -> list[Table]:
    """Listed backwards: each table references the next (the worst case of a placement
    that rescans the remaining tables)."""
    def counted(name: str, *refs: str) -> Table:
        t = table(name, *refs)
        return Counted(t.schema, t.name, t.columns, t.primary_key, foreign_keys=t.foreign_keys,
                       indexes=[Index(None, [f"{r}_id"]) for r in refs])  # (rendering one looks up its table)

    return [counted(f"t{i:05d}", f"t{i + 1:05d}") for i in range(n)] + [counted(f"t{n:05d}")]


def reads(work: Callable[[list[Table]], object], n: int) -> int:
    tables = chain(n)
    Counted.reads = 0
    work(tables)
    return Counted.reads


def test_the_order_is_linear_in_the_number_of_tables() -> None:
    groups = creation_order(chain(5))
    assert names(groups) == [["t00005"], ["t00004"], ["t00003"], ["t00002"], ["t00001"], ["t00000"]]
    small, large = reads(creation_order, 500), reads(creation_order, 4000)
    assert large < 8 * small * 1.2, (small, large)  # quadratic: 64 times


def test_the_file_is_linear_in_the_number_of_tables() -> None:
    text = schema_file(Schema("postgresql", tables=chain(300)), "")
    assert text.index("CREATE TABLE public.t00300") < text.index("CREATE TABLE public.t00000")

    def write(tables: list[Table]) -> str:
        return schema_file(Schema("postgresql", tables=tables), "")

    small, large = reads(write, 300), reads(write, 2400)
    assert large < 8 * small * 1.2, (small, large)


def test_types_are_written_as_people_write_them_and_the_schema_is_left_as_it_was() -> None:
    columns = [Column("id", "integer", False), Column("name", "character varying(20)"),
               Column("at", "timestamp with time zone"), Column("other", "character varying(20)")]
    schema = Schema("postgresql", tables=[Table("public", "t", columns, primary_key=PrimaryKey(None, ["id"]))])
    before = repr(schema)

    text = schema_file(schema, "")

    assert "name varchar(20)" in text and "other varchar(20)" in text and "at timestamptz" in text
    assert repr(schema) == before
