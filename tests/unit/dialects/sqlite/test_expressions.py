"""SQLite expressions in one spelling: two spellings SQLite reads alike compare equal,
and the canonical text means what the original meant (SQLite itself evaluates both)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from schemalens.dialects.sqlite.expressions import canonical_expression, rename_columns, spellings

COLUMNS = spellings(["Price", "kind", "note"])
ROWS = [(3, "a", "it's"), (-2, "b", None), (0, "A", "x y"), (None, None, "")]

gaps = st.sampled_from(["", " ", "  ", "\n  ", "\t", " /* c */ "])
cases = st.sampled_from(["lower", "upper", "title"])


def spelled(word: str, case: str) -> str:
    return {"lower": word.lower(), "upper": word.upper(), "title": word.title()}[case]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """An expression as a list of pieces: words (case varies), literals, operators."""
    column = draw(st.sampled_from(["price", "kind", "note"]))
    leaf = draw(st.sampled_from([
        [column], ["1"], ["-", "1"], ["2.5"], ["0x1F"], ["'it''s'"], ["'A b'"], ["x'0A'"], ["NULL"],
        ["-", column],
    ]))
    if depth >= 2 or draw(st.booleans()):
        return leaf
    left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    shape = draw(st.integers(0, 6))
    if shape == 0:
        return ["(", *left, draw(st.sampled_from(["+", "-", "*", "||", "<", ">=", "<>", "="])), *right, ")"]
    if shape == 1:
        return ["(", *left, "IS", "NOT", "NULL", ")"]
    if shape == 2:
        return ["coalesce", "(", *left, ",", *right, ")"]
    if shape == 3:
        return ["(", *left, "IN", "(", *right, ",", "1", ")", ")"]
    if shape == 4:
        return ["CASE", "WHEN", *left, "IS", "NULL", "THEN", *right, "ELSE", "0", "END"]
    if shape == 5:
        return ["(", "NOT", "(", *left, "=", *right, ")", ")"]
    return ["abs", "(", *left, ")"]


def write(pieces: list[str], draw: st.DrawFn) -> str:
    out = []
    for i, piece in enumerate(pieces):
        word = piece[0].isalpha() and not piece.startswith(("x'", "X'"))
        out.append(spelled(piece, draw(cases)) if word else piece)
        gap = draw(gaps)
        following = pieces[i + 1] if i + 1 < len(pieces) else ")"
        if not gap and (_wordy(piece[-1]) and _wordy(following[0]) or piece[-1] + following[0] == "--"):
            gap = " "  # two words written together are one word; `--` starts a comment
        out.append(gap)
    return "".join(out)


def _wordy(char: str) -> bool:
    return char.isalnum() or char in "_'."


@st.composite
def two_spellings(draw: st.DrawFn) -> tuple[str, str]:
    pieces = draw(expressions())
    return write(pieces, draw), write(pieces, draw)


def values(expression: str) -> list[object]:
    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE t ("Price" INT, kind TEXT, note TEXT)')
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    try:
        return [row[0] for row in conn.execute(f"SELECT {expression} FROM t ORDER BY rowid")]
    finally:
        conn.close()


@settings(max_examples=300, deadline=None)
@given(two_spellings())
def test_two_spellings_of_one_expression_compare_equal_and_mean_the_same(pair: tuple[str, str]) -> None:
    first, second = pair
    canonical = canonical_expression(first, COLUMNS)
    assert canonical_expression(second, COLUMNS) == canonical
    assert canonical_expression(canonical, COLUMNS) == canonical
    assert values(canonical) == values(first)


def test_the_canonical_spelling_is_readable() -> None:
    assert canonical_expression("PRICE>0 and kind in('a','b')", COLUMNS) == "Price > 0 AND kind IN ('a', 'b')"
    assert canonical_expression("DATETIME( 'now' )", COLUMNS) == "datetime('now')"
    assert canonical_expression("-1", COLUMNS) == "-1"
    assert canonical_expression("abs( - price)", COLUMNS) == "abs(-Price)"
    assert canonical_expression("note collate NOCASE desc", COLUMNS) == "note COLLATE nocase DESC"
    assert canonical_expression("Current_Timestamp", COLUMNS) == "CURRENT_TIMESTAMP"


def test_literals_and_quoted_names_are_kept_exactly() -> None:
    assert canonical_expression("'A  B' || \"Other\" || X'0a'", COLUMNS) == "'A  B' || \"Other\" || X'0a'"
    assert canonical_expression("'A  B'", COLUMNS) != canonical_expression("'a b'", COLUMNS)
    assert canonical_expression("'price'", COLUMNS) == "'price'"  # a string, not the column


def test_a_column_quoted_any_way_is_that_column() -> None:
    """"Price", [price], `PRICE` and price all name the column Price (a name that needs
    quotes keeps them): a database written one way is no drift against a file written another."""
    assert {canonical_expression(f"{name} > 0", COLUMNS) for name in ('"Price"', "[price]", "`PRICE`", "price")} \
        == {"Price > 0"}
    odd = spellings(["d e", "select"])
    assert canonical_expression('[D E] + `SELECT`', odd) == canonical_expression('"d e" + "select"', odd) \
        == '"d e" + "select"'


def test_a_text_the_tokenizer_cannot_follow_is_kept() -> None:
    assert canonical_expression(" 'unterminated ", COLUMNS) == "'unterminated"
    assert canonical_expression("price ? 1 # 2", COLUMNS) == "price ? 1 # 2"


def test_a_time_keyword_keeps_its_spelling() -> None:
    assert canonical_expression("CURRENT_TIMESTAMP", {}) == "CURRENT_TIMESTAMP"


def test_a_column_rename_is_carried_into_the_expression() -> None:
    renamed = {"price": "Cost"}
    assert rename_columns("PRICE > 0 AND [price] < 9 AND 'price' <> note AND price(1)", renamed) == (
        "Cost > 0 AND Cost < 9 AND 'price' <> note AND price(1)")
