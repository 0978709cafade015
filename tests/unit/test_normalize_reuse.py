"""normalize_schema reuses a table's normalized form while the table object is unchanged
(the PostgreSQL source hands back unchanged tables as the same objects)."""

from __future__ import annotations

from typing import Any

from schemalens.model import Schema, Table
from schemalens.normalize import normalize_schema
from schemalens.sources import postgresql
from schemalens.sources.postgresql import parse_postgresql

SQL = """CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id int4 PRIMARY KEY, feeling mood DEFAULT 'ok'::mood, n varchar(3));
CREATE TABLE posts (id int, body text);
"""


def parse(text: str) -> Schema:
    return parse_postgresql([("schema.sql", text)]).schema


def test_an_unchanged_table_keeps_its_normalized_form_and_an_edited_one_is_normalized_again() -> None:
    postgresql._GROUPS.clear()
    postgresql._GROUPS_BEFORE.clear()
    first = normalize_schema(parse(SQL))
    second = normalize_schema(parse(SQL.replace("body text", "body int8")))
    assert second.table("public", "users") is first.table("public", "users")
    assert second.table("public", "posts") is not first.table("public", "posts")
    assert second.table("public", "posts").column("body").type == "bigint"
    assert first.table("public", "posts").column("body").type == "text"
    assert second == normalize_schema(parse_postgresql([("other.sql", SQL.replace("body text", "body int8"))]).schema)


def test_a_table_is_normalized_again_when_the_enums_it_may_name_move() -> None:
    postgresql._GROUPS.clear()
    postgresql._GROUPS_BEFORE.clear()
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
    postgresql._GROUPS.clear()
    postgresql._GROUPS_BEFORE.clear()
    text = SQL + "CREATE INDEX posts_body ON posts (lower(body));\n"
    first = normalize_schema(parse(text)).table("public", "posts")
    assert [s.start_line for s in spans(first)] == [2, 2, 2, 3]
    moved_text = "-- two lines\n-- above\n" + text.replace("CREATE INDEX", "\nCREATE INDEX")
    moved = normalize_schema(parse(moved_text)).table("public", "posts")
    assert moved is first  # the source moved its statements' anchors: nothing to redo
    fresh = normalize_schema(parse_postgresql([("schema.sql", moved_text)]).schema).table("public", "posts")
    assert moved == fresh and spans(moved) == spans(fresh)
    assert [s.start_line for s in spans(moved)] == [4, 4, 4, 6]  # the index moved a line more
