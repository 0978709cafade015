"""Running the conformance corpus (tests/data/corpus, cases from sqldef's test suite) in-process.

A case passes when a database built from `current`, after push --force of `desired`,
(1) has nothing left to change (check is clean), and (2) has the same managed objects as a
database built from `desired` directly, and (3) that directly built database shows no
drift against the file either (no false drift).

`run_strict` is the oracle's stricter judgement of the same case: an empty database after
push of `desired` must dump (pg_dump --schema-only; sqlite_master and pragmas) exactly as
the database `psql -f desired` / `sqlite3` makes, defaults and expressions spelled as the
file wrote them; and the database pushed from `current` must dump the same, except for the
order of its columns (ADD COLUMN appends: push never rebuilds a table to reorder it).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pglast
import psycopg

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import Settings, load_settings
from schemalens.connect import connect
from schemalens.diff import diff
from schemalens.model import Schema
from tests import oracle
from tests.data import CORPUS, OUT_OF_SCOPE



@dataclass
class Case:
    name: str
    dialect: str
    current: str
    desired: str
    meta: dict[str, Any]
    in_scope: bool


def load_cases(dialect: str) -> list[Case]:
    file = CORPUS / f"sqldef-{dialect}.jsonl"
    cases = []
    for line in file.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        if not (raw["current_ok"] and raw["desired_ok"]):
            continue
        cases.append(Case(raw["name"], dialect, raw["current"], raw["desired"], raw.get("meta") or {},
                          not (set(raw["features"]) & OUT_OF_SCOPE[dialect])))
    return cases


@contextmanager
def pg_database(server_url: str, setup: dict[str, Any] | None) -> Iterator[str]:
    name = "c_" + uuid.uuid4().hex[:12]
    base = server_url.rpartition("/")[0]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        for role in (setup or {}).get("roles", []) + ([setup["user"]] if setup and setup.get("user") else []):
            conn.execute(f"DO $$ BEGIN CREATE ROLE \"{role}\"; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        if setup and setup.get("search_path"):
            conn.execute(f'ALTER DATABASE "{name}" SET search_path = {setup["search_path"]}')
    url = f"{base}/{name}"
    if setup and setup.get("user_schemas"):
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in setup["user_schemas"]:
                conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_script(url: str, sql: str) -> None:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript(sql)
        conn.close()
    elif sql.strip():
        # one statement at a time: CREATE INDEX CONCURRENTLY refuses a multi-statement string
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in pglast.split(sql, with_parser=False):
                conn.execute(statement)


def compare(case: Case, pushed_url: str, direct_url: str, schema_file: Path) -> str | None:
    """None when the case passes, else what went wrong."""
    settings = settings_for(pushed_url, schema_file, case.dialect)
    failed = push(settings)
    if failed:
        return failed
    again = workflows.check(settings, Renames({}, {}))
    if again.changes:
        return "after push, still: " + "; ".join(c.description for c in again.changes)
    direct = settings_for(direct_url, schema_file, case.dialect)
    false_drift = workflows.check(direct, Renames({}, {}))
    if false_drift.changes:
        return "false drift on a database built from the file: " + "; ".join(
            c.description for c in false_drift.changes)
    with connect(pushed_url) as a, connect(direct_url) as b:
        pushed = workflows.read_database(a, settings, again.desired)
        built = workflows.read_database(b, direct, again.desired)
    leftover = diff(_without_generated_names(pushed, again.desired),
                    _without_generated_names(built, again.desired))
    if leftover:
        return "pushed database differs from one built from the file: " + "; ".join(
            c.description for c in leftover)
    return None


def _without_generated_names(schema: Schema, desired: Schema) -> Schema:
    """Forget constraint and index names the file did not give: the database chose them,
    and a pushed database may keep an older generated name (after a column rename, say)."""
    schema = copy.deepcopy(schema)
    for table in schema.tables:
        wanted = desired.table(table.schema, table.name)
        named = set()
        if wanted:
            objects = [wanted.primary_key, *wanted.uniques, *wanted.foreign_keys, *wanted.checks, *wanted.indexes]
            named = {o.name for o in objects if o is not None and o.name}
        for obj in [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks, *table.indexes]:
            if obj is not None and obj.name not in named:
                obj.name = None
    return schema


def run_case(case: Case, server_url: str, tmp: Path) -> str | None:
    schema_file = tmp / "schema.sql"
    schema_file.write_text(case.desired, encoding="utf-8")
    if case.dialect == "sqlite":
        pushed, direct = tmp / "pushed.db", tmp / "direct.db"
        for f in (pushed, direct):
            f.unlink(missing_ok=True)
        run_script(f"sqlite:///{pushed}", case.current)
        run_script(f"sqlite:///{direct}", case.desired)
        return compare(case, f"sqlite:///{pushed}", f"sqlite:///{direct}", schema_file)
    setup = case.meta.get("setup")
    with pg_database(server_url, setup) as pushed, pg_database(server_url, setup) as direct:
        run_script(pushed, case.current)
        run_script(direct, case.desired)
        return compare(case, pushed, direct, schema_file)


def settings_for(url: str, schema_file: Path, dialect: str) -> Settings:
    return load_settings({"database_url": url, "schema": [str(schema_file)], "dialect": dialect},
                         start=schema_file.parent, environ={})


def push(settings: Settings) -> str | None:
    """None when push --force ran (or had nothing to do), else why not."""
    try:
        result = workflows.push(settings, Renames({}, {}), confirm=lambda losses: True, force=True)
    except workflows.WorkflowError as error:
        return f"push stopped: {error}"
    if result.failure:
        statement = result.failure.statement.sql if result.failure.statement else ""
        return f"push failed: {result.failure} while running: {statement[:300]}"
    return f"push refused: {result.refused}" if result.refused else None


def run_strict(case: Case, server_url: str, tmp: Path) -> str | None:
    """None when push makes the file's own database from empty and from `current`."""
    schema_file = tmp / "schema.sql"
    schema_file.write_text(case.desired, encoding="utf-8")
    if case.dialect == "sqlite":
        urls = []
        for name in ("direct.db", "empty.db", "pushed.db"):
            (tmp / name).unlink(missing_ok=True)
            sqlite3.connect(tmp / name).close()
            urls.append(f"sqlite:///{tmp / name}")
        return _strict(case, *urls, schema_file)
    setup = case.meta.get("setup")
    with pg_database(server_url, setup) as direct, pg_database(server_url, setup) as empty, \
            pg_database(server_url, setup) as pushed:
        return _strict(case, direct, empty, pushed, schema_file)


def _strict(case: Case, direct: str, empty: str, pushed: str, schema_file: Path) -> str | None:
    run_script(direct, case.desired)
    run_script(pushed, case.current)
    expected = oracle.dump(direct)
    failed = push(settings_for(empty, schema_file, case.dialect))
    if failed:
        return "from empty: " + failed
    different = oracle.difference(expected, oracle.dump(empty))
    if different:
        return "from empty:\n" + different
    failed = push(settings_for(pushed, schema_file, case.dialect))
    if failed:
        return "from current: " + failed
    different = oracle.difference(oracle.columns_sorted(expected), oracle.columns_sorted(oracle.dump(pushed)))
    return "from current:\n" + different if different else None
