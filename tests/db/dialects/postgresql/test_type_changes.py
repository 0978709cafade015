"""Column type changes on a real PostgreSQL (issue 11, classes 7 and 8): the conversion
is judged as the database judges it, push converts every row exactly or refuses with
nothing changed (never a cut or rounded value, even with --force), generate writes a
USING placeholder that migrate refuses to run, and the question counts the rows that do
not fit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from schemalens import history, workflows
from schemalens.changes import USING_PLACEHOLDER, Renames, data_loss_line
from schemalens.config import Settings, load_settings
from schemalens.dialects.postgresql.casts import DatabaseCasts, rule_conversion
from tests import oracle

NO_RENAMES = Renames({}, {})

# Common built-in types, each with values some targets hold exactly and some they do not.
VALUES: dict[str, list[str]] = {
    "text": ["'ab'", "'abcdefgh'", "'ab   '", "'12'", "'2020-01-01'", "'t'"],
    "varchar(10)": ["'ab'", "'abcdefgh'", "'abc    '"],
    "varchar(5)": ["'ab'", "'abcde'"],
    "smallint": ["5", "300", "-7"],
    "integer": ["5", "70000", "-3", "0"],
    "bigint": ["5", "5000000000"],
    "numeric(10,4)": ["1.5", "1.2345", "123456.7891"],
    "numeric(6,2)": ["1.5", "1234.56"],
    "real": ["1.5", "0.1"],
    "double precision": ["0.1", "2.5", "1e20"],
    "timestamp": ["'2020-01-01 10:00:00.123456'", "'2020-01-01'"],
    "timestamp(0)": ["'2020-01-01 10:00:00'"],
    "date": ["'2020-01-01'"],
    "time": ["'10:00:00.987654'", "'10:00'"],
    "boolean": ["true", "false"],
    "bit(8)": ["B'10101010'"],
    "varbit(8)": ["B'1'", "B'10101010'"],
    "jsonb": ["'1'", "'{\"a\": 1}'"],
}
TYPES = sorted(VALUES)


@pytest.fixture(scope="module")
def server(pg_server_url: str) -> Iterator[str]:
    name = "tc_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = f"{pg_server_url.rpartition('/')[0]}/{name}"
    yield url
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make(url: str, project: Path, sql: str) -> Settings:
    schema = project / "schema.sql"
    schema.write_text(sql, encoding="utf-8")
    return load_settings({"database_url": url, "schema": [str(schema)], "dialect": "postgresql",
                          "migrations": str(project / "migrations")}, start=project, environ={})


def execute(url: str, *sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in sql:
            conn.execute(statement)


def rows(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, v FROM t ORDER BY id").fetchall()


STRINGS = ("text", "varchar")


def as_before(url: str, old: str) -> list[tuple[Any, ...]]:
    """The converted values cast back to the old type, as text: equal to the values before
    when nothing was cut or rounded (a string read as another kind of value may come back
    spelled otherwise, '2020-01-01' as '2020-01-01 00:00:00': only its readability counts)."""
    out = []
    with psycopg.connect(url, autocommit=True) as conn:
        for (i,) in conn.execute("SELECT id FROM t ORDER BY id").fetchall():
            for back in (f"v::{old}::text", f"v::text::{old}::text"):
                try:
                    out.append((i, conn.execute(f"SELECT {back} FROM t WHERE id = {i}").fetchone()[0]))
                    break
                except psycopg.Error:
                    continue
            else:
                out.append((i, "(cannot be cast back)"))
    return out


def ground_truth(conn: psycopg.Connection[Any], old: str, new: str) -> str:
    """What the database does with ALTER COLUMN TYPE on an empty table, tried and rolled back."""
    for conversion, using in (("assignment", ""), ("explicit", " USING v::" + new)):
        conn.execute("BEGIN")
        try:
            conn.execute(f"CREATE TEMP TABLE probe (v {old})")
            conn.execute(f"ALTER TABLE probe ALTER COLUMN v TYPE {new}{using}")
            return conversion
        except psycopg.Error:
            pass
        finally:
            conn.execute("ROLLBACK")
    return "none"


def test_the_database_judges_every_pair_as_alter_table_does(pg_url: str) -> None:
    """The cast-catalog judgement, and the offline rules, against the ALTER itself, for every
    pair of the common built-in types and an enum, a domain and an extension's type."""
    server = pg_url
    execute(server, "CREATE EXTENSION IF NOT EXISTS citext", "CREATE TYPE mood AS ENUM ('1', 'ab')",
            "CREATE DOMAIN short_text AS varchar(5)", "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)")
    extra = ["citext", "mood", "short_text", "positive", "text[]", "integer[]", "bigint[]"]
    wrong: list[str] = []
    offline: list[str] = []
    with psycopg.connect(server, autocommit=True) as conn:
        judge = DatabaseCasts(conn)
        for old in TYPES + extra:
            for new in TYPES + extra:
                if old == new:
                    continue
                truth = ground_truth(conn, old, new)
                if "mood" in (old, new) and truth == "none":
                    truth = "explicit"  # an enum converts through text: schemalens writes v::text::type
                judged = judge(old, new)
                if judged != truth:
                    wrong.append(f"{old} -> {new}: judged {judged}, the database {truth}")
                canonical = {"varchar(10)": "character varying(10)", "varchar(5)": "character varying(5)",
                             "timestamp": "timestamp without time zone", "time": "time without time zone",
                             "timestamp(0)": "timestamp(0) without time zone", "varbit(8)": "bit varying(8)"}
                if old in TYPES and new in TYPES:
                    rule = rule_conversion(canonical.get(old, old), canonical.get(new, new), lambda t: False)
                    if rule != truth:
                        offline.append(f"{old} -> {new}: rules say {rule}, the database {truth}")
    assert wrong == []
    assert offline == []


def test_a_change_no_cast_makes_is_marked_refused_and_done_with_the_files_using(server: str, tmp_path: Path) -> None:
    execute(server, "DROP TABLE IF EXISTS t", "CREATE TABLE t (id integer PRIMARY KEY, v bigint)",
            "INSERT INTO t VALUES (1, 0), (2, 86400)")
    settings = make(server, tmp_path, "CREATE TABLE t (id integer PRIMARY KEY, v timestamptz);")
    plan = workflows.check(settings, NO_RENAMES)
    [change] = plan.changes
    assert change.conversion == "none" and change.needs_using is not None
    assert "public.t.v from bigint to timestamp with time zone" in change.needs_using
    assert "-- @using:" in change.needs_using
    assert any(f.code == "needs-using" for f in plan.findings)  # the editor's diagnostic too
    before = oracle.dump(server)
    result = workflows.push(settings, NO_RENAMES, confirm=lambda losses: True, force=True)
    assert not result.executed and result.refused == change.needs_using
    assert oracle.difference(before, oracle.dump(server)) is None and rows(server) == [(1, 0), (2, 86400)]

    settings.schema[0].write_text("CREATE TABLE t (id integer PRIMARY KEY,\n"
                                  "  v timestamptz -- @using: to_timestamp(v)\n);", encoding="utf-8")
    result = workflows.push(settings, NO_RENAMES, confirm=lambda losses: True, force=True)
    assert result.executed, result.refused or result.failure
    assert "USING to_timestamp(v)" in result.statements[-1].sql
    with psycopg.connect(server) as conn:
        assert conn.execute("SELECT count(*) FROM t WHERE v = to_timestamp(86400)").fetchone()[0] == 1
    assert workflows.check(settings, NO_RENAMES).changes == []


def test_narrowing_text_counts_the_values_that_do_not_fit_and_cuts_none_under_force(
        server: str, tmp_path: Path) -> None:
    """The issue's case: 400 of 1,000 values longer than varchar(5) were cut under --force."""
    execute(server, "DROP TABLE IF EXISTS t", "CREATE TABLE t (id integer PRIMARY KEY, v text)",
            "INSERT INTO t SELECT i, CASE WHEN i % 5 < 2 THEN 'abcdefgh' ELSE 'abc' END FROM generate_series(1, 1000) i")
    settings = make(server, tmp_path, "CREATE TABLE t (id integer PRIMARY KEY, v varchar(5));")
    [change] = workflows.check(settings, NO_RENAMES).changes
    assert not any("USING" in s.sql for s in workflows.check(settings, NO_RENAMES).statements)
    asked: list[list[tuple[str, int | None]]] = []
    result = workflows.push(settings, NO_RENAMES,
                            confirm=lambda losses: asked.append([(c.id, n) for c, n in losses]) or True)
    assert asked == [[(change.id, 400)]]
    assert data_loss_line(change, 400).endswith("(400 rows do not fit)")  # as the question lists it
    before = oracle.dump(server)
    assert result.failure is not None and "400 row(s) of public.t.v" in result.failure.message
    forced = workflows.push(settings, NO_RENAMES, confirm=lambda losses: False, force=True)
    assert forced.failure is not None and not forced.executed
    assert oracle.difference(before, oracle.dump(server)) is None
    with psycopg.connect(server) as conn:
        assert conn.execute("SELECT count(*) FROM t WHERE v = 'abcdefgh'").fetchone()[0] == 400
    execute(server, "UPDATE t SET v = 'abcde' WHERE length(v) > 5")
    done = workflows.push(settings, NO_RENAMES, confirm=lambda losses: True, force=True)
    assert done.executed and workflows.check(settings, NO_RENAMES).changes == []


@st.composite
def type_changes(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    old = draw(st.sampled_from(TYPES))
    new = draw(st.sampled_from([t for t in TYPES if t != old]))
    values = draw(st.lists(st.sampled_from(VALUES[old]), min_size=1, max_size=4, unique=True))
    return old, new, values


@hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(type_changes())
def test_push_converts_every_value_exactly_or_changes_nothing(server: str, tmp_path: Path,
                                                              change: tuple[str, str, list[str]]) -> None:
    old, new, values = change
    execute(server, "DROP TABLE IF EXISTS t", f"CREATE TABLE t (id integer PRIMARY KEY, v {old})",
            *(f"INSERT INTO t VALUES ({i}, {v})" for i, v in enumerate(values)))
    before, dump, texts = rows(server), oracle.dump(server), as_before(server, old)
    settings = make(server, tmp_path, f"CREATE TABLE t (id integer PRIMARY KEY, v {new});")
    result = workflows.push(settings, NO_RENAMES, confirm=lambda losses: True, force=True)
    if result.executed:
        if not (old.startswith(STRINGS) and not new.startswith(STRINGS)):
            after = as_before(server, old)
            assert after == texts, f"{old} -> {new} changed values: {texts} -> {after}"
        assert workflows.check(settings, NO_RENAMES).changes == []
    else:
        assert result.refused or result.failure
        assert rows(server) == before and oracle.difference(dump, oracle.dump(server)) is None


def test_generate_writes_a_placeholder_that_migrate_refuses(pg_url: str, tmp_path: Path) -> None:
    settings = make(pg_url, tmp_path, "CREATE TABLE t (id integer PRIMARY KEY, v bigint);")
    history.generate(settings, NO_RENAMES, name="init")
    assert history.migrate(settings).exit_code == 0
    settings.schema[0].write_text("CREATE TABLE t (id integer PRIMARY KEY, v timestamp);", encoding="utf-8")
    generated = history.generate(settings, NO_RENAMES, name="to timestamp")
    up = next(p for p in generated.files if p.name.endswith("_to_timestamp.sql"))
    text = up.read_text(encoding="utf-8")
    assert f"USING {USING_PLACEHOLDER}(v)" in text
    assert "-- EDIT before running: no cast converts public.t.v from bigint to timestamp" in text
    assert "[EDIT THE USING EXPRESSION]" in text
    with pytest.raises(workflows.WorkflowError, match="still the placeholder"):
        history.migrate(settings)
    up.write_text(text.replace(f"{USING_PLACEHOLDER}(v)", "to_timestamp(v)"), encoding="utf-8")
    history.rehash(settings)
    assert history.migrate(settings).exit_code == 0
    assert workflows.check(settings, NO_RENAMES).changes == []
