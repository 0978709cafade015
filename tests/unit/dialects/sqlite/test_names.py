"""SQLite's names: bare only where SQLite reads the name back unchanged."""

from __future__ import annotations

from schemalens.dialects.sqlite.names import qualified, quote_ident


def test_keywords_and_odd_names_are_quoted() -> None:
    assert quote_ident("order") == '"order"'
    assert quote_ident("Order") == '"Order"'
    assert quote_ident("user") == "user"  # a PostgreSQL keyword, not SQLite's
    assert quote_ident("a b") == '"a b"'
    assert quote_ident('q"t') == '"q""t"'
    assert quote_ident("note\n") == '"note\n"'


def test_case_needs_no_quotes() -> None:
    # SQLite keeps a bare name's case and compares names without case.
    assert quote_ident("Abc") == "Abc"


def test_main_tables_are_written_bare() -> None:
    assert qualified("main", "t") == "t"
    assert qualified("aux", "Order") == 'aux."Order"'
