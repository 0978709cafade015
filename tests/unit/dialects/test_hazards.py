"""What a change costs beyond its data, as each dialect types it: diff takes these as they
come, so the kind and the object are the dialect's to get right."""

from __future__ import annotations

from schemalens import dialects
from schemalens.changes import Hazard
from schemalens.model import Check, Column, ForeignKey, Index, Table, Unique

T = Table("public", "t", [Column("id", "integer"), Column("c", "text")])


def test_postgresql_names_the_column_a_scan_or_index_rebuild_concerns_and_the_table_it_rewrites() -> None:
    pg = dialects.get("postgresql")
    old, new = Column("c", "text"), Column("c", "text", nullable=False, collation='"C"')
    assert pg.alter_column_hazards(T, old, new, type_changed=False) == (
        Hazard("index-build", "public.t.c", "rebuilds indexes on public.t.c under an ACCESS EXCLUSIVE lock"),
        Hazard("access-exclusive-lock", "public.t.c",
               "scans table public.t for NULLs under an ACCESS EXCLUSIVE lock; fails if any row holds NULL"))
    assert [(h.kind, h.object) for h in pg.alter_column_hazards(T, Column("id", "integer"), Column("id", "bigint"),
                                                                type_changed=True)] == [("rewrite", "public.t")]
    assert [h.kind for h in pg.add_column_hazards(T, Column("k", "integer", default="random()"))] == ["rewrite"]
    assert pg.add_column_hazards(T, Column("k", "integer", default="0")) == ()


def test_postgresql_types_what_adding_a_constraint_or_an_index_costs() -> None:
    pg = dialects.get("postgresql")
    fk = ForeignKey("t_fk", ["id"], "public", "u", ["id"])
    kinds = [h.kind for obj in (fk, Check("t_check", "id > 0"), Unique("t_key", ["id"]))
             for h in pg.add_constraint_hazards(T, obj)]
    assert kinds == ["validation-scan", "validation-scan", "index-build"]
    assert [(h.kind, h.object) for h in pg.create_index_hazards(T, Index("t_c", ["c"]))] == [("share-lock", "public.t")]


def test_sqlite_rebuilds_in_one_transaction_and_reports_no_lock() -> None:
    lite = dialects.get("sqlite")
    table = Table("main", "t", [Column("id", "integer")])
    assert lite.add_column_hazards(table, Column("k", "integer", default="random()")) == ()
    assert lite.alter_column_hazards(table, Column("id", "integer"), Column("id", "text", nullable=False), True) == ()
    assert lite.add_constraint_hazards(table, Unique(None, ["id"])) == ()
    assert lite.create_index_hazards(table, Index("t_id", ["id"])) == ()
