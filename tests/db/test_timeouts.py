"""A database that takes the connection and never answers, and a read stuck behind another
session's lock: one message that the database does not answer, after one wait (the editor
does not retry what cannot succeed)."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from schemalens.config import load_settings
from schemalens.lsp.analysis import Snapshot, run_check
from schemalens.lsp.database import Databases
from tests.robustness.faults import CLI, _env


class SilentServer:
    """A TCP listener that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def _check(url: str, tmp_path: Path):
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (id integer);\n")
    settings = load_settings({"database_url": url, "schema": [str(schema)]}, start=tmp_path, environ={})
    databases = Databases()
    try:
        return run_check(Snapshot(settings, [str(schema)], {}, {}), databases)
    finally:
        databases.close_all()


def test_editor_check_against_a_silent_server_waits_once_and_says_it_does_not_answer(
        silent: SilentServer, tmp_path: Path) -> None:
    result = _check(f"postgresql://app:s3cret@127.0.0.1:{silent.port}/app", tmp_path)
    assert result.database == "unreachable"
    assert "the database does not answer" in result.database_message
    assert "s3cret" not in result.database_message
    assert len(silent.accepted) == 1  # no second attempt
    assert result.desired is not None  # every database-free diagnostic still works


def test_cli_check_against_a_silent_server_is_exit_2_does_not_answer(silent: SilentServer, tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id integer);\n")
    run = subprocess.run([*CLI, "check", "--db", f"postgresql://app:s3cret@127.0.0.1:{silent.port}/app",
                          "--schema", "schema.sql"], cwd=tmp_path, capture_output=True, text=True, env=_env(),
                         timeout=120)
    assert run.returncode == 2
    assert "the database does not answer" in run.stderr and "s3cret" not in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


def test_editor_check_stuck_behind_a_lock_says_the_database_does_not_answer(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as holder:
        holder.execute("LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")
        result = _check(pg_url, tmp_path)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            left = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND application_name = 'schemalens'").fetchone()[0]
        holder.rollback()
    assert result.database == "unreachable"
    assert "the database does not answer" in result.database_message
    assert left == 0  # the timed-out session was closed, not left waiting
