"""normalize_schema reuses a table's normalized form while the table object is unchanged
(the PostgreSQL source hands back unchanged tables as the same objects), and a database
table's while it is equal to the one read last time (introspection makes new objects)."""

from __future__ import annotations

import copy
from typing import Any

from schemalens.model import Schema, Table
from schemalens import normalize
from schemalens.normalize import normalize_schema
from schemalens.dialects.postgresql.files import reuse
from schemalens.dialects.postgresql.files import parse_postgresql

SQL = """CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id int4 PRIMARY KEY, feeling mood DEFAULT 'ok'::mood, n varchar(3));
CREATE TABLE posts (id int, body text);
"""


def parse(text: str) -> Schema:
    return parse_postgresql([("schema.sql", text)]).schema


def test_an_unchanged_table_keeps_its_normalized_form_and_an_edited_one_is_normalized_again() -> None:
    reuse._GROUPS.clear()
    reuse._GROUPS_BEFORE.clear()
    first = normalize_schema(parse(SQL))
    second = normalize_schema(parse(SQL.replace("body text", "body int8")))
    assert second.table("public", "users") is first.table("public", "users")
    assert second.table("public", "posts") is not first.table("public", "posts")
    assert second.table("public", "posts").column("body").type == "bigint"
    assert first.table("public", "posts").column("body").type == "text"
    assert second == normalize_schema(parse_postgresql([("other.sql", SQL.replace("body text", "body int8"))]).schema)


def test_a_table_is_normalized_again_when_the_enums_it_may_name_move() -> None:
    reuse._GROUPS.clear()
    reuse._GROUPS_BEFORE.clear()
    raw = parse(SQL)
    users = normalize_schema(raw).table("public", "users")
    assert users.column("feeling").type == "public.mood"
    moved = parse("CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('sad', 'ok');\n" + SQL.split("\n", 1)[1])
    assert moved.table("public", "users") is not raw.table("public", "users")  # the enum it read moved
    # the same raw table object, normalized against other enum homes
    raw.enums[0].schema = "app"
    again = normalize_schema(raw).table("public", "users")
    assert again is not users
    assert again.column("feeling").type == "public.mood"  # an unqualified enum name keeps public


def spans(table: Table) -> list[Any]:
    return [part.span for part in (table, *table.columns, *table.indexes)]


def test_a_moved_table_keeps_its_normalized_form_at_its_new_place() -> None:
    reuse._GROUPS.clear()
    reuse._GROUPS_BEFORE.clear()
    text = SQL + "CREATE INDEX posts_body ON posts (lower(body));\n"
    first = normalize_schema(parse(text)).table("public", "posts")
    assert [s.start_line for s in spans(first)] == [2, 2, 2, 3]
    moved_text = "-- two lines\n-- above\n" + text.replace("CREATE INDEX", "\nCREATE INDEX")
    moved = normalize_schema(parse(moved_text)).table("public", "posts")
    assert moved is first  # the source moved its statements' anchors: nothing to redo
    fresh = normalize_schema(parse_postgresql([("schema.sql", moved_text)]).schema).table("public", "posts")
    assert moved == fresh and spans(moved) == spans(fresh)
    assert [s.start_line for s in spans(moved)] == [4, 4, 4, 6]  # the index moved a line more


def introspected(text: str) -> Schema:
    """The shape introspection hands over: new objects on every read, no spans."""
    schema = copy.deepcopy(parse_postgresql([("db.sql", text)]).schema)
    for table in schema.tables:
        for part in (table, *table.columns, table.primary_key, *table.uniques, *table.foreign_keys,
                     *table.checks, *table.indexes):
            if part is not None:
                object.__setattr__(part, "span", None)
    return schema


def fresh(schema: Schema) -> Schema:
    kept_tables, kept_values = list(normalize._TABLES), normalize._BY_VALUE
    normalize._TABLES[:] = [{}, {}]
    normalize._BY_VALUE = {}
    try:
        return normalize_schema(schema)
    finally:
        normalize._TABLES[:] = kept_tables
        normalize._BY_VALUE = kept_values


def test_a_database_read_again_reuses_the_tables_the_catalog_did_not_change() -> None:
    first = normalize_schema(introspected(SQL))
    again = introspected(SQL.replace("body text", "body int8"))
    second = normalize_schema(again)
    assert second.table("public", "users") is first.table("public", "users")
    assert second.table("public", "posts") is not first.table("public", "posts")
    assert second == fresh(again) and second.table("public", "posts").column("body").type == "bigint"
    moved = introspected("CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('sad', 'ok');\n" + SQL.split("\n", 1)[1])
    third = normalize_schema(moved)  # the enum homes moved: every table is normalized again
    assert third.table("public", "users") is not second.table("public", "users")
    assert third == fresh(moved)


def test_a_table_with_spans_is_never_matched_by_value() -> None:
    normalize_schema(introspected(SQL))
    from_file = parse(SQL)
    normalized = normalize_schema(from_file).table("public", "users")
    assert normalized.span is not None and normalized.span == from_file.table("public", "users").span
