"""The names PostgreSQL chooses: cut at 63 bytes on a character boundary, numbered on a clash."""

from __future__ import annotations

from schemalens.pgnames import choose_name, make_object_name


def test_names_are_cut_at_63_bytes_on_a_character_boundary() -> None:
    assert make_object_name("é" * 40, "id", "seq") == "é" * 28 + "_id_seq"  # 56 bytes
    assert make_object_name("aé" * 20, "x" * 20, "seq") == "aé" * 12 + "a_" + "x" * 20 + "_seq"
    assert make_object_name("t", None, "pkey") == "t_pkey"


def test_a_taken_name_gets_a_number_after_the_label() -> None:
    taken = {"t_a_key", "t_a_key1"}
    assert choose_name("t", "a", "key", taken.__contains__) == "t_a_key2"
    assert choose_name("t", "b", "key", taken.__contains__) == "t_b_key"
