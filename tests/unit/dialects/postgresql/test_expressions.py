"""PostgreSQL expressions and index elements in one spelling, without a database (the
real-database counterpart is tests/db/test_normalize_postgresql.py)."""

from __future__ import annotations

import pytest

from schemalens.dialects.postgresql.expressions import (
    canonical_collation, canonical_expression, canonical_index_element, nextval_sequence, rename_columns,
)


@pytest.mark.parametrize("group", [
    ["'x'::text", "'x'", "('x')", "'x'::character varying"],
    ["0", "'0'::numeric", "(0)::numeric", "(0)"],
    ["-1", "'-1'::integer", "(-1)"],
    ["'{}'::jsonb", "'{}'"],
    ["ARRAY['a'::text, 'b'::text]", "ARRAY['a', 'b']"],
    ["x IN (1, 2)", "(x = ANY (ARRAY[1, 2]))", "x in (1,2)"],
    ["x NOT IN (1, 2)", "(x <> ALL (ARRAY[1, 2]))"],
    ["x IN (1)", "x = 1", "(x = ANY (ARRAY[1]))"],
    ["x BETWEEN 1 AND 3", "((x >= 1) AND (x <= 3))"],
    ["x NOT BETWEEN 1 AND 3", "((x < 1) OR (x > 3))"],
    ["s LIKE 'a%'", "(s ~~ 'a%'::text)", "((s)::text ~~ 'a%'::text)"],
    ["s ILIKE 'a%'", "(s ~~* 'a%'::text)"],
    ["s NOT LIKE 'a%'", "(s !~~ 'a%'::text)"],
    ["now()", "CURRENT_TIMESTAMP", "transaction_timestamp()", "pg_catalog.now()", "NOW( )"],
    ["a AND b AND c", "(a AND (b AND c))", "((a AND b) AND c)"],
    ["a OR b OR c", "(a OR (b OR c))"],
    ["true", "TRUE", "'t'::boolean", "'true'::boolean", "'yes'::boolean"],
    ["nextval('public.t_id_seq')", "nextval('t_id_seq'::regclass)", "nextval('T_ID_SEQ')",
     "nextval('public.t_id_seq'::regclass)", "pg_catalog.nextval('\"t_id_seq\"')"],
    ["lower(email)", "lower((email)::text)", "pg_catalog.lower(email)"],
    ["status IN ('a', 'b')",
     "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"],
    ["btrim(s)", "trim(s)", "trim(both from s)"],
    ["x::integer", "x::int4", "(x)::integer", "CAST(x AS int)"],
    ["public.my_func(x)", "my_func(x)"],
    ["x'1F'", "b'00011111'", "B'00011111'", "'00011111'::\"bit\"", "'00011111'::bit(8)"],
    ["'{}'::int[]", "ARRAY[]::integer[]", "'{}'::integer[]", "'{}'"],
    ["(a, b) > (0, 0)", "ROW(a, b) > ROW(0, 0)"],
    ["jsonb_extract_path_text(col, 'a', 'b')", "jsonb_extract_path_text(col, VARIADIC ARRAY['a', 'b'])"],
    ["ARRAY[CURRENT_DATE::text]::text[]", "ARRAY[(CURRENT_DATE)::text]"],
])
def test_expression_spellings_agree(group: list[str]) -> None:
    results = {text: canonical_expression(text) for text in group}
    assert len(set(results.values())) == 1, results


@pytest.mark.parametrize(("left", "right"), [
    ("x > 0", "x >= 0"),
    ("lower(s)", "upper(s)"),
    ("'a'", "'b'"),
    ("x IN (1, 2)", "x IN (1, 3)"),
    ("now()", "CURRENT_DATE"),
    ("nextval('a_seq')", "nextval('b_seq')"),
    ("x::date", "x"),
    ("'007'", "7"),
    ("a AND b", "a OR b"),
    ("CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP"),
])
def test_different_expressions_stay_different(left: str, right: str) -> None:
    assert canonical_expression(left) != canonical_expression(right)


@pytest.mark.parametrize(("group", "method"), [
    (["email", "email ASC", "email ASC NULLS LAST", "email text_ops", "(email)", "email pg_catalog.text_ops"], "btree"),
    (["email DESC", "email DESC NULLS FIRST"], "btree"),
    (["lower(email)", "(lower(email))", "lower((email)::text)"], "btree"),
    (["(a + b) DESC NULLS LAST", "((a + b)) DESC NULLS LAST"], "btree"),
    (["email text_pattern_ops", "email pg_catalog.text_pattern_ops", "email text_pattern_ops ASC"], "btree"),
    (["doc", "doc jsonb_ops"], "gin"),
    (['email COLLATE "C"', 'email COLLATE pg_catalog."C"'], "btree"),
    (["name gin_trgm_ops", "name public.gin_trgm_ops"], "gin"),
])
def test_index_element_spellings_agree(group: list[str], method: str) -> None:
    results = {text: canonical_index_element(text, method) for text in group}
    assert len(set(results.values())) == 1, results


def test_index_elements_that_differ() -> None:
    assert canonical_index_element("a DESC", "btree") != canonical_index_element("a", "btree")
    assert canonical_index_element("a NULLS FIRST", "btree") != canonical_index_element("a", "btree")
    assert canonical_index_element("doc jsonb_path_ops", "gin") != canonical_index_element("doc", "gin")


def test_unparsable_text_is_kept_not_raised() -> None:
    assert canonical_expression("this is (not sql") == "this is (not sql"
    assert canonical_index_element("((broken", "btree") == "((broken"


@pytest.mark.parametrize(("written", "stored"), [
    ("interval '24 hours'", "'24:00:00'::interval"),
    ("'1 week'::interval", "'7 days'::interval"),
    ("interval '90' minute", "'01:30:00'::interval"),
    ("interval '1.5' year", "'1 year'::interval"),
    ("'1.5 days'::interval", "'1 day 12:00:00'::interval"),
    ("now() + interval '1 hour'", "(now() + '01:00:00'::interval)"),
])
def test_interval_constants_as_postgresql_prints_them(written: str, stored: str) -> None:
    assert canonical_expression(written) == canonical_expression(stored)


def test_interval_constants_that_differ() -> None:
    assert canonical_expression("'1 day'::interval") != canonical_expression("'24 hours'::interval")


def test_nextval_reads_the_sequence_name_as_regclass_input_does() -> None:
    assert nextval_sequence("nextval('public.\"T_seq\"'::regclass)") == ("public", "T_seq")
    assert nextval_sequence(" nextval('App.T_Seq') ") == ("app", "t_seq")
    assert nextval_sequence("nextval('it''s')") == (None, "it's")
    assert nextval_sequence("now()") is None and nextval_sequence(None) is None


@pytest.mark.parametrize("group", [
    ["nextval('My Seq')", "pg_catalog.nextval('my seq'::regclass)", "nextval('public.\"my seq\"')"],
    ["nextval('a.b.c')", "pg_catalog.nextval('a.b.c')"],
    ["nextval('it''s')", "pg_catalog.nextval('public.\"it''s\"')"],
])
def test_the_nextval_fast_path_agrees_with_the_parse(group: list[str]) -> None:
    results = {text: canonical_expression(text) for text in group}
    assert len(set(results.values())) == 1, results


def test_a_column_rename_is_carried_into_the_expression() -> None:
    assert rename_columns("a > 0 AND t.a < b AND 'a' <> c", {"a": "Z"}) == "\"Z\" > 0 AND t.\"Z\" < b AND 'a' <> c"
    assert rename_columns("not sql (", {"a": "z"}) == "not sql ("


@pytest.mark.parametrize(("written", "catalog"), [
    ('"default"', None), ('pg_catalog."default"', None), ('"C"', '"C"'), ("C", "c"), ('"POSIX"', '"POSIX"'),
    ('pg_catalog."C"', '"C"'), ('"und-x-icu"', '"und-x-icu"'), ('public."Mine"', 'public."Mine"'),
])
def test_a_collation_is_spelled_as_the_catalog_names_it(written: str, catalog: str | None) -> None:
    assert canonical_collation(written) == catalog
