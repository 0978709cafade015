"""A connection lost mid-command (here: the session terminated with pg_terminate_backend
while its statement waits on a lock another session holds): one clear message, exit 3 for
the commands that change the database (2 for check, whose 3 means something else), and
the database as it was."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.db.test_migrate_apply import add_migration, make_settings
from tests.oracle import dump
from tests.robustness.faults import CLI, _env, recorded, settle


@contextmanager
def locked(url: str, sql: str) -> Iterator[None]:
    with psycopg.connect(url) as holder:
        holder.execute(sql)
        yield
        holder.rollback()


def run_and_terminate(url: str, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI; once its statement waits on a lock, terminate its session."""
    proc = subprocess.Popen([*CLI, *args, "--db", url], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    deadline = time.monotonic() + 120
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            row = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                               "AND application_name = 'schemalens' AND wait_event_type = 'Lock'").fetchone()
            if row:
                conn.execute("SELECT pg_terminate_backend(%s)", (row[0],))
                break
            time.sleep(0.05)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_lost(run: subprocess.CompletedProcess[str], code: int) -> None:
    assert run.returncode == code, run.stderr
    assert "was lost" in run.stderr and "Traceback" not in run.stderr and "psycopg" not in run.stderr


@pytest.fixture
def project(pg_url: str, tmp_path: Path) -> Path:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, a text)")
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY, a text, b text);\n")
    (tmp_path / "schemalens.toml").write_text('schema = ["schema.sql"]\nmigrations = "migrations"\n')
    return tmp_path


def test_push_whose_session_is_terminated_exits_3_and_changes_nothing(pg_url: str, project: Path) -> None:
    before = dump(pg_url)
    with locked(pg_url, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"):
        run = run_and_terminate(pg_url, project, "push", "--force")
    assert_lost(run, 3)
    settle(pg_url)
    assert dump(pg_url) == before


def test_migrate_and_rollback_whose_session_is_terminated_exit_3_and_record_nothing(pg_url: str,
                                                                                   project: Path) -> None:
    settings = make_settings(pg_url, project)
    add_migration(settings, "first", "CREATE TABLE first (id integer);", down="DROP TABLE first;")
    add_migration(settings, "add_b", "CREATE TABLE second (id integer);\nALTER TABLE t ADD COLUMN b text;",
                  down="DROP TABLE second;\nALTER TABLE t DROP COLUMN b;")
    with locked(pg_url, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"):
        run = run_and_terminate(pg_url, project, "migrate")
    assert_lost(run, 3)
    assert recorded(pg_url) == ["0000_first"]
    done = dump(pg_url)
    assert "second" not in done and "first" in done
    assert subprocess.run([*CLI, "migrate", "--db", pg_url], cwd=project, env=_env()).returncode == 0
    before = dump(pg_url)
    with locked(pg_url, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"):
        run = run_and_terminate(pg_url, project, "rollback")
    assert_lost(run, 3)
    assert dump(pg_url) == before and recorded(pg_url) == ["0000_first", "0001_add_b"]


def test_reset_whose_session_is_terminated_exits_3_and_drops_nothing(pg_url: str, project: Path) -> None:
    settings = make_settings(pg_url, project)
    add_migration(settings, "first", "CREATE TABLE first (id integer);")
    assert subprocess.run([*CLI, "migrate", "--db", pg_url], cwd=project, env=_env()).returncode == 0
    before = dump(pg_url)
    with locked(pg_url, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE"):
        run = run_and_terminate(pg_url, project, "reset", "--force")
    assert run.returncode == 3, run.stderr
    assert "was lost" in run.stderr and "Traceback" not in run.stderr
    assert dump(pg_url) == before


def test_check_whose_session_is_terminated_is_an_error(pg_url: str, project: Path) -> None:
    (project / "schemalens.toml").write_text('schema = ["schema.sql"]\n')
    with locked(pg_url, "LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE"):
        run = run_and_terminate(pg_url, project, "check", "--json")
    assert_lost(run, 2)
    assert '"connection-lost"' in run.stdout
