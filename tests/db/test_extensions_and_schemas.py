"""Always-present and environment objects against the oracle: extensions (added, removed,
versions, plpgsql) and schemas (added, removed, moved between) — push makes the database
`psql -f` makes of the file, check is clean on both, and a second push plans nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings
from tests import oracle
from tests.db.corpus import pg_database, run_script

NO_RENAMES = Renames({}, {})
SCHEMAS = ["public", "app", "audit"]


def settings_for(url: str, file: Path):
    return load_settings({"database_url": url, "schema": [str(file)], "dialect": "postgresql",
                          "schemas": SCHEMAS}, start=file.parent, environ={})


def push(url: str, file: Path) -> workflows.PushResult:
    return workflows.push(settings_for(url, file), NO_RENAMES, confirm=lambda losses: True, force=True)


def assert_push_makes_the_files_database(server: str, tmp: Path, before: str, after: str) -> None:
    """B <- psql before, push after onto it, and onto an empty database: both dump as psql -f after."""
    file = tmp / "schema.sql"
    file.write_text(after, encoding="utf-8")
    with pg_database(server, None) as direct, pg_database(server, None) as pushed, \
            pg_database(server, None) as empty:
        run_script(direct, after)
        run_script(pushed, before)
        expected = oracle.dump(direct)
        for url in (empty, pushed):
            result = push(url, file)
            assert result.failure is None and result.refused is None, (result.failure, result.refused)
            # from the starting database, ADD COLUMN appends: columns are compared in any order
            same = oracle.columns_sorted if url == pushed else (lambda dump: dump)
            assert oracle.difference(same(expected), same(oracle.dump(url))) is None
            assert not push(url, file).statements  # a second push plans nothing
            assert workflows.check(settings_for(url, file), NO_RENAMES).changes == []
        assert workflows.check(settings_for(direct, file), NO_RENAMES).changes == []


EXTENSIONS = ["hstore", "pgcrypto", "citext", "cube", "btree_gist"]
VERSIONS = {"hstore": ["1.4", "1.6", "1.8"], "cube": ["1.4", "1.5"], "citext": ["1.5", "1.6"]}


@st.composite
def extension_files(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(EXTENSIONS), max_size=3, unique=True))
    lines = ["CREATE EXTENSION IF NOT EXISTS plpgsql;"] if draw(st.booleans()) else []
    for name in names:
        version = draw(st.none() | st.sampled_from(VERSIONS[name])) if name in VERSIONS else None
        lines.append(f"CREATE EXTENSION {name}" + (f" VERSION '{version}'" if version else "") + ";")
    lines.append("CREATE TABLE t (id int PRIMARY KEY);")
    return "\n".join(lines) + "\n"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=extension_files(), after=extension_files())
def test_extensions_added_removed_and_updated(before: str, after: str, pg_server_url: str,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    if "EXTENSION" not in after.replace("EXTENSION IF NOT EXISTS plpgsql", "") and "EXTENSION" in before.replace(
            "EXTENSION IF NOT EXISTS plpgsql", ""):
        after = after.replace("CREATE TABLE", "CREATE EXTENSION IF NOT EXISTS hstore;\nCREATE TABLE")
    # a version the database has gone past cannot come back (PostgreSQL has no downgrade path;
    # without VERSION it installs the newest)
    for name, versions in VERSIONS.items():
        if f"EXTENSION {name}" not in before:
            continue
        installed = next((v for v in versions if f"{name} VERSION '{v}'" in before), versions[-1])
        for w in versions:
            if w < installed and f"{name} VERSION '{w}'" in after:
                after = after.replace(f"{name} VERSION '{w}'", f"{name} VERSION '{installed}'")
    assert_push_makes_the_files_database(pg_server_url, tmp_path_factory.mktemp("ext"), before, after)


def test_plpgsql_in_the_file_is_not_drift(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE EXTENSION IF NOT EXISTS plpgsql;\nCREATE TABLE t (id int);\n", encoding="utf-8")
    run_script(pg_url, file.read_text())
    assert workflows.check(settings_for(pg_url, file), NO_RENAMES).changes == []


def test_a_file_without_extensions_keeps_the_databases(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE t (id int);\n", encoding="utf-8")
    run_script(pg_url, "CREATE EXTENSION pgcrypto;\nCREATE TABLE t (id int);")
    assert workflows.check(settings_for(pg_url, file), NO_RENAMES).changes == []


def test_an_extension_removed_from_the_file_is_dropped_with_a_hazard(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE EXTENSION citext;\n", encoding="utf-8")
    run_script(pg_url, "CREATE EXTENSION citext;\nCREATE EXTENSION pgcrypto;")
    [drop] = workflows.check(settings_for(pg_url, file), NO_RENAMES).changes
    assert drop.kind == "drop_extension" and "pgcrypto" in drop.data_loss
    refused = workflows.push(settings_for(pg_url, file), NO_RENAMES, confirm=lambda losses: False)
    assert refused.refused == "data loss not confirmed"


# --- schemas -------------------------------------------------------------------------


@st.composite
def schema_files(draw: st.DrawFn) -> str:
    """Files that manage schemas (a file without CREATE SCHEMA leaves the database's alone); each
    table in one of them or in public, so that moves between schemas come up."""
    lines = [f"CREATE SCHEMA {s};" for s in draw(st.lists(st.sampled_from(SCHEMAS[1:]), unique=True, min_size=1))]
    created = {"public"} | {line.split()[2].rstrip(";") for line in lines}
    for table in draw(st.lists(st.sampled_from(["orders", "events"]), unique=True, max_size=2)):
        lines.append(f"CREATE TABLE {draw(st.sampled_from(sorted(created)))}.{table} (id int PRIMARY KEY, v text);")
    return "\n".join(lines) + "\n"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=schema_files(), after=schema_files())
def test_schemas_added_removed_and_tables_moved_between_them(before: str, after: str, pg_server_url: str,
                                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    assert_push_makes_the_files_database(pg_server_url, tmp_path_factory.mktemp("ns"), before, after)


def test_a_table_moved_to_another_schema(pg_server_url: str, tmp_path: Path) -> None:
    assert_push_makes_the_files_database(
        pg_server_url, tmp_path, "CREATE SCHEMA app;\nCREATE TABLE public.orders (id int PRIMARY KEY);\n",
        "CREATE SCHEMA app;\nCREATE TABLE app.orders (id int PRIMARY KEY, at date);\n")


def test_a_schema_that_holds_unmanaged_objects_is_refused_not_dropped(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE SCHEMA app;\n", encoding="utf-8")
    run_script(pg_url, "CREATE SCHEMA app;\nCREATE SCHEMA audit;\nCREATE TABLE audit.log (id int);\n"
                       "CREATE VIEW audit.recent AS SELECT id FROM audit.log;\n"
                       "CREATE FUNCTION audit.f() RETURNS int LANGUAGE sql AS 'SELECT 1';")
    result = push(pg_url, file)
    assert result.refused == "a schema to drop holds objects schemalens does not manage"
    [blocker] = result.blocked
    assert "schema audit" in blocker.message and "view recent" in blocker.message and "function f" in blocker.message
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'").fetchone()[0] == 1


@pytest.mark.parametrize("key", ["id serial PRIMARY KEY", "id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                                 "id int PRIMARY KEY"])
def test_a_table_renamed_from_another_schema_moves_with_its_rows(pg_server_url: str, tmp_path: Path,
                                                                  key: str) -> None:
    before = (f"CREATE SCHEMA app;\nCREATE TABLE public.orders ({key}, v text UNIQUE);\n"
              "CREATE TABLE public.lines (id int PRIMARY KEY, order_id int REFERENCES public.orders (id));\n")
    after = (f"CREATE SCHEMA app;\nCREATE TABLE app.purchases ( -- @renamed from=public.orders\n  {key}, v text UNIQUE);\n"
             "CREATE TABLE public.lines (id int PRIMARY KEY, order_id int REFERENCES app.purchases (id));\n")
    file = tmp_path / "schema.sql"
    file.write_text(after, encoding="utf-8")
    with pg_database(pg_server_url, None) as url, pg_database(pg_server_url, None) as direct:
        run_script(url, before)
        run_script(url, "INSERT INTO public.orders (id, v) OVERRIDING SYSTEM VALUE VALUES (1, 'kept')")
        plan = workflows.check(settings_for(url, file), NO_RENAMES)
        # the move, then the keys the file leaves unnamed take the names PostgreSQL gives them
        # under the new table name (class 10: as a database made from the file has them)
        assert plan.changes[0].description == "move table public.orders to schema app, rename table app.orders to purchases"
        # and a serial's or an identity's sequence follows its table, named as in the file's database
        serial = {("rename_sequence", "purchases_id_seq")} if "serial" in key or "IDENTITY" in key else set()
        assert {(c.kind, c.name) for c in plan.changes[1:]} == {
            ("rename_constraint", "purchases_pkey"), ("rename_constraint", "purchases_v_key"), *serial}
        assert [s.sql for s in plan.statements][:2] == ["ALTER TABLE public.orders SET SCHEMA app",
                                                        "ALTER TABLE app.orders RENAME TO purchases"]
        result = push(url, file)
        assert result.failure is None and result.refused is None
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT v FROM app.purchases").fetchall() == [("kept",)]
        assert workflows.check(settings_for(url, file), NO_RENAMES).changes == []
        run_script(direct, after)
        assert workflows.check(settings_for(direct, file), NO_RENAMES).changes == []
        assert oracle.difference(oracle.dump(direct), oracle.dump(url)) is None
