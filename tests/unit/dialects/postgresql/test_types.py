"""PostgreSQL's type spellings and what a change of type costs, without a database (the
real-database counterpart is tests/db/test_normalize_postgresql.py)."""

from __future__ import annotations

import pytest

from schemalens.dialects.postgresql.types import canonical_type, type_change_is_safe


@pytest.mark.parametrize(("spellings", "canonical"), [
    (["int", "int4", "integer", "INTEGER", "pg_catalog.int4", "serial"], "integer"),
    (["int8", "bigint", "bigserial"], "bigint"),
    (["int2", "smallint", "smallserial"], "smallint"),
    (["varchar(10)", "character varying(10)", "VARCHAR (10)"], "character varying(10)"),
    (["varchar", "character varying"], "character varying"),
    (["char(3)", "character(3)", "bpchar(3)"], "character(3)"),
    (["char", "character"], "character(1)"),
    (["bool", "boolean"], "boolean"),
    (["float8", "double precision", "float", "float(25)"], "double precision"),
    (["float4", "real", "float(24)", "float(1)"], "real"),
    (["timestamptz", "timestamp with time zone"], "timestamp with time zone"),
    (["timestamp", "timestamp without time zone"], "timestamp without time zone"),
    (["timestamp(3)", "timestamp(3) without time zone"], "timestamp(3) without time zone"),
    (["timetz", "time with time zone"], "time with time zone"),
    (["time"], "time without time zone"),
    (["decimal(10,2)", "numeric(10, 2)", "dec(10,2)"], "numeric(10,2)"),
    (["numeric(10)"], "numeric(10,0)"),
    (["int[]", "integer ARRAY", "_int4", "int4[][]", "integer[3]"], "integer[]"),
    (["mood", "public.mood", "PUBLIC.MOOD"], "public.mood"),
    (['"Mood"', 'public."Mood"'], 'public."Mood"'),
    (["mood[]"], "public.mood[]"),
    (['app."Kind"'], 'app."Kind"'),
    (["interval day to second(3)"], "interval day to second(3)"),
    (['"char"'], '"char"'),
    (["bit varying(3)", "varbit(3)"], "bit varying(3)"),
    (["bit", "bit(1)"], "bit(1)"),
    (['"bit"'], '"bit"'),  # any length: format_type quotes it, a bare bit is bit(1)
    (["uuid", "UUID"], "uuid"),
])
def test_type_spellings(spellings: list[str], canonical: str) -> None:
    assert {s: canonical_type(s) for s in spellings} == {s: canonical for s in spellings}



def test_unparsable_type_is_kept_not_raised() -> None:
    assert canonical_type("no such ((type") == "no such ((type"


def test_widening_type_changes_are_safe() -> None:
    for old, new in [("character varying(50)", "character varying(100)"), ("integer", "bigint"),
                     ("numeric(8,2)", "numeric(10,2)"), ("character varying(20)", "text"), ("integer", "numeric"),
                     ("real", "double precision"), ("integer[]", "bigint[]")]:
        assert type_change_is_safe(old, new), (old, new)
    assert not type_change_is_safe("integer[]", "integer")
