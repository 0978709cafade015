"""Canonical spellings, without a database (the real-database counterpart is
tests/db/test_normalize_postgresql.py)."""

from __future__ import annotations

import json

import pytest

from schemalens.model import (
    Check, Column, Enum, Extension, ForeignKey, Identity, Index, PrimaryKey, Schema, Sequence, Span, Table, Unique,
    as_written, to_json,
)
from schemalens.dialects.postgresql.expressions import canonical_expression
from schemalens.normalize import normalize_schema

PG = "postgresql"


def _span(line: int) -> Span:
    return Span("schema.sql", line, 0, line, 10)


def test_normalize_schema_rewrites_a_copy_and_keeps_spans() -> None:
    column = Column("id", "int4", nullable=False, default="nextval('t_id_seq'::regclass)", span=_span(1),
                    renamed_from="old_id")
    table = Table(
        "app", "t",
        columns=[column,
                 Column("flag", "bool", default="'t'"),
                 Column("note", "varchar(3)", default="NULL", collation='pg_catalog."C"'),
                 Column("ident", "int8", default="0", identity=Identity(always=True)),
                 Column("feeling", "mood", default="'ok'::app.mood")],
        primary_key=PrimaryKey(None, ["id"], span=_span(2)),
        uniques=[Unique(None, ["note"])],
        foreign_keys=[ForeignKey(None, ["id"], "app", "t", ["id"])],
        checks=[Check("c", "(id BETWEEN 1 AND 3)", span=_span(3))],
        indexes=[Index("i", ["lower(note) ASC"], method="BTREE", where="flag = 't'::boolean", span=_span(4))],
        span=_span(0), renamed_from="old_t",
    )
    schema = Schema(PG, enums=[Enum("app", "mood", ["ok"])], extensions=[Extension("citext", "public")],
                    sequences=[Sequence("app", "s", data_type="int8")], tables=[table])
    before = repr(schema)

    out = normalize_schema(schema)

    assert repr(schema) == before  # the input is untouched
    t = out.tables[0]
    assert (t.span, t.renamed_from) == (_span(0), "old_t")
    id_col, flag, note, ident, feeling = t.columns
    assert (id_col.type, id_col.default, id_col.span, id_col.renamed_from) == (
        "integer", "nextval('app.t_id_seq')", _span(1), "old_id")
    assert flag.type == "boolean" and flag.default == canonical_expression("true")
    assert note.default is None and note.collation == '"C"'
    assert ident.default is None and ident.identity == Identity(always=True)
    assert feeling.type == "app.mood"  # the only enum of that name lives in app
    assert feeling.default == "'ok'"
    assert t.primary_key is not None and t.primary_key.span == _span(2)
    assert t.checks[0].expression == "id >= 1 AND id <= 3" and t.checks[0].span == _span(3)
    assert t.indexes[0].columns == ["(lower(note))"] and t.indexes[0].method == "btree"
    assert t.indexes[0].where == "flag = TRUE" and t.indexes[0].span == _span(4)
    assert out.extensions == [Extension("citext", None)]
    assert out.sequences[0].data_type == "bigint"
    assert out.tables[0].columns[0] is not schema.tables[0].columns[0]


def test_normalize_schema_sqlite_is_a_copy_with_expressions_in_one_spelling() -> None:
    table = Table("main", "t", [Column("a", "VARCHAR(10) ", default="current_timestamp")])
    out = normalize_schema(Schema("sqlite", tables=[table]))
    assert out.tables[0].columns[0].type == "VARCHAR(10)"
    assert out.tables[0].columns[0].default == "CURRENT_TIMESTAMP"
    assert out.tables[0] is not table and table.columns[0].default == "current_timestamp"


def _big_schema(tables: int, distinct: bool) -> Schema:
    """A schema shaped like the 1,000-table benchmark, spelled as introspection reports it."""
    result = Schema(PG, enums=[Enum("public", "status", ["new", "gone"])])
    for i in range(tables):
        n = i if distinct else 0
        result.tables.append(Table("public", f"t{i}", columns=[
            Column("id", "bigint", False, f"nextval('public.t{i}_id_seq'::regclass)"),
            Column("name", "character varying(100)", False),
            Column("email", "text"),
            Column("status", "public.status", False, "'new'::public.status"),
            Column("amount", "numeric(12,2)", default="0"),
            Column("created_at", "timestamp with time zone", False, "now()"),
            Column("updated_at", "timestamp with time zone"),
            Column("active", "boolean", default="true"),
            Column("score", "double precision"),
            Column("tags", "text[]", default="'{}'::text[]"),
            Column("data", "jsonb", default="'{}'::jsonb"),
            Column("code", "character(4)"),
            Column("note", "text"),
            Column("parent_id", "bigint"),
        ], checks=[Check(f"t{i}_amount_check", f"(amount >= ({n})::numeric)"),
                   Check(f"t{i}_code_check", f"(code = ANY (ARRAY['A{n}'::bpchar, 'B'::bpchar]))")],
            indexes=[Index(f"t{i}_name", ["lower((name)::text)"]),
                     Index(f"t{i}_created", ["created_at DESC"], where="active"),
                     Index(f"t{i}_status", ["status", "parent_id"])]))
    return result


@pytest.mark.parametrize("distinct", [False, True], ids=["repeated-texts", "distinct-texts"])
def test_normalizes_a_thousand_tables(distinct: bool) -> None:
    """Correct at scale, with the parse cache shared across tables (speed is bench/'s job)."""
    out = normalize_schema(_big_schema(1000, distinct))
    assert out.tables[999].checks[0].expression.startswith("amount >= ")
    assert (out.tables[0].checks[0].expression != out.tables[999].checks[0].expression) == distinct


def test_money_defaults_are_rounded_to_cents() -> None:
    def money_default(text: str) -> str | None:
        table = Table("public", "t", [Column("m", "money", default=text)])
        return normalize_schema(Schema(PG, tables=[table])).tables[0].columns[0].default

    assert money_default("1.999") == money_default("'$2.00'::money") == money_default("'2'")
    assert money_default("'1.00'::money") != money_default("2")


def _default(type_: str, text: str) -> str | None:
    table = Table("public", "t", [Column("c", type_, default=text)])
    return normalize_schema(Schema(PG, tables=[table])).tables[0].columns[0].default


@pytest.mark.parametrize(("type_", "written", "stored", "canonical"), [
    ("bit(4)", "x'A'", "'1010'::\"bit\"", "b'1010'"),
    ("bit(8)", "B'00011111'", "'00011111'::\"bit\"", "b'00011111'"),
    ("bit varying(5)", "'101'", "'101'::bit varying", "b'101'"),
    ("integer", "'-1'", "'-1'::integer", "-1"),
    ("numeric(10,2)", "'0.5'", "0.5", "0.50"),  # as the column holds it: its scale rounds every value
    ("bytea", "''", "'\\x'::bytea", "'\\x'"),
    ("integer[]", "ARRAY[]::int[]", "'{}'::integer[]", "'{}'"),
    ("text[]", "'{}'", "ARRAY[]::text[]", "'{}'"),
    ("timestamp with time zone", "'2001-01-01 00:00:00'::timestamp", "'2001-01-01 00:00:00'::timestamp without time zone",
     "CAST('2001-01-01 00:00:00' AS timestamp)"),
    ("timestamp with time zone", "'2001-01-01 00:00:00+00'", "'2001-01-01 00:00:00+00'::timestamp with time zone",
     "'2001-01-01 00:00:00+00'"),
])
def test_defaults_take_their_column_type(type_: str, written: str, stored: str, canonical: str) -> None:
    """Canonical defaults are valid SQL for the column: a bit string stays a bit string
    (never the number 1010), an empty array is '{}' (a bare ARRAY[] has no type)."""
    assert _default(type_, written) == _default(type_, stored) == canonical


@pytest.mark.parametrize(("type_", "text", "canonical"), [
    ("jsonb", "'5'", "'5'"), ("text", "'5'", "'5'"), ("bytea", "'1'", "'\\x31'")])
def test_quoted_numbers_stay_strings_where_the_type_is_no_number(type_: str, text: str, canonical: str) -> None:
    assert _default(type_, text) == canonical


@pytest.mark.parametrize(("columns", "written", "stored"), [
    ([("x", "integer")], "x > '5'", "(x > 5)"),
    ([("x", "integer")], "x IN ('1', '2')", "(x = ANY (ARRAY[1, 2]))"),
    ([("s", "text")], "s <> '5'", "(s <> '5'::text)"),
    ([("v", "bit(4)")], "v <> B'0000'", "(v <> '0000'::\"bit\")"),
    ([("b", "boolean")], "b = 't'", "(b = true)"),
])
def test_check_constants_take_the_type_of_the_column_they_meet(
        columns: list[tuple[str, str]], written: str, stored: str) -> None:
    def check(text: str) -> str:
        table = Table("public", "t", [Column(n, t) for n, t in columns], checks=[Check(None, text)])
        return normalize_schema(Schema(PG, tables=[table])).tables[0].checks[0].expression

    assert check(written) == check(stored)
    if columns[0][1] == "text":
        assert "'5'" in check(written)  # rendering `s <> 5` would fail: no text <> integer


def test_the_written_text_is_kept_for_push_and_the_canonical_one_compared() -> None:
    table = Table("public", "t", [
        Column("a", "timestamp", default="CURRENT_TIMESTAMP"),
        Column("b", "varchar(5)", default="NULL"),
        Column("n", "bigint", default="'0'::bigint"),
        Column("g", "integer", generated="timezone('utc', a)"),
    ], checks=[Check("c", "(a AT TIME ZONE 'utc') < now()")],
        indexes=[Index("i", ["(a AT TIME ZONE 'utc')"], where="b IN ('x')")])
    schema = Schema(PG, tables=[table])
    out = normalize_schema(schema).tables[0]
    a, b, n, g = out.columns
    assert (a.default, as_written(a, "default")) == (canonical_expression("now()"), "CURRENT_TIMESTAMP")
    assert (b.default, as_written(b, "default")) == (None, "NULL")  # no default, but written: NULL::varchar stays
    assert (n.default, as_written(n, "default")) == ("0", "'0'::bigint")
    assert as_written(g, "generated") == "timezone('utc', a)"
    assert as_written(out.checks[0], "expression") == "(a AT TIME ZONE 'utc') < now()"
    assert as_written(out.indexes[0], "columns") == ["(a AT TIME ZONE 'utc')"]
    assert as_written(out.indexes[0], "where") == "b IN ('x')"
    # compared by the canonical form only; normalizing again keeps what the source wrote
    stored = Table("public", "t", [Column("a", "timestamp", default="now()"), *table.columns[1:]],
                   checks=table.checks, indexes=table.indexes)
    assert normalize_schema(Schema(PG, tables=[stored])).tables[0] == out
    assert as_written(normalize_schema(normalize_schema(schema)).tables[0].columns[0], "default") == "CURRENT_TIMESTAMP"
    assert "written" not in json.dumps(to_json(normalize_schema(schema)))


def test_what_a_database_says_is_kept_as_written_too() -> None:
    column = Column("a", "integer", default="'0'::integer")
    out = normalize_schema(Schema(PG, tables=[Table("public", "t", [column])])).tables[0].columns[0]
    assert (out.default, as_written(out, "default")) == ("0", "'0'::integer")
    assert as_written(Column("x", "integer", default="1"), "default") == "1"  # never normalized: as it is
