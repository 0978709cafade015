"""PostgreSQL statement splitting: PostgreSQL's own scanner decides where a statement ends."""

from __future__ import annotations

import pytest

from schemalens import dialects
from schemalens.dialects.base import SplitError

split = dialects.get("postgresql").split_statements


def test_semicolons_inside_quotes_comments_and_bodies_do_not_split() -> None:
    text = ("SELECT 'a;b';\n"
            "SELECT E'it\\'s; fine';\n"
            "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;\n"
            "SELECT $$x;y$$, \"semi;colon\" FROM t; -- trailing; comment\n")
    assert [sql for _, sql in split(text)] == [
        "SELECT 'a;b'",
        "SELECT E'it\\'s; fine'",
        "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql",
        "SELECT $$x;y$$, \"semi;colon\" FROM t",
    ]


def test_a_statement_starts_after_nested_comments() -> None:
    """PostgreSQL's block comments nest: the statement starts after the outer `*/`."""
    text = "/* outer /* inner; */ still comment; */ SELECT 1; -- done\n/* x */ SELECT 2"
    assert split(text) == [(text.index("SELECT 1"), "SELECT 1"), (text.index("SELECT 2"), "SELECT 2")]


def test_offsets_are_characters_not_bytes() -> None:
    text = "SELECT 'ééé'; SELECT 2"
    assert split(text) == [(0, "SELECT 'ééé'"), (14, "SELECT 2")]


def test_empty_statements_and_comments_only_give_nothing() -> None:
    assert split(";; -- nothing\n/* here */ ;") == []


@pytest.mark.parametrize("text, where", [("SELECT 1; SELECT 'open", 17), ("SELECT $$ open", 7),
                                          ("SELECT /* open", 7)])
def test_unterminated_text_says_where(text: str, where: int) -> None:
    with pytest.raises(SplitError) as info:
        split(text)
    assert info.value.offset == where and "cannot split" in str(info.value)
