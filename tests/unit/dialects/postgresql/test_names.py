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


def test_a_files_unnamed_objects_are_named_in_its_order_around_the_names_it_gives() -> None:
    from schemalens.dialects.postgresql.names import generated_names
    from schemalens.model import ForeignKey, PrimaryKey, Schema

    long = "x" * 60
    t = Table("public", "t", [Column("a", "integer"), Column("b", "integer")],
              primary_key=PrimaryKey(None, ["a"]),
              uniques=[Unique("t_a_key", ["b"]), Unique(None, ["a"]), Unique(None, ["a"])],
              checks=[Check(None, "a > 0"), Check(None, "a < 9"), Check(None, "a > b")],
              foreign_keys=[ForeignKey(None, ["b"], "public", long, ["id"])],
              indexes=[Index(None, ["a"]), Index(None, ["(a + b)"], include=["a"]), Index("t_b_idx", ["b"])])
    other = Table("public", long + "1", [Column("id", "integer")], primary_key=PrimaryKey(None, ["id"]))
    again = Table("public", long + "2", [Column("id", "integer")], primary_key=PrimaryKey(None, ["id"]))
    names = generated_names(Schema("postgresql", tables=[t, other, again]))
    assert [names[id(o)] for o in [t.primary_key, *t.uniques[1:], *t.checks, *t.foreign_keys]] == [
        "t_pkey", "t_a_key1", "t_a_key2", "t_a_check", "t_a_check1", "t_check", "t_b_fkey"]
    assert [names[id(i)] for i in t.indexes[:2]] == ["t_a_idx", "t_expr_a_idx"]
    # cut at 63 bytes, two tables' keys come out the same: the second is numbered
    assert names[id(other.primary_key)] == "x" * 58 + "_pkey"
    assert names[id(again.primary_key)] == "x" * 57 + "_pkey1"
    assert id(t.uniques[0]) not in names


def test_the_names_kept_on_a_schema_are_those_of_its_own_objects_also_in_a_copy() -> None:
    import copy

    from schemalens.dialects.postgresql.names import generated_names
    from schemalens.model import Schema

    schema = Schema("postgresql", tables=[Table("public", "t", [Column("a", "integer")], checks=[Check(None, "a > 0")])])
    assert generated_names(schema) is generated_names(schema)  # kept while the tables are the same
    twin = copy.deepcopy(schema)
    assert generated_names(twin) == {id(twin.tables[0].checks[0]): "t_a_check"}
    schema.tables = [*schema.tables, Table("public", "u", [Column("b", "integer")], checks=[Check(None, "b > 0")])]
    assert sorted(generated_names(schema).values()) == ["t_a_check", "u_b_check"]
