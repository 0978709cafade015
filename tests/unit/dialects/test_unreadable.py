"""readable: the characters no schema reader can take, found at their place in both dialects."""

from __future__ import annotations

import pytest

from schemalens.dialects.unreadable import Unreadable, readable
from schemalens.sources.sql import parse_texts


def test_each_kind_is_named_once_at_its_first_place_and_offsets_stay() -> None:
    text, found = readable("\ufeffa\x00b\x00 \udcff")
    assert text == " a b   "
    assert found == [Unreadable(2, 3, "NUL character in schema file"),
                     Unreadable(6, 7, "not UTF-8 text (a lone surrogate character)")]


def test_clean_text_is_returned_as_is() -> None:
    assert readable("CREATE TABLE t (a int);") == ("CREATE TABLE t (a int);", [])


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
@pytest.mark.parametrize("bad, message", [
    ("\x00", "NUL character in schema file"),
    ("\udcff", "not UTF-8 text (a lone surrogate character)"),
])
def test_both_readers_report_it_and_read_the_rest(dialect: str, bad: str, message: str) -> None:
    """PostgreSQL's reader raised UnicodeEncodeError on a lone surrogate and read a NUL as
    the end of the file ("syntax error at end of input")."""
    result = parse_texts([("s.sql", f"CREATE TABLE t (a int);\nCREATE TABLE u (b{bad} int);")], dialect)
    (problem,) = [p for p in result.problems if p.severity == "error"]
    assert (problem.message, problem.span.start_line, problem.span.start_col) == (message, 1, 17)
    assert [t.name for t in result.schema.tables] == ["t", "u"]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_byte_order_mark_is_no_problem(dialect: str) -> None:
    """psql and SQLite skip it; PostgreSQL's reader reported a syntax error at "\ufeffCREATE"."""
    result = parse_texts([("s.sql", "\ufeffCREATE TABLE t (a int);")], dialect)
    assert result.problems == [] and [t.name for t in result.schema.tables] == ["t"]
