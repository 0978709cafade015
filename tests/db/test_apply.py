"""apply sends a transaction's statements as the runtime batches them (PostgreSQL
pipelines them): the database it leaves must be the one statement-by-statement execution
leaves, and a failure must still name its own statement and leave nothing behind."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from schemalens import dialects
from schemalens.apply import ApplyError, apply
from schemalens.changes import Statement
from schemalens.connect import connect

from bench.generate_schema import generate_schema
from tests.oracle import difference, dump


def statements_of(text: str) -> list[Statement]:
    return [Statement(sql) for _, sql in dialects.get("postgresql").split_statements(text)]


def applied(url: str, statements: list[Statement]) -> list[int]:
    """The progress indexes, in the order they were reported."""
    seen: list[int] = []
    db = connect(url, create=False)
    try:
        apply(db, statements, progress=lambda index, total, statement: seen.append(index))
    finally:
        db.conn.close()
    return seen


def test_pipelined_push_leaves_the_database_one_by_one_execution_leaves(pg_url: str, pg_server_url: str) -> None:
    statements = statements_of(generate_schema(60))
    # a statement holding two commands runs between pipelines, in its place
    statements.insert(40, Statement("CREATE TABLE two_a (x int); CREATE TABLE two_b (y int)"))
    other = pg_url + "_one"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{other.rsplit("/", 1)[1]}" TEMPLATE template0')
    try:
        with psycopg.connect(other) as conn:
            for statement in statements:
                conn.execute(statement.sql)

        assert applied(pg_url, statements) == list(range(len(statements)))

        assert difference(dump(other), dump(pg_url)) is None
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{other.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.mark.parametrize("failing", [0, 7, 150, "last", "several"])
def test_a_failure_in_the_batch_names_its_statement_and_rolls_back(pg_url: str, failing: int | str) -> None:
    statements = statements_of(generate_schema(60))
    bad = Statement("CREATE TABLE broken (a no_such_type)")
    if failing == "last":
        statements.append(bad)
    elif failing == "several":  # the failing command is the second of a statement's two
        statements.insert(90, Statement("CREATE TABLE fine (a int); CREATE TABLE broken (a no_such_type)"))
    else:
        statements.insert(failing, bad)
    position = next(i for i, s in enumerate(statements) if "no_such_type" in s.sql)
    empty = dump(pg_url)

    with pytest.raises(ApplyError) as raised:
        applied(pg_url, statements)

    assert raised.value.index == position
    assert raised.value.statement is statements[position]
    assert str(raised.value) == f'statement {position + 1} failed: type "no_such_type" does not exist'
    assert difference(empty, dump(pg_url)) is None


def test_a_failure_after_a_statement_with_several_commands_is_placed(pg_url: str) -> None:
    statements = [Statement("CREATE TABLE a (x int)"), Statement("CREATE TABLE b (x int); CREATE TABLE c (x int)"),
                  Statement("CREATE TABLE d (x int)"), Statement("CREATE TABLE a (x int)")]

    with pytest.raises(ApplyError) as raised:
        applied(pg_url, statements)

    assert raised.value.index == 3
    assert str(raised.value) == 'statement 4 failed: relation "a" already exists'
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname IN ('a', 'b', 'c', 'd')").fetchone() == (0,)


def test_sqlite_failure_names_its_statement_and_rolls_back(sqlite_url: str, sqlite_path: object) -> None:
    statements = [Statement("CREATE TABLE a (x int)"), Statement("CREATE TABLE b (x int)"),
                  Statement("CREATE TABLE a (x int)"), Statement("CREATE TABLE c (x int)")]

    with pytest.raises(ApplyError) as raised:
        applied(sqlite_url, statements)

    assert raised.value.index == 2
    assert str(raised.value) == "statement 3 failed: table a already exists"
    with sqlite3.connect(str(sqlite_path)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
