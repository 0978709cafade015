"""SQLite keeps declared types as written; a change of type costs what the affinity rule says."""

from __future__ import annotations

import pytest

from schemalens.dialects.sqlite.types import affinity, canonical_type, stored_default, type_change_loss


def test_sqlite_keeps_spelling() -> None:
    assert canonical_type(" VARCHAR(10) ") == "VARCHAR(10)"


def test_affinity_and_the_loss_it_predicts() -> None:
    assert [affinity(t) for t in ("BIGINT", "VARCHAR(3)", "", "DOUBLE", "DECIMAL(10,5)")] == [
        "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"]
    assert type_change_loss("TEXT", "INTEGER") == "values are converted to INTEGER affinity where they can be"
    assert type_change_loss("INTEGER", "TEXT") is None


@pytest.mark.parametrize("text,type_,stored", [
    ("'0'", "INTEGER", "0"), ("0", "INTEGER", "0"), ("'00'", "INTEGER", "0"), ("'-1'", "BIGINT", "-1"),
    ("'1.50'", "NUMERIC(10, 2)", "1.5"), ("'2.0'", "NUMERIC", "2"), ("1e3", "INTEGER", "1000"),
    ("'1'", "FLOAT", "1.0"), ("0", "VARCHAR(5)", "'0'"), ("1.5", "VARCHAR(5)", "1.5"), ("'1.50'", "TEXT", "'1.50'"),
    ("'0'", "BLOB", "'0'"), ("'abc'", "INTEGER", "'abc'"), ("CURRENT_TIMESTAMP", "DATETIME", "CURRENT_TIMESTAMP"),
])
def test_a_literal_default_is_spelled_as_the_value_stored(text: str, type_: str, stored: str) -> None:
    assert stored_default(text, type_) == stored
