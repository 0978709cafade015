"""The possible-rename question's pure half: candidates from diff, answers as renames, and
asking until no candidate is open."""

from __future__ import annotations

from schemalens.changes import Renames
from schemalens.diff import diff
from schemalens.model import Column, PrimaryKey, Schema, Table
from schemalens.workflows import RenameCandidate, rename_candidates, settle_renames, with_renames

NONE = Renames({}, {})


def table(name: str, *columns: str) -> Table:
    return Table("public", name, [Column("id", "integer", nullable=False), *(Column(c, "text") for c in columns)],
                 primary_key=PrimaryKey(None, ["id"]))


def schema(*tables: Table) -> Schema:
    return Schema("postgresql", tables=list(tables))


def test_candidates_are_the_drop_and_add_pairs_with_the_rows_at_risk() -> None:
    changes = diff(schema(table("users", "name"), table("old")), schema(table("users", "full_name"), table("new")))
    found = rename_candidates(changes, lambda drop: 7 if drop.kind == "drop_column" else None)
    assert [(c.label, c.rows) for c in found] == [("column public.users.name -> full_name", 7),
                                                  ("table public.old -> new", None)]
    assert found[0].loss == "drops column public.users.name and its values (7 rows hold data)"
    assert found[0].directive == "@renamed from=name"
    assert with_renames(NONE, found) == Renames({("public", "old"): "new"}, {("public", "users", "name"): "full_name"})


def test_asking_until_no_candidate_is_open() -> None:
    before, after = schema(table("users", "name")), schema(table("users", "full_name"))
    asked: list[list[str]] = []

    def plan_for(renames: Renames) -> list:
        return diff(before, after, renames)

    def answer(yes: bool):
        def ask(candidates: list[RenameCandidate]) -> list[RenameCandidate]:
            asked.append([c.label for c in candidates])
            return candidates if yes else []
        return ask

    settled = settle_renames(NONE, plan_for, lambda changes: changes, answer(True))
    assert [c.kind for c in settled.plan] == ["rename_column"] and len(settled.renamed) == 1
    assert asked == [["column public.users.name -> full_name"]]
    settled = settle_renames(NONE, plan_for, lambda changes: changes, answer(False))
    assert sorted(c.kind for c in settled.plan) == ["add_column", "drop_column"] and not settled.renamed
    assert len(asked) == 2  # "created" is an answer: not asked again
    refused = settle_renames(NONE, plan_for, lambda changes: changes, lambda candidates: None)
    assert [c.label for c in refused.unanswered] == ["column public.users.name -> full_name"]
    nobody = settle_renames(NONE, plan_for, lambda changes: changes, None)
    assert not nobody.unanswered and sorted(c.kind for c in nobody.plan) == ["add_column", "drop_column"]
