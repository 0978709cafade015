"""The migration lock: a second migrate waits its turn on SQLite however long the first one
holds the database (it used to fail with "database is locked" after 5 s), and push queues
on the same lock, then plans against what the first run made."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from tests.db.test_migrate_apply import add_migration, make_settings
from tests.robustness.faults import CLI, WAITING, _env, migration_lock_held, recorded


def _wait_for(log: Path, proc: subprocess.Popen[str], text: str) -> None:
    deadline = time.monotonic() + 120
    while text not in log.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def test_sqlite_migrate_waits_for_a_writer_holding_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    add_migration(make_settings(url, tmp_path), "first", "CREATE TABLE first (id integer);")
    writer = sqlite3.connect(tmp_path / "app.db", isolation_level=None)
    writer.execute("CREATE TABLE busy (id integer)")
    log = tmp_path / "migrate.err"
    with migration_lock_held(url):
        writer.execute("BEGIN EXCLUSIVE")  # as a long migration does once it writes: no reader gets in
        proc = subprocess.Popen([*CLI, "migrate", "--db", url], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=log.open("w"), text=True, env=_env())
        _wait_for(log, proc, WAITING)
        writer.execute("COMMIT")
    proc.communicate(timeout=120)
    assert proc.returncode == 0, log.read_text()
    assert recorded(url) == ["0000_first"]


def test_push_waits_for_the_lock_then_plans_against_the_new_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    sqlite3.connect(tmp_path / "app.db").close()
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY, a text);\n")
    log = tmp_path / "push.err"
    with migration_lock_held(url):
        proc = subprocess.Popen([*CLI, "push", "--db", url, "--schema", "schema.sql"], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=log.open("w"), text=True, env=_env())
        _wait_for(log, proc, WAITING)
        with sqlite3.connect(tmp_path / "app.db") as other:  # what the run holding the lock makes
            other.execute("CREATE TABLE t (id integer PRIMARY KEY)")
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, log.read_text()
    assert "1 statement(s) executed" in out  # the remainder: the column, not the table
    with sqlite3.connect(tmp_path / "app.db") as conn:
        assert [r[1] for r in conn.execute("PRAGMA table_info(t)")] == ["id", "a"]
