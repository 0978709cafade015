"""diff replays a table pair's changes from the last diffs when both tables are the same
objects as then: the result must be what a fresh diff gives."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from schemalens.changes import Hazard, Renames
from schemalens.diff import reuse as diff_module
from schemalens.diff import diff
from schemalens.model import Schema
from schemalens.normalize import normalize_schema
from schemalens.dialects.postgresql.files import parse_postgresql

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from generate_schema import generate_schema

NONE = Renames({}, {})


def schema(text: str) -> Schema:
    return normalize_schema(parse_postgresql([("schema.sql", text)]).schema)


def dump(changes: list[Any]) -> list[Any]:
    return [(c.id, c.description, c.data_loss, c.lock, c.rename_candidate,
             repr(c.before), repr(c.after), getattr(c.after, "span", None)) for c in changes]


CALLERS = Hazard("data-loss", "x", "changed by a caller")


def fresh(actual: Schema, desired: Schema, renames: Renames = NONE) -> list[Any]:
    kept = list(diff_module._PAIRS)
    diff_module._PAIRS[:] = [{}, {}]
    try:
        return dump(diff(actual, desired, renames))
    finally:
        diff_module._PAIRS[:] = kept


DB = """CREATE TABLE users (id int PRIMARY KEY, email text, name text);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), title text);
"""


def test_same_tables_replay_and_edited_ones_compare_again() -> None:
    actual = schema(DB)
    first = diff(actual, schema(DB.replace("title text", "title varchar(9)")), NONE)
    assert [c.id for c in first] == ["alter_column:public.posts.title"]
    first[0].hazards = (CALLERS,)
    desired = schema(DB.replace("title text", "title varchar(9)").replace("name text", "name int"))
    second = diff(actual, desired, NONE)
    assert [c.id for c in second] == ["alter_column:public.users.name", "alter_column:public.posts.title"]
    assert dump(second) == fresh(actual, desired)
    third = diff(actual, desired, NONE)
    assert dump(third) == dump(second)
    third[0].hazards = third[1].hazards = (CALLERS,)  # replayed ones too
    assert dump(diff(actual, desired, NONE)) == dump(second)


def test_a_moved_table_replays_its_changes_at_its_new_place() -> None:
    actual = schema(DB + "CREATE INDEX posts_title ON posts (title);\n")
    text = DB.replace("title text", "title varchar(9)") + "CREATE INDEX posts_title ON posts (lower(title));\n"
    before = schema(text)
    first = [(c.id, c.span and c.span.start_line) for c in diff(actual, before, NONE)]
    moved = schema("-- a line\n" + text.replace("CREATE INDEX", "-- and one\nCREATE INDEX"))
    assert moved.tables[1] is before.tables[1]  # the replayed path
    second = diff(actual, moved, NONE)
    assert dump(second) == fresh(actual, moved)
    assert first == [("drop_index:public.posts.posts_title", None), ("alter_column:public.posts.title", 1),
                     ("create_index:public.posts.posts_title", 2)]
    assert [(c.id, c.span and c.span.start_line) for c in second] == [
        ("drop_index:public.posts.posts_title", None), ("alter_column:public.posts.title", 2),
        ("create_index:public.posts.posts_title", 4)]


def test_renames_compare_every_table_again() -> None:
    actual = schema(DB)
    desired = schema(DB.replace("email text", "mail text"))
    diff(actual, desired, NONE)
    renames = Renames({}, {("public", "users", "email"): "mail"})
    renamed = diff(actual, desired, renames)
    assert [c.kind for c in renamed] == ["rename_column"]
    assert dump(renamed) == fresh(actual, desired, renames)
    assert dump(diff(actual, desired, NONE)) == fresh(actual, desired)


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_diff_as_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    base = generate_schema(30, seed=seed)
    actual = schema(base)
    text = base
    for _ in range(10):
        edit = rng.choice(("varchar", "not null", "drop", "index", "sequence", "rename", "lines"))
        if edit == "varchar":
            text = re.sub(r"varchar\((\d+)\)", lambda m: f"varchar({int(m.group(1)) + 1})", text, count=rng.randint(1, 4))
        elif edit == "not null":
            text = text.replace(" NOT NULL", "", 1) if rng.random() < 0.5 else text.replace(" text,", " text NOT NULL,", 1)
        elif edit == "drop":
            statements = text.split(";")
            statements.pop(rng.randrange(len(statements) - 1))
            text = ";".join(statements)
        elif edit == "index":
            name = rng.choice(re.findall(r"CREATE TABLE (\w+)", text))
            text += f"\nCREATE INDEX ON {name} (id);\n"
        elif edit == "sequence":
            text += "\nCREATE SEQUENCE free_seq;\n" if "free_seq" not in text else ""
        elif edit == "lines":  # moves the tables below (and an index away from its table)
            at = rng.choice([m.start() for m in re.finditer(r"^CREATE", text, re.M)])
            text = text[:at] + "-- a line\n" * rng.randint(1, 3) + text[at:]
        else:
            text = text.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)
        desired = schema(text)
        assert dump(diff(actual, desired, NONE)) == fresh(actual, desired)
        if rng.random() < 0.3:
            actual = schema(text)  # someone pushed
