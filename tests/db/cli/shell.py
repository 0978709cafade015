"""Running the installed CLI as a user's shell or CI job does: a subprocess, piped output,
no configuration from the test process's environment."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMALENS_") and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "schemalens", *args], cwd=cwd, capture_output=True, text=True,
                          env=environ | (env or {}), timeout=120)


def cli_json(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = cli(*args, "--json", cwd=cwd, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def execute(url: str, sql: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.executescript(sql)
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return set()
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()
    else:
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r[0] for r in rows}
