"""The oracle on table and index properties (issue 11, class 12): storage parameters,
comments on indexes and constraints, UNLOGGED, replica identity, the row level security
flags and column statistics (SET STATISTICS, SET / RESET (n_distinct...)). A database made by `psql -f F` and one made by push of F onto an empty database dump
identically (pg_dump --schema-only), check is clean on both and a second push plans
nothing; and from F1, push F2 makes what `psql -f F2` makes."""

from __future__ import annotations

import re
import uuid
from contextlib import ExitStack
from pathlib import Path

import pglast
import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings
from schemalens.dialects.postgresql.names import quote_ident, quote_literal
from tests import oracle
from tests.db.corpus import pg_database

# Options in one fixed order (pg_dump prints them in the order they are kept: a file that
# only reorders them is the same schema, which the oracle would not see as such).
_TABLE_OPTIONS = [
    ("fillfactor", st.integers(10, 100).map(str)),
    ("autovacuum_enabled", st.sampled_from(["true", "false", "on", "off"])),
    ("autovacuum_vacuum_scale_factor", st.sampled_from(["0.2", "0.05", "0.50"])),
    ("parallel_workers", st.integers(0, 8).map(str)),
    ("toast.autovacuum_enabled", st.sampled_from(["true", "false"])),
]
_INDEX_OPTIONS = [
    ("fillfactor", st.integers(10, 100).map(str)),
    ("deduplicate_items", st.sampled_from(["on", "off", "true"])),
]
# n_distinct: a count, or minus a fraction of the rows (-1: all distinct)
_N_DISTINCT = st.one_of(st.integers(-1, 5000).map(str),
                        st.sampled_from(["-0.02", "-0.50", "-0.999", "0.5", "12.25", "1e3"]))
_COMMENT = st.one_of(st.none(), st.text(st.sampled_from(list("ab 'x\"\n\\;é€😀-")), max_size=12))


@st.composite
def _options(draw: st.DrawFn, choices: list[tuple[str, st.SearchStrategy[str]]]) -> str:
    """`WITH (...)` text, or "" (values bare where the grammar allows, else quoted)."""
    parts = []
    for name, values in choices:
        if draw(st.booleans()):
            value = draw(values)
            bare = re.fullmatch(r"-?[0-9.]+(e[0-9]+)?", value) or value in ("true", "false", "on", "off")
            parts.append(f"{name}={value if bare and draw(st.booleans()) else quote_literal(value)}")
    return f"({', '.join(parts)})" if parts else ""


@st.composite
def _column_statistics(draw: st.DrawFn, t: str) -> str:
    """ALTER COLUMN ... SET STATISTICS (-1: back to the default) and SET / RESET (n_distinct...)
    on the columns of table `t`, one statement or one command each."""
    commands = []
    for column in ("a", "b"):
        if draw(st.booleans()):
            commands.append(f"ALTER COLUMN {column} SET STATISTICS {draw(st.sampled_from([-1, 0, 1, 100, 1000, 10000]))}")
        options = draw(_options([("n_distinct", _N_DISTINCT), ("n_distinct_inherited", _N_DISTINCT)]))
        if options:
            commands.append(f"ALTER COLUMN {column} SET {options}")
            if draw(st.booleans()):
                commands.append(f"ALTER COLUMN {column} RESET ({draw(st.sampled_from(['n_distinct', 'n_distinct_inherited']))})")
    if commands and draw(st.booleans()):
        return f"ALTER TABLE ONLY {t} {', '.join(commands)};\n"
    return "".join(f"ALTER TABLE {t} {command};\n" for command in commands)


def _comment(target: str, text: str | None) -> str:
    return f"COMMENT ON {target} IS {quote_literal(text)};\n" if text is not None else ""


@st.composite
def schema_files(draw: st.DrawFn) -> str:
    """One or two tables with a named primary key, a unique key and a check, an index or
    two, and any of the properties, spelled inline or by ALTER statements, and statistics
    settings on their columns."""
    sql = ""
    for n in range(draw(st.integers(1, 2))):
        t = f"t{n}"
        unlogged = "UNLOGGED " if draw(st.booleans()) else ""
        storage = draw(_options(_TABLE_OPTIONS))
        inline = storage and draw(st.booleans())
        pk_with = draw(_options(_INDEX_OPTIONS[:1]))
        sql += (f"CREATE {unlogged}TABLE {t} (\n    id integer CONSTRAINT {t}_pk PRIMARY KEY"
                f"{' WITH ' + pk_with if pk_with else ''},\n    a text,\n    b integer NOT NULL,\n"
                f"    CONSTRAINT {t}_b_key UNIQUE (b),\n    CONSTRAINT {t}_b_check CHECK (b > 0)\n)"
                f"{' WITH ' + storage if inline else ''};\n")
        if storage and not inline:
            sql += f"ALTER TABLE {t} SET {storage};\n"
        indexes = [f"{t}_a_idx", f"{t}_h_idx"][:draw(st.integers(0, 2))]
        for name in indexes:
            method = "hash" if name.endswith("_h_idx") else "btree"
            options = draw(_options(_INDEX_OPTIONS if method == "btree" else _INDEX_OPTIONS[:1]))
            if options and draw(st.booleans()):
                sql += f"CREATE INDEX {name} ON {t} USING {method} (a);\nALTER INDEX {name} SET {options};\n"
            else:
                sql += f"CREATE INDEX {name} ON {t} USING {method} (a){' WITH ' + options if options else ''};\n"
            sql += _comment(f"INDEX {name}", draw(_COMMENT))
        for constraint in (f"{t}_pk", f"{t}_b_key", f"{t}_b_check"):
            sql += _comment(f"CONSTRAINT {quote_ident(constraint)} ON {t}", draw(_COMMENT))
        identity = draw(st.sampled_from(["DEFAULT", "FULL", "NOTHING", f"USING INDEX {t}_pk",
                                         f"USING INDEX {t}_b_key", None]))
        if identity:
            sql += f"ALTER TABLE {t} REPLICA IDENTITY {identity};\n"
        if draw(st.booleans()):
            sql += f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;\n"
        if draw(st.booleans()):
            sql += f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY;\n"
        sql += draw(_column_statistics(t))
    return sql


def _run(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in pglast.split(sql, with_parser=False):
            conn.execute(statement)


def _settings(url: str, sql: str, tmp: Path) -> object:
    path = tmp / f"{uuid.uuid4().hex}.sql"
    path.write_text(sql, encoding="utf-8")
    return load_settings({"database_url": url, "schema": [str(path)], "dialect": "postgresql"},
                         start=tmp, environ={})


def _push(url: str, sql: str, tmp: Path) -> None:
    result = workflows.push(_settings(url, sql, tmp), Renames({}, {}), confirm=lambda losses: True, force=True)
    assert not result.failure and not result.refused, (result.failure, result.refused)


def _drift(url: str, sql: str, tmp: Path) -> list[str]:
    return [c.description for c in workflows.check(_settings(url, sql, tmp), Renames({}, {})).changes]


def _assert_same_as_file(sql: str, direct: str, pushed: str, tmp: Path) -> None:
    assert oracle.difference(oracle.dump(direct), oracle.dump(pushed)) is None, sql
    assert _drift(direct, sql, tmp) == [], sql
    assert _drift(pushed, sql, tmp) == [], sql


_SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SLOW
@given(sql=schema_files())
def test_push_from_empty_makes_the_files_database(pg_server_url: str, tmp_path: Path, sql: str) -> None:
    with ExitStack() as stack:
        direct, pushed = (stack.enter_context(pg_database(pg_server_url, None)) for _ in range(2))
        _run(direct, sql)
        _push(pushed, sql, tmp_path)
        _assert_same_as_file(sql, direct, pushed, tmp_path)


@_SLOW
@given(before=schema_files(), after=schema_files())
def test_push_from_another_schema_makes_the_files_database(pg_server_url: str, tmp_path: Path, before: str,
                                                           after: str) -> None:
    with ExitStack() as stack:
        direct, pushed = (stack.enter_context(pg_database(pg_server_url, None)) for _ in range(2))
        _run(direct, after)
        _run(pushed, before)
        _push(pushed, after, tmp_path)
        _assert_same_as_file(after, direct, pushed, tmp_path)
