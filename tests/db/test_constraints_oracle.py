"""Constraints and indexes against the oracle (issue 11, classes 4 and 10): a database made
by running a file and one made by pushing it dump identically (pg_dump --schema-only),
names included; check is clean on both and a second push plans nothing; and pushing a
second file onto the first one's database gives the second file's own database.

The files are generated: checks (NO INHERIT, NOT VALID), primary keys, unique constraints,
foreign keys (NOT VALID) and indexes, each named or left to PostgreSQL, with names that
collide with the ones PostgreSQL chooses. A file PostgreSQL refuses (a name given twice)
is not an example.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.config import Settings, load_settings
from schemalens.workflows import NO_RENAMES
from tests import oracle
from tests.db.corpus import pg_database, run_script

pytestmark = pytest.mark.db

PARENT = "CREATE TABLE p (id integer PRIMARY KEY, x integer, UNIQUE (id, x));\n"
COLUMNS = "a integer, b integer, c integer NOT NULL, d text"
CHECKS = ["a > 0", "b > 0", "a > 0 AND b > 0", "length(d) < 10", "c <> 5"]
KEYS = [["a"], ["b"], ["a", "b"], ["c"]]
INDEXES = [["a"], ["b"], ["lower(d)"], ["a", "b"], ["(a + b)"], ["d text_pattern_ops", "a DESC"]]
FOREIGN = [(["a"], "p (id)"), (["b"], "p (id)"), (["a", "b"], "p (id, x)")]
# names of our own, and ones PostgreSQL gives the unnamed objects of table t
NAMES = ["k1", "k2", "Odd Name", "t_a_check", "t_a_check1", "t_check", "t_a_key", "t_a_idx", "t_a_fkey", "t_pkey"]


@dataclass(frozen=True)
class Spec:
    kind: str              # check, unique, primary, foreign, index
    what: int              # which check, key, foreign key or index
    name: str | None
    inline: bool           # in CREATE TABLE, else ALTER TABLE / CREATE INDEX
    not_valid: bool = False
    no_inherit: bool = False
    unique: bool = False   # a UNIQUE index

    def sql(self) -> str:
        """As a CREATE TABLE element (inline) or as its own statement."""
        named = f'CONSTRAINT "{self.name}" ' if self.name else ""
        if self.kind == "index":
            name = f'"{self.name}" ' if self.name else ""
            unique = "UNIQUE " if self.unique else ""
            return f"CREATE {unique}INDEX {name}ON t ({', '.join(INDEXES[self.what])});"
        if self.kind == "check":
            body = f"CHECK ({CHECKS[self.what]})" + (" NO INHERIT" if self.no_inherit else "")
        elif self.kind == "foreign":
            columns, target = FOREIGN[self.what]
            body = f"FOREIGN KEY ({', '.join(columns)}) REFERENCES {target}"
        else:
            body = f"{'PRIMARY KEY' if self.kind == 'primary' else 'UNIQUE'} ({', '.join(KEYS[self.what])})"
        if self.inline:
            return named + body
        return f"ALTER TABLE t ADD {named}{body}{' NOT VALID' if self.not_valid else ''};"


def spec(kinds: list[str], not_valid: bool) -> st.SearchStrategy[Spec]:
    def build(kind: str, what: int, name: str | None, inline: bool, flag: bool, no_inherit: bool) -> Spec:
        count = {"check": CHECKS, "foreign": FOREIGN, "index": INDEXES}.get(kind, KEYS)
        inline = inline and kind != "index"
        return Spec(kind, what % len(count), name, inline,
                    not_valid=not_valid and flag and not inline and kind in ("check", "foreign"),
                    no_inherit=no_inherit and kind == "check", unique=flag and kind == "index")

    return st.builds(build, st.sampled_from(kinds), st.integers(0, 5), st.none() | st.sampled_from(NAMES),
                     st.booleans(), st.booleans(), st.booleans())


def schema_file(specs: list[Spec]) -> str:
    """The file: one primary key at most, each name given once."""
    seen: set[str] = set()
    kept: list[Spec] = []
    for s in specs:
        if s.kind == "primary" and any(k.kind == "primary" for k in kept):
            continue
        if s.name is not None and s.name in seen:
            s = Spec(s.kind, s.what, None, s.inline, s.not_valid, s.no_inherit, s.unique)
        seen.add(s.name or "")
        kept.append(s)
    inline = [f",\n    {s.sql()}" for s in kept if s.inline]
    rest = [s.sql() + "\n" for s in kept if not s.inline]
    return PARENT + f"CREATE TABLE t (\n    {COLUMNS}{''.join(inline)}\n);\n" + "".join(rest)


def files(not_valid: bool = True) -> st.SearchStrategy[str]:
    kinds = ["check", "unique", "primary", "foreign", "index"]
    return st.lists(spec(kinds, not_valid), max_size=6).map(schema_file)


@pytest.fixture(scope="module")
def databases(pg_server_url: str) -> Iterator[tuple[str, str]]:
    """Two databases for the whole module: creating two per example took most of its time."""
    with pg_database(pg_server_url, None) as one, pg_database(pg_server_url, None) as two:
        yield one, two


@contextmanager
def emptied(databases: tuple[str, str]) -> Iterator[tuple[str, str]]:
    for url in databases:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS u, t, p CASCADE")
    yield databases


def settings_for(url: str, sql: str) -> Settings:
    folder = Path(tempfile.mkdtemp())
    (folder / "schema.sql").write_text(sql, encoding="utf-8")
    return load_settings({"database_url": url, "schema": [str(folder / "schema.sql")], "dialect": "postgresql"},
                         start=folder, environ={})


def built(url: str, sql: str) -> None:
    """The file's own database, or no example when PostgreSQL refuses the file."""
    try:
        run_script(url, sql)
    except psycopg.Error:
        reject()


def pushed(url: str, sql: str) -> None:
    result = workflows.push(settings_for(url, sql), NO_RENAMES, confirm=lambda losses: True, force=True)
    assert result.failure is None and not result.refused, (result.failure, result.refused)


def plan(url: str, sql: str) -> list[str]:
    return [c.description for c in workflows.check(settings_for(url, sql), NO_RENAMES).changes]


@settings(max_examples=20)
@given(sql=files())
def test_push_from_empty_makes_the_files_own_database(databases: tuple[str, str], sql: str) -> None:
    with emptied(databases) as (direct, empty):
        built(direct, sql)
        pushed(empty, sql)
        assert oracle.difference(oracle.dump(direct), oracle.dump(empty)) is None, sql
        assert plan(direct, sql) == [], sql  # no false drift: the names PostgreSQL chose are the file's
        assert plan(empty, sql) == [], sql


# The second file says no NOT VALID: a file that does, against a database whose constraint
# is valid, is no drift (the database is stricter than the file asks), and that database
# does not dump as the file's own.
@settings(max_examples=20)
@given(first=files(), second=files(not_valid=False))
def test_push_onto_another_files_database_makes_the_files_own_database(
        databases: tuple[str, str], first: str, second: str) -> None:
    with emptied(databases) as (direct, current):
        built(direct, second)
        built(current, first)
        pushed(current, second)
        assert oracle.difference(oracle.dump(direct), oracle.dump(current)) is None, (first, second)
        assert plan(current, second) == [], (first, second)


def test_a_not_valid_file_against_a_valid_constraint_is_no_drift(pg_url: str) -> None:
    table = PARENT + f"CREATE TABLE t ({COLUMNS});\n"
    run_script(pg_url, table + "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\n"
               "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES p;\n")
    assert plan(pg_url, table + "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
                "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES p NOT VALID;\n") == []


def test_an_invalid_constraint_is_validated_not_replaced(pg_url: str) -> None:
    table = PARENT + f"CREATE TABLE t ({COLUMNS});\n"
    run_script(pg_url, table + "ALTER TABLE t ADD CHECK (a > 0) NOT VALID;\n"
               "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p NOT VALID;\n")
    wanted = table + "ALTER TABLE t ADD CHECK (a > 0);\nALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p;\n"
    changes = workflows.check(settings_for(pg_url, wanted), NO_RENAMES).changes
    assert [(c.kind, c.name) for c in changes] == [("validate_constraint", "t_a_check"), ("validate_constraint", "f")]
    pushed(pg_url, wanted)
    assert plan(pg_url, wanted) == []


def test_no_inherit_differs_drop_and_add(pg_url: str) -> None:
    run_script(pg_url, f"CREATE TABLE t ({COLUMNS}, CHECK (a > 0));")
    wanted = f"CREATE TABLE t ({COLUMNS}, CHECK (a > 0) NO INHERIT);"
    changes = workflows.check(settings_for(pg_url, wanted), NO_RENAMES).changes
    assert [(c.kind, c.name) for c in changes] == [("drop_constraint", "t_a_check"), ("add_constraint", "t_a_check")]
    assert changes[1].description == "add check (a > 0) NO INHERIT on public.t"
    pushed(pg_url, wanted)
    assert plan(pg_url, wanted) == []


def test_names_only_are_renamed_with_the_reason(databases: tuple[str, str]) -> None:
    first = PARENT + (f"CREATE TABLE t ({COLUMNS}, CONSTRAINT one UNIQUE (a), CONSTRAINT two CHECK (b > 0));\n"
                      "CREATE INDEX three ON t (b);\nCREATE TABLE u (a integer CONSTRAINT four REFERENCES p);\n")
    second = PARENT + (f"CREATE TABLE t ({COLUMNS}, UNIQUE (a), CONSTRAINT deux CHECK (b > 0));\n"
                       "CREATE INDEX trois ON t (b);\nCREATE TABLE u (a integer REFERENCES p);\n")
    with emptied(databases) as (direct, current):
        run_script(direct, second)
        run_script(current, first)
        changes = workflows.check(settings_for(current, second), NO_RENAMES).changes
        assert [(c.kind, c.before.name, c.name) for c in changes] == [
            ("rename_constraint", "one", "t_a_key"), ("rename_constraint", "two", "deux"),
            ("rename_index", "three", "trois"), ("rename_constraint", "four", "u_a_fkey")]
        assert all("only the name differs" in c.description and c.lock is None for c in changes)
        assert "the database names it t_a_key" in changes[0].description
        pushed(current, second)
        assert oracle.difference(oracle.dump(direct), oracle.dump(current)) is None


def test_names_that_swap_are_renamed_by_way_of_a_free_name(databases: tuple[str, str]) -> None:
    first = f"CREATE TABLE t ({COLUMNS}, CHECK (a < 100), CHECK (a > 0));\n"  # t_a_check, t_a_check1
    second = f"CREATE TABLE t ({COLUMNS}, CHECK (a > 0), CHECK (a < 100));\n"
    with emptied(databases) as (direct, current):
        run_script(direct, second)
        run_script(current, first)
        changes = workflows.check(settings_for(current, second), NO_RENAMES).changes
        assert [c.kind for c in changes] == ["rename_constraint"] * 3
        pushed(current, second)
        assert oracle.difference(oracle.dump(direct), oracle.dump(current)) is None
        assert plan(current, second) == []


def test_a_key_added_to_a_table_is_named_as_the_files_database_names_it(databases: tuple[str, str]) -> None:
    # the plan adds keys before checks: PostgreSQL would give the key the check's name
    table = f"CREATE TABLE t ({COLUMNS});\n"
    second = table + 'ALTER TABLE t ADD CONSTRAINT "t_pkey" CHECK (a > 0);\nALTER TABLE t ADD PRIMARY KEY (a);\n'
    with emptied(databases) as (direct, current):
        run_script(direct, second)
        run_script(current, table)
        pushed(current, second)
        assert oracle.difference(oracle.dump(direct), oracle.dump(current)) is None
