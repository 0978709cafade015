"""Online changes on real PostgreSQL: VALIDATE CONSTRAINT runs after the batch commits (push)
or in a block of its own (generate + migrate), so writes go on while rows are checked; a
failed validation leaves the constraint NOT VALID and the next plan only validates it;
CREATE INDEX CONCURRENTLY for indexes on existing tables, an INVALID index rebuilt."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from schemalens import history, workflows
from schemalens.config import Settings, load_settings
from schemalens.migrations.folder import NO_TRANSACTION, OWN_TRANSACTION
from schemalens.workflows import NO_RENAMES
from tests.db.test_migrate_apply import cli, execute, query

TABLE = "CREATE TABLE items (id integer PRIMARY KEY, n integer NOT NULL);\n"
# A check that takes a while per row: the validation scan lasts long enough to write during it.
SLOW = ("CREATE FUNCTION slow_ok(v integer) RETURNS boolean LANGUAGE sql "
        "AS $$ SELECT pg_sleep(0.1) IS NOT NULL AND v IS NOT NULL $$")


def settings_for(url: str, project: Path, schema: str, **overrides: Any) -> Settings:
    path = project / "schema.sql"
    path.write_text(schema, encoding="utf-8")
    values: dict[str, Any] = {"database_url": url, "schema": [str(path)],
                              "migrations": str(project / "migrations"), **overrides}
    return load_settings(values, start=project, environ={})


def push(settings: Settings, progress: Any = None) -> workflows.PushResult:
    return workflows.push(settings, NO_RENAMES, confirm=lambda losses: False, progress=progress)


def insert_now(url: str, value: int, timeout: str = "300ms") -> None:
    """An INSERT from another session that gives up when it waits for a lock."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET lock_timeout = '{timeout}'")
        conn.execute("INSERT INTO items VALUES (%s, 1)", (value,))


def table_locks(url: str) -> set[str]:
    rows = query(url, "SELECT mode FROM pg_locks WHERE relation = 'public.items'::regclass AND granted")
    return {r[0] for r in rows}


def constraint_valid(url: str, name: str) -> bool:
    return query(url, f"SELECT convalidated FROM pg_constraint WHERE conname = '{name}'")[0][0]


def seed(url: str, rows: int, bad: int = 0) -> None:
    execute(url, TABLE + f"INSERT INTO items SELECT g, 1 FROM generate_series(1, {rows}) g;"
            + (f"UPDATE items SET n = -1 WHERE id <= {bad};" if bad else ""))


def test_push_validates_after_the_batch_committed_so_writes_go_on(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 20_000)
    schema = TABLE.replace("n integer NOT NULL", "n integer NOT NULL CONSTRAINT items_n_positive CHECK (n > 0)")
    seen: list[tuple[set[str], bool]] = []

    def progress(index: int, total: int, statement: Any) -> None:
        if "VALIDATE CONSTRAINT" in statement.sql:
            locks = table_locks(pg_url)
            insert_now(pg_url, 100_000)  # raised LockNotAvailable while ADD CONSTRAINT's lock was held
            seen.append((locks, constraint_valid(pg_url, "items_n_positive")))

    result = push(settings_for(pg_url, tmp_path, schema), progress)
    assert result.failure is None and result.executed
    assert seen == [(set(), False)]  # committed NOT VALID, no lock left, before the validation began
    assert constraint_valid(pg_url, "items_n_positive")
    assert [s.sql for s in result.statements][-1] == "ALTER TABLE public.items VALIDATE CONSTRAINT items_n_positive"


def insert_during(url: str, statement: str, work: Any) -> tuple[bool, list[BaseException]]:
    """Run `work` in a thread; once another session runs `statement`, INSERT with a short
    lock_timeout (it raises if it has to wait for the lock). Returns whether `statement`
    was still running when the INSERT was done, and what the thread raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as e:  # surfaced by the test
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = query(url, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                           f"AND query LIKE '%{statement}%' AND pid <> pg_backend_pid()")[0][0]
        if found:
            break
        time.sleep(0.02)
    else:
        thread.join()
        raise AssertionError(f"never saw {statement!r} running: {errors}")
    insert_now(url, 100_000, "500ms")
    still = query(url, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                       f"AND query LIKE '%{statement}%' AND pid <> pg_backend_pid()")[0][0] > 0
    thread.join()
    return still, errors


def test_a_slow_validation_lets_a_concurrent_insert_through(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 20)  # 20 rows x 0.1 s of validation
    execute(pg_url, SLOW)
    schema = SLOW + ";\n" + TABLE.replace("NOT NULL", "NOT NULL CONSTRAINT items_n_slow CHECK (slow_ok(n))")
    settings = settings_for(pg_url, tmp_path, schema)
    outcome: list[workflows.PushResult] = []
    during, errors = insert_during(pg_url, "VALIDATE CONSTRAINT", lambda: outcome.append(push(settings)))
    assert not errors and outcome[0].failure is None
    assert during  # the INSERT went through while the validation (2 s) was still running
    assert constraint_valid(pg_url, "items_n_slow")


def test_a_failed_validation_stays_not_valid_and_the_next_push_only_validates(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 100, bad=3)
    schema = TABLE.replace("n integer NOT NULL", "n integer NOT NULL CONSTRAINT items_n_positive CHECK (n > 0)")
    settings = settings_for(pg_url, tmp_path, schema)
    result = push(settings)
    assert result.failure is not None and result.failure.committed
    message = str(result.failure)
    assert "items_n_positive" in message and "stays NOT VALID" in message and "fix the rows" in message
    assert not constraint_valid(pg_url, "items_n_positive")
    plan = workflows.check(settings, NO_RENAMES)
    assert [c.kind for c in plan.changes] == ["validate_constraint"]
    assert [s.sql for s in plan.statements] == ["ALTER TABLE public.items VALIDATE CONSTRAINT items_n_positive"]
    failed = cli("push", "--db", pg_url, "--schema", str(tmp_path / "schema.sql"), cwd=tmp_path)
    assert failed.returncode != 0 and "stays NOT VALID" in failed.stderr, failed.stderr
    execute(pg_url, "UPDATE items SET n = 1 WHERE n <= 0")
    assert push(settings).failure is None
    assert constraint_valid(pg_url, "items_n_positive")
    assert workflows.check(settings, NO_RENAMES).changes == []


def test_not_valid_in_the_file_round_trips(pg_url: str, tmp_path: Path) -> None:
    schema = TABLE + "ALTER TABLE items ADD CONSTRAINT items_n_positive CHECK (n > 0) NOT VALID;\n"
    settings = settings_for(pg_url, tmp_path, schema)
    assert push(settings).failure is None
    assert not constraint_valid(pg_url, "items_n_positive")  # as psql -f makes it
    assert workflows.check(settings, NO_RENAMES).changes == []


def test_generate_writes_validate_and_concurrently_in_blocks_of_their_own_and_migrate_runs_them(
        pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path, TABLE)
    assert history.generate(settings, NO_RENAMES, name="items").tag is not None
    assert history.migrate(settings).exit_code == 0
    execute(pg_url, "INSERT INTO items SELECT g, 1 FROM generate_series(1, 20) g")
    execute(pg_url, SLOW)
    schema = (SLOW + ";\n" + TABLE.replace("NOT NULL", "NOT NULL CONSTRAINT items_n_slow CHECK (slow_ok(n))")
              + "CREATE INDEX items_n ON items (n);\n")
    settings = settings_for(pg_url, tmp_path, schema)
    generated = history.generate(settings, NO_RENAMES, name="online")
    text = generated.files[0].read_text(encoding="utf-8")
    blocks = re.split(r"^-- schemalens:statement$", text, flags=re.M)[1:]
    assert [b.strip().splitlines()[-1] for b in blocks] == [
        "ALTER TABLE public.items ADD CONSTRAINT items_n_slow CHECK (slow_ok(n)) NOT VALID;",
        "ALTER TABLE public.items VALIDATE CONSTRAINT items_n_slow;",
        "CREATE INDEX CONCURRENTLY items_n ON public.items USING btree (n);",
    ]
    assert OWN_TRANSACTION in blocks[1] and NO_TRANSACTION in blocks[2] and NO_TRANSACTION not in blocks[0]
    outcome: list[Any] = []
    during, errors = insert_during(pg_url, "VALIDATE CONSTRAINT", lambda: outcome.append(history.migrate(settings)))
    assert not errors and outcome[0].exit_code == 0, outcome
    assert during
    assert constraint_valid(pg_url, "items_n_slow")
    assert query(pg_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_n'::regclass") == [(True,)]
    assert query(pg_url, "SELECT count(*) FROM schemalens_migrations") == [(2,)]


def test_generate_online_off_and_push_online_on(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 10)
    schema = TABLE + "CREATE INDEX items_n ON items (n);\n"
    settings = settings_for(pg_url, tmp_path, schema)
    assert "CONCURRENTLY" not in "".join(s.sql for s in workflows.check(settings, NO_RENAMES).statements)
    online = settings_for(pg_url, tmp_path, schema, online=True)
    assert push(online).failure is None
    assert query(pg_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_n'::regclass") == [(True,)]
    (tmp_path / "schemalens.toml").write_text("online = false\n", encoding="utf-8")
    assert load_settings({}, start=tmp_path, environ={}).online is False
    assert load_settings({}, start=tmp_path, environ={"SCHEMALENS_ONLINE": "true"}).online is True


def test_a_failed_concurrent_build_leaves_an_invalid_index_that_the_next_plan_rebuilds(
        pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 10)
    execute(pg_url, "UPDATE items SET n = 7")
    schema = TABLE + "CREATE UNIQUE INDEX items_n ON items (n);\n"
    settings = settings_for(pg_url, tmp_path, schema, online=True)
    result = push(settings)
    assert result.failure is not None and result.failure.committed
    assert "items_n" in str(result.failure) and "INVALID" in str(result.failure)
    assert query(pg_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_n'::regclass") == [(False,)]
    plan = workflows.check(settings, NO_RENAMES)
    assert [c.kind for c in plan.changes] == ["drop_index", "create_index"]
    assert "INVALID" in plan.changes[0].description
    execute(pg_url, "UPDATE items SET n = id")
    assert push(settings).failure is None
    assert query(pg_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_n'::regclass") == [(True,)]
    assert workflows.check(settings, NO_RENAMES).changes == []


@pytest.mark.parametrize("online", [False, True])
def test_hazards_say_what_happens(online: bool, pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, 1)
    schema = TABLE.replace("NOT NULL", "NOT NULL CHECK (n > 0)") + "CREATE INDEX items_n ON items (n);\n"
    plan = workflows.check(settings_for(pg_url, tmp_path, schema, online=online), NO_RENAMES)
    locks = " ".join(c.lock or "" for c in plan.changes)
    assert "brief ACCESS EXCLUSIVE" in locks and "own transaction" in locks and "writes continue" in locks
    assert "CONCURRENTLY" in locks
