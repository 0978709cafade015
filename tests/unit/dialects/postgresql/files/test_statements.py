"""Text -> statements: syntax errors at their place, and the parse cache the editor relies on."""

from __future__ import annotations

from schemalens.model import Span
from tests.unit.dialects.postgresql.files.helpers import ok, parse, table


def test_syntax_error_is_reported_at_its_place_and_other_statements_still_count() -> None:
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x int);\nCREATE TABLE c (id int);\n"
    result = parse(sql)
    (problem,) = result.problems
    assert (problem.severity, problem.code) == ("error", "syntax-error")
    assert problem.message == 'syntax error at or near ","'
    assert (problem.span.start_line, problem.span.start_col) == (1, 23)
    assert [t.name for t in result.schema.tables] == ["a", "c"]


def test_syntax_error_column_counts_code_points_not_bytes() -> None:
    sql = "COMMENT ON SCHEMA public IS 'héllo wörld ✓';\nCREATE TABLE tëst (naïve int, ✓✓ bad bad);"
    result = parse(sql)
    errors = [p for p in result.problems if p.code == "syntax-error"]
    assert len(errors) == 1
    assert errors[0].message == 'syntax error at or near "bad"'
    line = sql.splitlines()[1]
    assert (errors[0].span.start_line, errors[0].span.start_col) == (1, line.index("bad bad") + 4)


def test_syntax_error_at_end_of_input() -> None:
    result = parse("CREATE TABLE t (id int);\nCREATE TABLE u (id int")
    (problem,) = result.problems
    assert problem.message == "syntax error at end of input"
    assert problem.span.start_line == 1
    assert [t.name for t in result.schema.tables] == ["t"]


def test_an_edited_statement_is_read_again_and_the_others_keep_their_places() -> None:
    before = "CREATE TABLE a (x varchar(10));\nCREATE TABLE b (y int);\n"
    assert table(ok(before), "a").columns[0].type == "character varying(10)"
    after = "-- moved down\nCREATE TABLE a (x varchar(20), z text);\nCREATE TABLE b (y int);\n"
    schema = ok(after)
    assert [(c.name, c.type) for c in table(schema, "a").columns] == [
        ("x", "character varying(20)"), ("z", "text")]
    assert table(schema, "b").span == Span("schema.sql", 2, 13, 2, 14)
    assert ok(before) == ok(before)  # and back again, from the cache


def test_a_rename_does_not_leak_into_the_cached_statements() -> None:
    create = "CREATE TABLE t (a int CHECK (a > 0), b int DEFAULT 1);\nCREATE INDEX i ON t (a) WHERE a > 1;\n"
    renamed = ok(create + "ALTER TABLE t RENAME COLUMN a TO c;\n")
    assert table(renamed, "t").checks[0].expression == "c > 0"
    assert table(renamed, "t").indexes[0].columns == ["c"]
    plain = table(ok(create), "t")  # same CREATE statements, from the cache, without the rename
    assert plain.checks[0].expression == "a > 0"
    assert plain.indexes[0].columns == ["a"] and plain.indexes[0].where == "a > 1"


def test_non_ascii_text_before_a_statement_keeps_its_positions() -> None:
    text = "CREATE TABLE é (x int); -- ü\nCREATE TABLE u (y text CHECK (y <> 'ö'));\n"
    for _ in range(2):
        result = parse(text)
        assert table(result.schema, "u").span == Span("schema.sql", 1, 13, 1, 14)
        assert table(result.schema, "u").checks[0].span.start_line == 1
