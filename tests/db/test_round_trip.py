"""The round-trip contract as a property: for random schema files S and random starting
databases D, push S onto D; then the database diffs empty against S, a second push runs
nothing, and rows in tables that survive are kept."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings
from tests.db.corpus import pg_database

# Types whose values cast into each other, so a changed type never fails on existing rows.
TYPES = {
    "postgresql": ["integer", "bigint", "text", "varchar(20)", "numeric(10,2)", "int4", "character varying(30)"],
    "sqlite": ["INTEGER", "TEXT", "NUMERIC", "VARCHAR(20)", "REAL", "int"],
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    not_null: bool
    unique: bool
    default: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    parent: str | None
    indexed: str | None
    check: bool


def columns(dialect: str) -> st.SearchStrategy[tuple[ColumnSpec, ...]]:
    column = st.builds(ColumnSpec, st.sampled_from(["a", "b", "c", "Mixed", "d e"]),
                       st.sampled_from(TYPES[dialect]), st.booleans(), st.booleans(), st.sampled_from(["1", "'2'", "3"]))
    return st.lists(column, max_size=4, unique_by=lambda c: c.name.lower()).map(tuple)


@st.composite
def schemas(draw: st.DrawFn, dialect: str) -> list[TableSpec]:
    names = draw(st.lists(st.sampled_from(["t1", "t2", "t3", "order"]), max_size=3, unique=True))
    tables = []
    for i, name in enumerate(names):
        cols = draw(columns(dialect))
        parent = draw(st.none() | st.sampled_from(names[:i])) if i else None
        indexed = draw(st.none() | st.sampled_from([c.name for c in cols])) if cols else None
        tables.append(TableSpec(name, cols, parent, indexed, draw(st.booleans())))
    return tables


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ddl(tables: list[TableSpec], dialect: str) -> str:
    out = []
    for t in tables:
        id_type = "INTEGER" if dialect == "sqlite" else "integer"
        parts = [f"id {id_type} PRIMARY KEY"]
        for c in t.columns:
            parts.append(f"{q(c.name)} {c.type}{' NOT NULL' if c.not_null else ''}"
                         f"{' UNIQUE' if c.unique else ''} DEFAULT {c.default}")
        if t.parent:
            # named for its parent, so re-parenting a kept table is a new column, not a new
            # foreign key over rows that point at the old parent
            parts.append(f"{q(t.parent + '_id')} {id_type} REFERENCES {q(t.parent)} (id) ON DELETE CASCADE")
        if t.check:
            parts.append("CHECK (id > 0)")
        out.append(f"CREATE TABLE {q(t.name)} (\n  " + ",\n  ".join(parts) + "\n);")
        if t.indexed:
            out.append(f"CREATE INDEX {q(t.name + '_' + t.indexed + '_idx')} ON {q(t.name)} ({q(t.indexed)});")
    return "\n".join(out)


def seed(tables: list[TableSpec]) -> list[str]:
    """One row per table (defaults everywhere), children pointing at their parent's row."""
    return [f"INSERT INTO {q(t.name)} (id{', ' + q(t.parent + '_id') if t.parent else ''}) "
            f"VALUES (1{', 1' if t.parent else ''})" for t in tables]


def count_rows(url: str, table: str) -> int:
    if url.startswith("sqlite"):
        return sqlite3.connect(url.removeprefix("sqlite:///")).execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]


def build(url: str, sql: str, inserts: list[str]) -> None:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript(sql + "\n" + ";\n".join(inserts) + (";" if inserts else ""))
        conn.close()
        return
    with psycopg.connect(url, autocommit=True) as conn:
        if sql.strip():
            conn.execute(sql)
        for insert in inserts:
            conn.execute(insert)


def assert_round_trip(url: str, start: list[TableSpec], target: list[TableSpec], dialect: str, tmp: Path) -> None:
    build(url, ddl(start, dialect), seed(start))
    schema_file = tmp / "schema.sql"
    schema_file.write_text(ddl(target, dialect), encoding="utf-8")
    config = load_settings({"database_url": url, "schema": [str(schema_file)], "dialect": dialect},
                           start=tmp, environ={})
    result = workflows.push(config, Renames({}, {}), confirm=lambda losses: True, force=True)
    assert result.failure is None, f"{result.failure}\n{result.failure.statement}"
    assert result.refused is None
    after = workflows.check(config, Renames({}, {}))
    assert after.changes == [], [c.description for c in after.changes]
    assert after.statements == []
    kept = {t.name for t in start} & {t.name for t in target}
    for name in kept:  # a table in both keeps its row (rebuilds and type changes included)
        assert count_rows(url, name) == 1, name


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_push_round_trips(dialect: str, pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(start=schemas(dialect), target=schemas(dialect))
    def prop(start: list[TableSpec], target: list[TableSpec]) -> None:
        tmp = tmp_path_factory.mktemp("rt")
        if dialect == "sqlite":
            assert_round_trip(f"sqlite:///{tmp / 'db.sqlite'}", start, target, dialect, tmp)
        else:
            with pg_database(pg_server_url, None) as url:
                assert_round_trip(url, start, target, dialect, tmp)

    prop()
