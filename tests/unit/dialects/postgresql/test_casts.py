"""Type conversions without a database: the rules, the SQL written for them, the
`@using:` directive and the refusal of generate's placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalens import directives
from schemalens.changes import USING_PLACEHOLDER, hazard_comments
from schemalens.dialects.postgresql.casts import rule_conversion, unfit_condition, unmodified_type
from schemalens.migrations.folder import MigrationsError, parse_migration
from schemalens.model import Column, Schema, Table
from schemalens.diff import diff
from schemalens.normalize import normalize_schema
from schemalens import dialects
from schemalens.sources.sql import parse_texts


def plan(old: str, new: str) -> tuple[list, list[str]]:
    actual = normalize_schema(Schema("postgresql", tables=[Table("public", "t", [Column("v", old)])]))
    desired = normalize_schema(parse_texts([("s.sql", f"CREATE TABLE t ({new});")], "postgresql", "public").schema)
    changes = diff(actual, desired)
    return changes, [s.sql for s in dialects.get("postgresql").render(changes, actual, desired)]


def test_an_assignment_cast_is_written_without_using_so_postgresql_refuses_what_is_too_long() -> None:
    changes, sql = plan("text", "v varchar(5)")
    assert sql[-1] == "ALTER TABLE public.t ALTER COLUMN v TYPE character varying(5)"
    assert "length(v::text) > 5" in sql[0] and sql[0].startswith("DO $schemalens$")  # the guard runs first
    assert changes[0].conversion == "assignment" and changes[0].unfit == "length(v::text) > 5"


def test_an_explicit_cast_goes_to_the_unmodified_type() -> None:
    _, sql = plan("integer", "v bit(4)")
    assert sql[-1] == 'ALTER TABLE public.t ALTER COLUMN v TYPE bit(4) USING v::"bit"'
    _, sql = plan("text", "v integer")
    assert sql == ["ALTER TABLE public.t ALTER COLUMN v TYPE integer USING v::integer"]


def test_no_cast_means_a_placeholder_to_edit_or_the_files_using() -> None:
    changes, sql = plan("bigint", "v timestamp")
    assert sql == [f"ALTER TABLE public.t ALTER COLUMN v TYPE timestamp without time zone USING {USING_PLACEHOLDER}(v)"]
    assert [h.kind for h in changes[0].hazards if h.kind == "needs-using"] == ["needs-using"]
    assert any(line.startswith("-- EDIT before running: no cast converts public.t.v") for line in hazard_comments(changes[0]))
    changes, sql = plan("bigint", "v timestamp -- @using: to_timestamp(v) at time zone 'UTC'\n")
    assert sql == ["ALTER TABLE public.t ALTER COLUMN v TYPE timestamp without time zone "
                   "USING to_timestamp(v) at time zone 'UTC'"]
    assert changes[0].needs_using is None


@pytest.mark.parametrize("text, expression", [
    ("-- @using: to_timestamp(v)", "to_timestamp(v)"),
    ("/* @using:v::int */ x", "v::int"),
    ("-- @using:   lower(v)  \nnext", "lower(v)"),
])
def test_the_using_directive_grammar(text: str, expression: str) -> None:
    [found] = directives.find_all_using(text)
    assert found.expression == expression
    assert directives.find_all_using(directives.declare_using(expression))[0].expression == expression


@pytest.mark.parametrize("old, new, conversion", [
    ("text", "character varying(5)", "assignment"), ("bigint", "timestamp without time zone", "none"),
    ("integer", "boolean", "explicit"), ("text", "integer", "explicit"), ("numeric(10,4)", "numeric(10,2)", "assignment"),
    ("integer[]", "bigint[]", "assignment"), ("integer[]", "text", "assignment"), ("text", "text[]", "none"),
])
def test_the_rules(old: str, new: str, conversion: str) -> None:
    assert rule_conversion(old, new, lambda t: False) == conversion


def test_what_counts_as_not_fitting() -> None:
    assert unfit_condition("v", "bit(8)", "bit(4)") == "length(v) <> 4"
    assert unfit_condition("v", "bigint", "integer") == "(v NOT BETWEEN -2147483648 AND 2147483647)"
    assert unfit_condition("v", "timestamp(6) without time zone", "timestamp(0) without time zone") == \
        "v::timestamp(0) without time zone::timestamp(6) without time zone <> v"
    assert unfit_condition("v", "text", "integer") is None
    assert unmodified_type("character(3)") == "bpchar" and unmodified_type("text") == "text"


def test_migrate_refuses_an_unedited_placeholder() -> None:
    text = f"-- schemalens:statement\nALTER TABLE t ALTER COLUMN v TYPE timestamp USING {USING_PLACEHOLDER}(v);\n"
    with pytest.raises(MigrationsError, match="still the placeholder"):
        parse_migration(text, Path("0001_x.sql"), "postgresql")
    assert parse_migration(text.replace(f"{USING_PLACEHOLDER}(v)", "to_timestamp(v)"), Path("0001_x.sql"),
                           "postgresql").pieces
