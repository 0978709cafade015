"""The PostgreSQL source reuses unchanged tables between parses (the editor parses the
whole file on every save): the result must always be the one a fresh parse gives,
spans and problems included, and a reused table must be the very same object."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from schemalens.model import Schema, SourceResult, Table
from schemalens.dialects.postgresql.files import reuse
from schemalens.dialects.postgresql.files.reader import Builder
from schemalens.dialects.postgresql.files import parse_postgresql

ROOT = Path(__file__).resolve().parents[5]
sys.path.insert(0, str(ROOT / "bench"))
from generate_schema import generate_schema
from tests.data import CORPUS as CORPUS_FOLDER

CORPUS = CORPUS_FOLDER / "sqldef-postgresql.jsonl"


def dump(value: Any) -> Any:
    """Every field, spans and renames included (they do not take part in ==)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, dump(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return tuple(dump(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, dump(v)) for k, v in value.items())
    return value


def cold(text: str) -> SourceResult:
    reuse._GROUPS.clear()
    reuse._GROUPS_BEFORE.clear()
    return parse_postgresql([("schema.sql", text)])


def from_scratch(text: str) -> SourceResult:
    """A fresh parse that leaves the tables kept for the next one as they were."""
    kept = dict(reuse._GROUPS), dict(reuse._GROUPS_BEFORE)
    try:
        return cold(text)
    finally:
        reuse._GROUPS.update(kept[0])
        reuse._GROUPS_BEFORE.update(kept[1])


def warm(before: str, after: str) -> SourceResult:
    cold(before)
    return parse_postgresql([("schema.sql", after)])


def same(before: str, after: str) -> None:
    incremental = dump(warm(before, after))
    assert incremental == dump(cold(after))


def table(schema: Schema, name: str) -> Table:
    found = schema.table("public", name)
    assert found is not None, name
    return found


BASE = """CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    feeling mood
);
CREATE INDEX users_email_idx ON users (lower(email));
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    user_id integer REFERENCES users (id),
    title text
);
COMMENT ON TABLE posts IS 'Posts.';
"""


def test_unchanged_tables_come_back_as_the_same_objects() -> None:
    first = cold(BASE).schema
    edited = BASE.replace("title text", "title varchar(80)")
    second = parse_postgresql([("schema.sql", edited)]).schema
    assert table(second, "users") is table(first, "users")
    assert table(second, "posts") is not table(first, "posts")
    assert table(second, "posts").column("title").type == "character varying(80)"
    assert table(first, "posts").column("title").type == "text"
    same(BASE, edited)


def test_an_edited_statement_shows_its_new_content() -> None:
    edited = BASE.replace("email varchar(255)", "email varchar(300)")
    result = warm(BASE, edited)
    assert table(result.schema, "users").column("email").type == "character varying(300)"
    assert table(result.schema, "users").indexes[0].columns == ["lower(email)"]
    same(BASE, edited)


def test_a_later_statement_touching_a_cached_table_is_applied() -> None:
    for later in ("ALTER TABLE users ADD COLUMN age int;",
                  "ALTER TABLE users RENAME COLUMN email TO mail;",
                  "COMMENT ON COLUMN users.email IS 'Mail.';",
                  "CREATE INDEX users_feeling_idx ON users (feeling);",
                  "DROP INDEX users_email_idx;",
                  "ALTER TYPE mood RENAME TO humor;",
                  "ALTER TABLE users RENAME TO people;",
                  "DROP TABLE posts;",
                  "CREATE SEQUENCE users_id_seq1;"):
        edited = BASE + later + "\n"
        same(BASE, edited)
        same(edited, BASE)  # and undone again
    result = warm(BASE, BASE + "ALTER TABLE users ADD COLUMN age int;\n")
    assert [c.name for c in table(result.schema, "users").columns][-1] == "age"


def test_what_a_table_read_changing_rebuilds_it() -> None:
    for edited in (
        BASE.replace("CREATE TYPE mood AS ENUM ('sad', 'ok');", ""),  # column type unknown now
        "CREATE SEQUENCE users_id_seq;\n" + BASE,  # serial sequence name taken: users_id_seq1
        "SET search_path TO app;\nCREATE SCHEMA app;\n" + BASE,  # tables move schema
        BASE.replace("CREATE TABLE users", "CREATE TABLE users2"),  # FK target gone
        BASE.replace("id serial PRIMARY KEY", "id serial"),  # FK target key gone
        BASE.replace("CREATE INDEX users_email_idx", "CREATE INDEX posts_pkey"),  # name clash
    ):
        same(BASE, edited)
        same(edited, BASE)
    result = warm(BASE, "CREATE SEQUENCE users_id_seq;\n" + BASE)
    assert table(result.schema, "users").column("id").default == \
        "nextval('public.users_id_seq1'::regclass)"


def test_dropping_the_schema_a_reference_resolved_to_rebuilds_the_referencing_table() -> None:
    text = """CREATE SCHEMA app;
SET search_path TO app, public;
CREATE TABLE t (id int PRIMARY KEY);
CREATE TABLE public.u (t_id int REFERENCES t (id), n int);
"""
    for later in ("DROP SCHEMA app CASCADE;", "ALTER SCHEMA app RENAME TO other;",
                  "DROP TABLE t CASCADE;", "ALTER TABLE t RENAME TO t2;"):
        same(text, text + later + "\n")
        same(text + later + "\n", text)


def test_a_table_stays_reusable_across_a_parse_of_another_file() -> None:
    first = cold(BASE).schema
    parse_postgresql([("other.sql", "CREATE TABLE x (id int);")])
    assert table(parse_postgresql([("schema.sql", BASE)]).schema, "users") is table(first, "users")


def test_a_moved_table_gets_its_new_spans() -> None:
    users = BASE[BASE.index("CREATE TABLE users"):BASE.index("CREATE INDEX")]
    moved = BASE.replace(users, "") + users
    result = warm(BASE, moved)
    assert table(result.schema, "users").span.start_line == moved.count("\n", 0, moved.index("CREATE TABLE users"))
    same(BASE, moved)
    shifted = "\n\n" + BASE
    assert table(warm(BASE, shifted).schema, "posts").span.start_line == \
        table(cold(BASE).schema, "posts").span.start_line + 2
    same(BASE, shifted)


def test_a_moved_table_is_not_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    before = table(cold(BASE).schema, "users")
    built: list[str] = []
    create = Builder._CreateStmt

    def counting(self: Builder, stmt: Any, body: Any) -> None:
        built.append(body["relation"]["relname"])
        create(self, stmt, body)

    monkeypatch.setattr(Builder, "_CreateStmt", counting)
    edited = "-- a new first line\n\n" + BASE.replace("title text", "title text,\n    body text")
    result = parse_postgresql([("schema.sql", edited)])
    assert built == ["posts"]  # users moved down two lines: reused, its anchors moved
    users = table(result.schema, "users")
    assert users is before
    assert users.span.start_line == 3
    assert users.indexes[0].span.start_line == 8
    assert dump(result) == dump(from_scratch(edited))
    assert table(parse_postgresql([("schema.sql", BASE)]).schema, "users").indexes[0].span.start_line == 6


def test_renamed_directives_are_read_again() -> None:
    edited = BASE.replace("CREATE TABLE posts (", "CREATE TABLE posts ( -- @renamed from=articles") \
                 .replace("    title text", "    title text -- @renamed from=heading")
    result = warm(BASE, edited)
    posts = table(result.schema, "posts")
    assert posts.renamed_from == "articles"
    assert posts.column("title").renamed_from == "heading"
    same(BASE, edited)
    same(edited, BASE)
    trailing = BASE.replace("users (lower(email));", "users (lower(email)); -- @renamed from=old_idx")
    assert table(warm(BASE, trailing).schema, "users").indexes[0].renamed_from == "old_idx"
    same(BASE, trailing)


def test_problems_are_the_same_as_from_scratch() -> None:
    broken = BASE + "CREATE TABLE users (id int);\nCREATE INDEX ON nowhere (x);\n"
    same(BASE, broken)
    same(broken, BASE)
    same(broken, broken)


EDITS = ("varchar", "newline", "move", "alter", "comment", "delete", "duplicate", "rename", "drop")


def random_edit(text: str, rng: random.Random) -> str:
    statements = [s + ";" for s in text.split(";") if s.strip()]
    kind = rng.choice(EDITS)
    i = rng.randrange(len(statements))
    tables = re.findall(r"CREATE TABLE (\w+)", text)
    name = rng.choice(tables) if tables else "nothing"
    if kind == "varchar":
        return re.sub(r"varchar\((\d+)\)", lambda m: f"varchar({int(m.group(1)) + 1})", text,
                      count=rng.randint(1, 3))
    if kind == "newline":
        statements.insert(i, "\n")
    elif kind == "move":
        statements.insert(rng.randrange(len(statements)), statements.pop(i))
    elif kind == "alter":
        statements.insert(i, f"\nALTER TABLE {name} ADD COLUMN extra_{i} int;")
    elif kind == "comment":
        statements.insert(i, f"\nCOMMENT ON TABLE {name} IS 'x';")
    elif kind == "delete":
        statements.pop(i)
    elif kind == "duplicate":
        statements.insert(rng.randrange(len(statements)), statements[i])
    elif kind == "rename":
        return text.replace(f"CREATE TABLE {name} (", f"CREATE TABLE {name} ( -- @renamed from=old_{name}")
    elif kind == "drop":
        statements.insert(i, f"\nDROP TABLE {name};")
    return "".join(statements)


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_of_the_bench_schema_parse_as_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    text = generate_schema(40, seed=seed)
    cold(text)
    for _ in range(15):
        edited = random_edit(text, rng)
        assert dump(parse_postgresql([("schema.sql", edited)])) == dump(from_scratch(edited))
        text = edited


def test_corpus_texts_parse_as_from_scratch() -> None:
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    checked = 0
    for case in cases:
        current, desired = case.get("current") or "", case.get("desired") or ""
        expected = dump(from_scratch(desired))
        parse_postgresql([("schema.sql", current)])
        assert dump(parse_postgresql([("schema.sql", desired)])) == expected, case["name"]
        assert dump(parse_postgresql([("schema.sql", desired)])) == expected, case["name"]
        checked += 1
    assert checked > 400
