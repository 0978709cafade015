"""A second editor: Neovim's built-in LSP client (Debian's 0.7) runs harness.lua against the
real server over stdio. What it sees (statuses, diagnostic codes, action titles) comes
back as JSON; the database is checked here."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("harness.lua")
SERVER = [sys.executable, "-m", "schemalens", "lsp"]

USERS = "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL\n);\n"
WANTED = USERS.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  name TEXT")


def sqlite_db(path: Path, sql: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


def columns(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[1] for r in conn.execute("PRAGMA table_info(users)")]
    finally:
        conn.close()


@pytest.fixture
def nvim() -> str:
    found = shutil.which("nvim")
    assert found, "Neovim is needed: apt-get install -y neovim (.ci/run installs it)"
    return found


def test_neovim_sees_diagnostics_runs_a_quick_fix_and_takes_settings(nvim: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    first = sqlite_db(project / "first.db", USERS)
    second = sqlite_db(project / "second.db", USERS + "ALTER TABLE users ADD COLUMN nickname TEXT;")
    schema = project / "schema.sql"
    schema.write_text(WANTED, encoding="utf-8")
    result = tmp_path / "report.json"
    environment = os.environ | {
        "SCHEMALENS_SERVER": json.dumps(SERVER), "SCHEMALENS_PROJECT": str(project),
        "SCHEMALENS_SCHEMA": str(schema), "SCHEMALENS_FIRST_URL": f"sqlite:///{first}",
        "SCHEMALENS_SECOND_URL": f"sqlite:///{second}", "SCHEMALENS_RESULT": str(result),
        "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    ran = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", f"luafile {HARNESS}"],
                         env=environment, cwd=project, capture_output=True, text=True, timeout=300)
    assert result.is_file(), ran.stderr
    report = json.loads(result.read_text(encoding="utf-8"))
    assert "error" not in report, report
    assert ran.returncode == 0, ran.stderr

    assert report["statuses"][0]["state"] == "starting"
    # init_options picked the first database: the file's new column is drift there
    assert report["first"]["state"] == "drift" and report["first"]["database"].endswith("first.db")
    assert report["open_codes"] == ["missing-column"] and report["vim_diagnostics"] == 1
    assert any(t.startswith("Push this change: add column main.users.name") for t in report["action_titles"])
    assert "Push schema to database (1 change)" in report["action_titles"]  # the lightbulb has it

    assert report["pushed"]["ok"] is True
    assert columns(first) == ["id", "email", "name"]
    assert report["after_push"]["state"] == "in-sync" and report["after_push_codes"] == []

    # didChangeConfiguration moved the server to the second database
    assert report["after_settings"]["database"].endswith("second.db")
    assert report["after_settings"]["state"] == "drift"
    assert report["after_settings_codes"] == ["extra-column", "missing-column"]
    assert columns(second) == ["id", "email", "nickname"]  # only the first was pushed to
