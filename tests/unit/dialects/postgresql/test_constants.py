"""Constants compared as the value their column's type holds (the real-database
counterpart is tests/db/dialects/postgresql/test_expressions.py)."""

from __future__ import annotations

import pytest

from schemalens.dialects.postgresql.expressions import Context, canonical_expression


def default(text: str, column_type: str) -> str | None:
    return canonical_expression(text, Context(column_type=column_type))


@pytest.mark.parametrize(("column_type", "group"), [
    ("numeric(10,4)", ["0.0000", "0", "'0'", "0.0", "'0.00'::numeric", "'0'::numeric(10,4)"]),
    ("numeric(10,2)", ["1.5", "'1.50'", "1.500", "'1.499999'"]),
    ("numeric(12,2)", ["1e3", "'1000'", "1000.0", "'1000'::numeric"]),
    ("numeric", ["0.0", "'0.0'", "'0.0'::numeric", "-0.0"]),
    ("numeric", ["1.50e1", "15.0"]),
    ("real", ["0.0", "'0.0'", "0", "'0'::real", "0.0::real", "-0.0"]),
    ("real", ["1.50", "'1.5'::real", "1.5"]),
    ("real", ["0.1", "'0.100000001'"]),
    ("double precision", ["'0.000'::double precision", "0.0", "0", "'0'"]),
    ("double precision", ["-0.5", "'-0.50'::float8"]),
    ("integer", ["0", "'0'::integer", "'0'", "0.0", "' 0 '"]),
    ("bigint", ["'9999999999'::bigint", "9999999999"]),
    ("bytea", ["''", "'\\x'", "''::bytea", "'\\x'::bytea"]),
    ("bytea", ["'\\x00ff'", "'\\x00FF'::bytea", "'\\000\\377'", "'\\x00 ff'"]),
    ("bytea", ["'abc'", "'\\x616263'", "'a\\142c'"]),
    ("bytea", ["'\\\\'", "'\\x5c'"]),
    ("timestamp without time zone", ["'2020-01-01'::timestamp", "'2020-01-01 00:00:00'::timestamp without time zone",
                                     "'2020-1-1 0:00'", "'2020-01-01T00:00:00.000'"]),
    ("timestamp with time zone", ["'2020-01-01'::timestamp", "'2020-01-01 00:00:00'::timestamp without time zone"]),
    ("date", ["'2020-01-01'::date", "'2020-1-1'"]),
    ("time without time zone", ["'1:02'::time", "'01:02:00'", "'01:02:00.000'"]),
])
def test_constants_the_type_makes_equal(column_type: str, group: list[str]) -> None:
    results = {text: default(text, column_type) for text in group}
    assert len(set(results.values())) == 1, results


@pytest.mark.parametrize(("column_type", "left", "right"), [
    ("numeric", "0.0", "0"),  # a plain numeric keeps the scale it is given
    ("numeric(10,2)", "1.5", "1.51"),
    ("real", "0.1", "0.2"),
    ("double precision", "0.1", "'0.100000001'"),  # equal as real, not as double
    ("integer", "1", "1.5"),
    ("bytea", "''", "'\\x00'"),
    ("bytea", "'abc'", "'ABC'"),
    ("text", "''", "'\\x'"),
    ("timestamp without time zone", "'2020-01-01'", "'2020-01-01 00:00:01'"),
    ("timestamp with time zone", "'2020-01-01'::timestamp", "'2020-01-01'"),  # zone read at insert vs now
    ("time without time zone", "'01:02'", "'01:02:00.5'"),
])
def test_constants_that_differ(column_type: str, left: str, right: str) -> None:
    assert default(left, column_type) != default(right, column_type)


def test_what_type_input_refuses_is_compared_as_written() -> None:
    assert default("'\\'", "bytea") == "'\\'"
    assert default("'2020-13-01'", "date") == "'2020-13-01'"
    assert default("'NaN'", "double precision") == "'NaN'"
    assert default("'1_000'", "numeric") == "'1_000'"


def test_a_constant_compared_with_a_column_is_not_rounded_to_its_typmod() -> None:
    columns = Context(columns=(("n", "numeric(10,2)"),))
    assert canonical_expression("n = '1.555'", columns) != canonical_expression("n = 1.56", columns)
    assert canonical_expression("n = '1.5'", columns) == canonical_expression("n = 1.5", columns)


def test_numbers_out_of_range_are_compared_as_written() -> None:
    assert default("1e39", "real") == "1e39"
    assert default("1e400", "double precision") == "1e400"
    assert default("1e9999", "numeric") == "1e9999"  # not spelled out digit by digit
