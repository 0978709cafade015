"""migrate under stress: many processes at once, and a process killed mid-migration."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg

from tests.db.test_migrate_apply import CLI, add_migration, db_url, make_settings, query, recorded, tables  # noqa: F401

SLOW = {
    "postgresql": "SELECT pg_sleep(3)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000) "
              "SELECT count(*) FROM c",
}


def test_eight_concurrent_runs_apply_each_migration_exactly_once(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "counter", "CREATE TABLE runs (n integer);")
    for i in range(1, 4):
        add_migration(settings, f"step_{i}", f"INSERT INTO runs VALUES ({i});\nCREATE TABLE t{i} (id integer);")
    procs = [subprocess.Popen([*CLI, "migrate", "--db", db_url], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [o[1] for o in outputs]
    assert query(db_url, "SELECT n FROM runs ORDER BY n") == [(1,), (2,), (3,)]
    assert recorded(db_url) == ["0000_counter", "0001_step_1", "0002_step_2", "0003_step_3"]
    assert sum("nothing to do" in out for out, _ in outputs) == 7


def _wait_until_mid_migration(url: str, proc: subprocess.Popen[str], app_db: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if url.startswith("sqlite"):
            if Path(f"{app_db}-journal").exists():  # a write transaction is open
                time.sleep(0.3)
                return
        else:
            with psycopg.connect(url, autocommit=True) as conn:
                busy = conn.execute("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%%' "
                                    "AND datname = current_database()").fetchone()
            if busy:
                return
        time.sleep(0.05)
    raise AssertionError("the migration never started")


def test_kill_9_mid_migration_leaves_nothing_half_applied(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    dialect = settings.dialect
    add_migration(settings, "first", "CREATE TABLE first (id integer);")
    add_migration(settings, "slow", f"CREATE TABLE half (id integer);\nINSERT INTO half VALUES (1);\n{SLOW[dialect]};\n"
                                    "CREATE TABLE after_slow (id integer);")
    proc = subprocess.Popen([*CLI, "migrate", "--db", db_url], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_until_mid_migration(db_url, proc, tmp_path / "app.db")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # SQLite rolls the hot journal back on the next open; PostgreSQL aborts the transaction
    # when the backend notices its client is gone (the advisory lock goes with it).
    rerun = subprocess.run([*CLI, "migrate", "--db", db_url], cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "applied 0001_slow" in rerun.stderr and "applied 0000_first" not in rerun.stderr
    assert tables(db_url) == {"first", "half", "after_slow"}
    assert query(db_url, "SELECT count(*) FROM half") == [(1,)]
    assert recorded(db_url) == ["0000_first", "0001_slow"]


def test_state_right_after_the_kill_holds_no_trace_of_the_migration(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "first", "CREATE TABLE first (id integer);")
    add_migration(settings, "slow", f"CREATE TABLE half (id integer);\n{SLOW[settings.dialect]};")
    proc = subprocess.Popen([*CLI, "migrate", "--db", db_url], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_until_mid_migration(db_url, proc, tmp_path / "app.db")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if not db_url.startswith("sqlite"):  # let the orphaned backend finish and abort
        deadline = time.monotonic() + 30
        while query(db_url, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%%' "
                            "AND datname = current_database()") != [(0,)] and time.monotonic() < deadline:
            time.sleep(0.1)
    assert tables(db_url) == {"first"}
    assert recorded(db_url) == ["0000_first"]
