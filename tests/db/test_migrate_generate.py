"""generate -> migrate end to end: files, reverse files, renames, enum values, SQLite
rebuilds, the check gate, equivalence with push, and random edit sequences."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from schemalens import history, workflows
from schemalens.changes import Renames
from schemalens.config import Settings
from schemalens.migrations.folder import Folder
from schemalens.model import to_json
from tests.db.corpus import load_cases
from tests.db.test_migrate_apply import cli, db_url, execute, make_settings, query, recorded, tables  # noqa: F401

NO_RENAMES = Renames({}, {})


def setup(url: str, project: Path, sql: str) -> Settings:
    schema = project / "schema.sql"
    schema.write_text(sql, encoding="utf-8")
    return make_settings(url, project, schema)


def edit(settings: Settings, sql: str) -> None:
    settings.schema[0].write_text(sql, encoding="utf-8")


def in_sync(settings: Settings) -> list[str]:
    return [c.description for c in workflows.check(settings, NO_RENAMES).changes]


def test_generate_writes_reviewable_files_and_nothing_when_unchanged(db_url: str, tmp_path: Path) -> None:
    settings = setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY, name text, bio text);")
    first = history.generate(settings, NO_RENAMES, name="Create users")
    assert first.tag == "0000_create_users"
    folder = Folder(settings.migrations)
    assert [p.name for p in first.files] == ["0000_create_users.sql", "0000_create_users.down.sql",
                                             "0000_snapshot.json", "_journal.json"]
    assert tables(db_url) == set()                        # generate executes nothing
    again = history.generate(settings, NO_RENAMES)
    assert again.tag is None and again.exit_code == 0     # diffed against the snapshot, not the database
    assert len(folder.read_journal().entries) == 1
    edit(settings, "CREATE TABLE users (id integer PRIMARY KEY, name text);")
    drop = history.generate(settings, NO_RENAMES, name="drop bio")
    up = folder.up_path(drop.tag or "").read_text()
    assert "--   1. drop column" in up and "[DATA LOSS]" in up
    warning = up.index("-- WARNING data loss")
    assert warning < up.index("DROP COLUMN", warning) or warning < up.index("DROP TABLE", warning)
    down = folder.down_path(drop.tag or "").read_text()
    assert "-- schemalens:irreversible" in down and "cannot undo" in down
    assert drop.irreversible
    assert history.migrate(settings).exit_code == 0
    assert in_sync(settings) == []
    refused = history.rollback(settings)
    assert refused.exit_code == 1 and "irreversible" in (refused.refused or "")


def test_cli_generate_then_migrate(db_url: str, tmp_path: Path) -> None:
    setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);")
    gen = cli("generate", "--db", db_url, "--schema", "schema.sql", "--name", "init", cwd=tmp_path)
    assert gen.returncode == 0, gen.stderr
    assert "wrote migrations/0000_init.sql" in gen.stdout
    nothing = cli("generate", "--db", db_url, "--schema", "schema.sql", cwd=tmp_path)
    assert nothing.returncode == 0 and "nothing to generate" in nothing.stdout
    assert not (tmp_path / "migrations" / "0001_migration.sql").exists()
    assert cli("migrate", "--db", db_url, cwd=tmp_path).returncode == 0
    assert tables(db_url) == {"users"}


def test_rename_and_rollback(db_url: str, tmp_path: Path) -> None:
    settings = setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY, name text);")
    history.generate(settings, NO_RENAMES, name="init")
    history.migrate(settings)
    execute(db_url, "INSERT INTO users VALUES (1, 'ada')")
    edit(settings, "CREATE TABLE people (id integer PRIMARY KEY, full_name text);")
    schema = "public" if settings.dialect == "postgresql" else "main"
    renames = Renames({(schema, "users"): "people"}, {(schema, "people", "name"): "full_name"})
    result = history.generate(settings, renames, name="rename")
    assert not result.irreversible
    assert history.migrate(settings).exit_code == 0
    assert query(db_url, "SELECT full_name FROM people") == [("ada",)]
    assert in_sync(settings) == []
    assert history.rollback(settings).exit_code == 0
    assert query(db_url, "SELECT name FROM users") == [("ada",)]
    assert recorded(db_url) == ["0000_init"]


def test_custom_migration(db_url: str, tmp_path: Path) -> None:
    settings = setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY, name text);")
    history.generate(settings, NO_RENAMES, name="init")
    with pytest.raises(workflows.WorkflowError, match="--name"):
        history.generate(settings, NO_RENAMES, custom=True)
    custom = history.generate(settings, NO_RENAMES, name="seed admin", custom=True)
    path = Folder(settings.migrations).up_path(custom.tag or "")
    path.write_text(path.read_text() + "INSERT INTO users VALUES (1, 'admin');\n")
    assert history.migrate(settings).exit_code == 1       # edited: the journal must record it
    assert history.rehash(settings) == [custom.tag]
    assert history.migrate(settings).exit_code == 0
    assert query(db_url, "SELECT name FROM users") == [("admin",)]
    assert history.generate(settings, NO_RENAMES).tag is None   # the snapshot carried over
    refused = history.rollback(settings)
    assert refused.exit_code == 1 and "custom migration" in (refused.refused or "")


def test_generate_refuses_a_folder_of_another_dialect(db_url: str, tmp_path: Path) -> None:
    settings = setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);")
    history.generate(settings, NO_RENAMES, name="init")
    other = "sqlite:///" + str(tmp_path / "x.db") if settings.dialect == "postgresql" else \
        "postgresql://localhost/x"
    switched = make_settings(other, tmp_path, settings.schema[0])
    result = history.generate(switched, NO_RENAMES)
    assert result.exit_code == 1 and f"was written for {settings.dialect}" in (result.refused or "")


def test_enum_value_added_and_used_in_the_same_migration(pg_url: str, tmp_path: Path) -> None:
    settings = setup(pg_url, tmp_path, "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
                                       "CREATE TABLE users (id integer PRIMARY KEY, m mood);")
    history.generate(settings, NO_RENAMES, name="init")
    history.migrate(settings)
    edit(settings, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
                   "CREATE TABLE users (id integer PRIMARY KEY, m mood DEFAULT 'happy');\n"
                   "CREATE INDEX users_happy ON users (id) WHERE m = 'happy';")
    result = history.generate(settings, NO_RENAMES, name="happy")
    text = Folder(settings.migrations).up_path(result.tag or "").read_text()
    assert "-- schemalens:no-transaction\nALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'happy'" in text
    migrated = history.migrate(settings)
    assert migrated.exit_code == 0, migrated.failure and migrated.failure.error.message
    assert in_sync(settings) == []


def test_create_index_concurrently_through_the_marker(pg_url: str, tmp_path: Path) -> None:
    settings = setup(pg_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY, email text);")
    history.generate(settings, NO_RENAMES, name="init")
    history.migrate(settings)
    edit(settings, "CREATE TABLE users (id integer PRIMARY KEY, email text);\n"
                   "CREATE INDEX users_email ON users (email);")
    result = history.generate(settings, NO_RENAMES, name="index")
    path = Folder(settings.migrations).up_path(result.tag or "")
    text = path.read_text().replace("CREATE INDEX users_email", "-- schemalens:no-transaction\n"
                                    "CREATE INDEX CONCURRENTLY users_email")
    path.write_text(text)
    history.rehash(settings)
    migrated = history.migrate(settings)
    assert migrated.exit_code == 0, migrated.failure and migrated.failure.error.message
    assert in_sync(settings) == []


def test_sqlite_rebuild_keeps_cascading_children(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    parent = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT{});\n"
    child = "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);"
    settings = setup(url, tmp_path, parent.format("") + child)
    history.generate(settings, NO_RENAMES, name="init")
    history.migrate(settings)
    execute(url, "PRAGMA foreign_keys = ON; INSERT INTO parent VALUES (1, 'p'); INSERT INTO child VALUES (1, 1);")
    edit(settings, parent.format(" NOT NULL CHECK (length(name) > 0)") + child)  # needs a table rebuild
    result = history.generate(settings, NO_RENAMES, name="rebuild")
    assert "-- schemalens:foreign-keys-off" in Folder(settings.migrations).up_path(result.tag or "").read_text()
    migrated = history.migrate(settings)
    assert migrated.exit_code == 0, migrated.failure and migrated.failure.error.message
    assert query(url, "SELECT id, parent_id FROM child") == [(1, 1)]
    assert in_sync(settings) == []


def test_check_gate_exit_codes(db_url: str, tmp_path: Path) -> None:
    settings = setup(db_url, tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);")
    history.generate(settings, NO_RENAMES, name="init")
    assert history.check_migrations(settings, NO_RENAMES).exit_code == 4     # pending
    history.migrate(settings)
    assert history.check_migrations(settings, NO_RENAMES).exit_code == 0
    execute(db_url, "CREATE TABLE sneaky (id integer)")
    drifted = history.check_migrations(settings, NO_RENAMES)
    assert drifted.exit_code == 1 and "sneaky" in drifted.lines[3][2]
    edit(settings, "CREATE TABLE users (id integer PRIMARY KEY, name text);")
    assert history.check_migrations(settings, NO_RENAMES).exit_code == 3     # schema ahead
    history.generate(settings, NO_RENAMES, name="name")
    assert history.check_migrations(settings, NO_RENAMES).exit_code == 4
    (settings.migrations / "0000_init.sql").write_text("-- edited\n")
    gate = history.check_migrations(settings, NO_RENAMES)
    assert gate.exit_code == 5 and not gate.lines[0][1]
    edit(settings, "CREATE TABLE users (id integer PRIMARY KEY, name text,);")
    with pytest.raises(workflows.WorkflowError):                                 # exit 2: parse error
        history.check_migrations(settings, NO_RENAMES)


# --- equivalence with push ----------------------------------------------------------------


@contextmanager
def fresh_db(dialect: str, server_url: str, tmp: Path) -> Iterator[str]:
    if dialect == "sqlite":
        path = tmp / f"{uuid.uuid4().hex[:8]}.db"
        sqlite3.connect(path).close()
        yield f"sqlite:///{path}"
        return
    name = "e_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield f"{server_url.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _introspected(settings: Settings) -> dict[str, object]:
    with workflows.open_database(settings) as db:
        return to_json(workflows.read_database(db, settings, None))


def _equivalence(case_sql: str, dialect: str, server_url: str, tmp: Path) -> str:
    """"same" when generate+migrate and push build the same database from `case_sql`,
    "skipped" when push cannot build it either, else what went wrong."""
    project = tmp / uuid.uuid4().hex[:8]
    project.mkdir()
    with fresh_db(dialect, server_url, tmp) as migrated_url, fresh_db(dialect, server_url, tmp) as pushed_url:
        migrated = setup(migrated_url, project, case_sql)
        try:
            generated = history.generate(migrated, NO_RENAMES, name="init")
        except workflows.WorkflowError as e:
            return f"generate: {e}"
        if generated.tag is None:
            return "skipped"
        result = history.migrate(migrated)
        if result.exit_code:
            return f"migrate: {result.refused or (result.failure and result.failure.error.message)}"
        pushed = make_settings(pushed_url, project, migrated.schema[0])
        push = workflows.push(pushed, NO_RENAMES, confirm=lambda _: True, force=True)
        if push.failure or push.refused:
            return "skipped"  # push cannot do it either: not a migrations question
        if _introspected(migrated) != _introspected(pushed):
            return "generate + migrate built a different database than push"
    return "same"


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_generate_and_migrate_equal_push_on_the_corpus(dialect: str, pg_server_url: str, tmp_path: Path) -> None:
    cases = [c for c in load_cases(dialect) if c.in_scope and not c.meta.get("setup")]
    sample = cases if dialect == "sqlite" else cases[::20]
    outcomes = {case.name: _equivalence(case.desired, dialect, pg_server_url, tmp_path) for case in sample}
    failures = {k: v for k, v in outcomes.items() if v not in ("same", "skipped")}
    assert list(outcomes.values()).count("same") >= 0.8 * len(sample)
    assert not failures, f"{len(failures)} of {len(sample)}: " + "; ".join(
        f"{k}: {v[:200]}" for k, v in list(failures.items())[:10])


# --- random edit sequences ------------------------------------------------------------------

TYPES = ["integer", "text", "boolean"]
edits = st.lists(st.tuples(st.sampled_from(["add_table", "drop_table", "add_column", "drop_column",
                                            "toggle_not_null", "toggle_index", "add_enum_value"]),
                           st.integers(0, 2), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=6)


def render_schema(state: dict[str, dict[str, tuple[str, bool]]], indexes: set[tuple[str, str]],
                  moods: list[str], dialect: str) -> str:
    lines = []
    if dialect == "postgresql":
        lines.append("CREATE TYPE mood AS ENUM (" + ", ".join(f"'{m}'" for m in moods) + ");")
    for table, columns in sorted(state.items()):
        cols = ["id integer PRIMARY KEY"]
        for name, (type_, not_null) in columns.items():
            default = {"integer": "0", "text": "''", "boolean": "false"}[type_]
            cols.append(f"{name} {type_}" + (f" NOT NULL DEFAULT {default}" if not_null else ""))
        if dialect == "postgresql" and table == "t0":
            cols.append(f"m mood DEFAULT '{moods[-1]}'")
        lines.append(f"CREATE TABLE {table} ({', '.join(cols)});")
    for table, column in sorted(indexes):
        lines.append(f"CREATE INDEX {table}_{column}_i ON {table} ({column});")
    return "\n".join(lines) + "\n"


def apply_edit(state: dict[str, dict[str, tuple[str, bool]]], indexes: set[tuple[str, str]], moods: list[str],
               op: str, t: int, c: int, ty: int) -> None:
    table, column = f"t{t}", f"c{c}"
    if op == "add_table" and table not in state:
        state[table] = {}
    elif op == "drop_table" and table in state and len(state) > 1:
        del state[table]
        indexes -= {i for i in indexes if i[0] == table}
    elif op == "add_column" and table in state and column not in state[table]:
        state[table][column] = (TYPES[ty], False)
    elif op == "drop_column" and table in state and column in state[table]:
        del state[table][column]
        indexes.discard((table, column))
    elif op == "toggle_not_null" and table in state and column in state[table]:
        type_, not_null = state[table][column]
        state[table][column] = (type_, not not_null)
    elif op == "toggle_index" and table in state and column in state[table]:
        indexes.symmetric_difference_update({(table, column)})
    elif op == "add_enum_value":
        moods.append(f"v{len(moods)}")


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_random_edit_sequences_migrate_to_the_last_edit(dialect: str, pg_server_url: str, tmp_path: Path) -> None:
    @hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(edits)
    def run(sequence: list[tuple[str, int, int, int]]) -> None:
        project = tmp_path / uuid.uuid4().hex[:8]
        project.mkdir()
        state: dict[str, dict[str, tuple[str, bool]]] = {"t0": {}}
        indexes: set[tuple[str, str]] = set()
        moods = ["v0"]
        with fresh_db(dialect, pg_server_url, tmp_path) as url:
            settings = setup(url, project, render_schema(state, indexes, moods, dialect))
            history.generate(settings, NO_RENAMES)
            for step in sequence:
                apply_edit(state, indexes, moods, *step)
                edit(settings, render_schema(state, indexes, moods, dialect))
                assert history.generate(settings, NO_RENAMES).exit_code == 0
                assert history.check_migrations(settings, NO_RENAMES).exit_code in (0, 4)  # not ahead
            result = history.migrate(settings)
            assert result.exit_code == 0, result.refused or (result.failure and (
                result.failure.location, result.failure.error.message))
            assert in_sync(settings) == []
            assert history.check_migrations(settings, NO_RENAMES).exit_code == 0
            # down files: each rollback returns the database to the state before that migration.
            while (undone := history.rollback(settings)).exit_code == 0:
                gate = history.check_migrations(settings, NO_RENAMES)
                assert gate.lines[3][1], (undone.rolled_back, gate.lines[3][2])
            assert undone.exit_code == 1, undone.failure and (undone.failure.location, undone.failure.error.message)

    run()
