"""psql scripts: meta-commands and COPY data cut out, statements split as psql splits them."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import codes, parse, table


def test_psql_meta_commands_and_copy_data_are_cut_out_with_notes() -> None:
    sql = r"""\connect mydb
SET statement_timeout = 0;
BEGIN;
CREATE TABLE t (id int, note text);
COPY public.t (id, note) FROM stdin;
1	it's; not ( sql
2	\N
\.
INSERT INTO t VALUES (3, 'x');
\set ON_ERROR_STOP on
COMMIT;
CREATE INDEX t_id ON t (id);
"""
    result = parse(sql)
    assert [i.name for i in table(result.schema, "t").indexes] == ["t_id"]
    notes = [(p.severity, p.code, p.span.start_line) for p in result.problems]
    assert sorted(notes) == sorted([("info", "skipped-statement", line) for line in (0, 1, 2, 4, 8, 9, 10)])


def test_syntax_error_in_a_script_with_copy_data_keeps_positions() -> None:
    sql = "COPY t FROM stdin;\nx\ty\n\\.\nCREATE TABLE t (id int);\nCREATE TABLE oops (;\n"
    result = parse(sql)
    error = next(p for p in result.problems if p.code == "syntax-error")
    assert (error.span.start_line, error.span.start_col) == (4, 19)
    assert [t.name for t in result.schema.tables] == ["t"]


def test_statement_splitting_respects_quotes_dollar_quotes_and_comments() -> None:
    sql = """CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
/* a ; comment /* nested ; */ still ; comment */
CREATE TABLE "we;ird" (c text DEFAULT E'it\\'s;', d text DEFAULT $$x;y$$, e text DEFAULT 'C:\\dir;');
CREATE TABLE broken (;
CREATE TABLE after (id int);
"""
    result = parse(sql)
    assert [t.name for t in result.schema.tables] == ["we;ird", "after"]
    assert table(result.schema, "we;ird").column("d").default == "'x;y'"
    assert table(result.schema, "we;ird").column("e").default == "'C:\\dir;'"
    assert sorted(codes(result)) == ["syntax-error", "unmanaged"]
