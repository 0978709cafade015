"""SQLite keeps declared types as written; a change of type costs what the affinity rule says."""

from __future__ import annotations

from schemalens.dialects.sqlite.types import affinity, canonical_type, type_change_loss


def test_sqlite_keeps_spelling() -> None:
    assert canonical_type(" VARCHAR(10) ") == "VARCHAR(10)"


def test_affinity_and_the_loss_it_predicts() -> None:
    assert [affinity(t) for t in ("BIGINT", "VARCHAR(3)", "", "DOUBLE", "DECIMAL(10,5)")] == [
        "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"]
    assert type_change_loss("TEXT", "INTEGER") == "values are converted to INTEGER affinity where they can be"
    assert type_change_loss("INTEGER", "TEXT") is None
