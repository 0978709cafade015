"""PostgreSQL's names: quoting as quote_identifier does; the names it chooses, cut at 63
bytes on a character boundary and numbered on a clash."""

from __future__ import annotations

import pytest

from schemalens.dialects.postgresql.names import choose_name, default_constraint_name, make_object_name, quote_ident
from schemalens.model import Check, Column, Index, Table, Unique


@pytest.mark.parametrize(("name", "quoted"), [
    ("users", "users"), ("a\"b", '"a""b"'), ("User", '"User"'), ("user", '"user"'), ("select", '"select"'),
    ("name", "name"), ("ünï", '"ünï"'), ("1st", '"1st"'), ("my table", '"my table"'), ("a$", '"a$"'), ("", '""'),
    ("_x1$", '"_x1$"'),
    # a final newline is part of the name: `$` in a pattern would match before it
    ("note\n", '"note\n"'), ("t\n\n", '"t\n\n"'),
])
def test_quote_ident(name: str, quoted: str) -> None:
    assert quote_ident(name) == quoted


def test_names_are_cut_at_63_bytes_on_a_character_boundary() -> None:
    assert make_object_name("é" * 40, "id", "seq") == "é" * 28 + "_id_seq"  # 56 bytes
    assert make_object_name("aé" * 20, "x" * 20, "seq") == "aé" * 12 + "a_" + "x" * 20 + "_seq"
    assert make_object_name("t", None, "pkey") == "t_pkey"


def test_a_taken_name_gets_a_number_after_the_label() -> None:
    taken = {"t_a_key", "t_a_key1"}
    assert choose_name("t", "a", "key", taken.__contains__) == "t_a_key2"
    assert choose_name("t", "b", "key", taken.__contains__) == "t_b_key"


def test_unnamed_constraints_and_indexes_get_postgresqls_names() -> None:
    t = Table("public", "t", [Column("a", "integer"), Column("Note", "text")])
    taken: set[str] = {"t_a_key"}
    assert default_constraint_name(t, Unique(None, ["a"]), taken) == "t_a_key1"
    assert default_constraint_name(t, Check(None, 'a > 0 AND "Note" <> lower(\'a\')'), taken) == "t_check"
    assert default_constraint_name(t, Check(None, "A > 0"), taken) == "t_a_check"
    assert default_constraint_name(t, Index(None, ["lower(a)", '"Note"']), taken) == "t_lower_Note_idx"
    assert {"t_a_key1", "t_check", "t_a_check", "t_lower_Note_idx"} <= taken
