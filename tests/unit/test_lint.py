"""Lint over changes and schemas: plain findings, no database, no editor."""

from __future__ import annotations

from schemalens.changes import Change, Hazard
from schemalens.diff import diff
from schemalens.lint import Finding, change_span, lint, schema_findings, unindexed_foreign_keys
from schemalens.model import Column, ForeignKey, Index, PrimaryKey, Schema, Span, Table, Unique


def fk_table(**extra: object) -> Table:
    return Table("public", "posts", [Column("id", "integer"), Column("author", "integer")],
                 primary_key=PrimaryKey(None, ["id"]),
                 foreign_keys=[ForeignKey(None, ["author"], "public", "users", ["id"], span=Span("s.sql", 2, 2, 2, 30))],
                 span=Span("s.sql", 1, 0, 3, 2), **extra)


def test_a_foreign_key_without_a_leading_index_is_an_info_finding_at_its_span() -> None:
    schema = Schema("postgresql", tables=[fk_table()])
    assert schema_findings(schema) == [Finding(
        "fk-without-index", "info",
        "foreign key public.posts (author) has no index on its columns: deleting or updating a row of users "
        "scans all of posts", Span("s.sql", 2, 2, 2, 30), table=("public", "posts"), columns=("author",))]


def test_an_index_unique_or_key_leading_with_the_columns_covers_the_foreign_key() -> None:
    for extra in ({"indexes": [Index("i", ["author DESC", "id"])]}, {"uniques": [Unique(None, ["author"])]},
                  {"indexes": [Index("q", ['"author" text_pattern_ops'])]}):
        assert unindexed_foreign_keys(Schema("postgresql", tables=[fk_table(**extra)])) == [], extra
    partial = Index("p", ["author"], where="author IS NOT NULL")
    assert len(unindexed_foreign_keys(Schema("postgresql", tables=[fk_table(indexes=[partial])]))) == 1
    trailing = Index("t", ["id", "author"])
    assert len(unindexed_foreign_keys(Schema("postgresql", tables=[fk_table(indexes=[trailing])]))) == 1


def test_a_changes_hazards_become_one_data_loss_and_one_lock_finding() -> None:
    change = Change("alter_column", "public", "t", "c", hazards=(
        Hazard("data-loss", "public.t.c", "loses a"), Hazard("rewrite", "public.t", "rewrites t"),
        Hazard("data-loss", "public.t.c", "loses b"), Hazard("share-lock", "public.t", "blocks writes")))
    assert change.data_loss == "loses a; loses b" and change.lock == "rewrites t; blocks writes"
    assert [(f.code, f.severity, f.message, f.change_id) for f in lint([change], None)] == [
        ("data-loss", "warning", "push would lose data: loses a; loses b", change.id),
        ("blocking-lock", "warning", "push would lock: rewrites t; blocks writes", change.id)]
    assert lint([Change("create_table", "public", None, "t")], None) == []


def test_a_dropped_column_is_found_at_its_table_in_the_files() -> None:
    table = Table("public", "t", [Column("id", "integer")], span=Span("s.sql", 0, 0, 0, 20))
    actual = Schema("postgresql", tables=[Table("public", "t", [Column("id", "integer"), Column("x", "text")])])
    desired = Schema("postgresql", tables=[table])
    [drop] = diff(actual, desired)
    assert drop.hazards == (Hazard("data-loss", "public.t.x", "drops column public.t.x and its values"),)
    assert change_span(drop, desired) == table.span
    [finding] = lint([drop], desired)
    assert finding.span == table.span and finding.code == "data-loss"


def test_hazards_are_typed_by_what_they_cost() -> None:
    actual = Schema("postgresql", tables=[Table("public", "t", [Column("id", "integer"), Column("n", "integer")])])
    desired = Schema("postgresql", tables=[Table(
        "public", "t", [Column("id", "integer"), Column("n", "bigint", nullable=False)],
        uniques=[Unique("t_id_key", ["id"])], indexes=[Index("t_n", ["n"])])])
    kinds = {c.kind: [h.kind for h in c.hazards] for c in diff(actual, desired)}
    assert kinds == {"alter_column": ["rewrite", "access-exclusive-lock"], "add_constraint": ["index-build"],
                     "create_index": ["share-lock"]}


def added(column: Column) -> Change:
    return Change("add_column", "public", "items", column.name, after=column,
                  description=f"add column public.items.{column.name}")


def test_a_not_null_column_without_a_default_is_warned_with_its_fixes() -> None:
    from schemalens.lint import fills_no_rows, not_null_finding

    bare = added(Column("sku", "text", nullable=False, span=Span("s.sql", 4, 2, 4, 20)))
    assert fills_no_rows(bare) and fills_no_rows(added(Column("sku", "text", nullable=False, default="NULL")))
    [finding] = lint([bare], None)
    assert (finding.code, finding.severity, finding.change_id, finding.span) == (
        "not-null-without-default", "warning", bare.id, Span("s.sql", 4, 2, 4, 20))
    assert "it fails when public.items has rows" in finding.message
    assert "DEFAULT" in finding.message and "generate --custom" in finding.message
    assert "it fails: public.items holds 1,200 rows" in not_null_finding(bare, None, 1200).message
    for fine in (Column("sku", "text"), Column("sku", "text", nullable=False, default="''"),
                 Column("n", "integer", nullable=False, generated="1")):
        assert not fills_no_rows(added(fine)), fine
