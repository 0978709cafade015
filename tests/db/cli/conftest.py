from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest


@dataclass
class Target:
    """A real database the CLI runs against, and the test's own connection to it."""

    dialect: str
    url: str

    def execute(self, *statements: str) -> None:
        if self.dialect == "postgresql":
            with psycopg.connect(self.url, autocommit=True) as conn:
                for sql in statements:
                    conn.execute(sql)
            return
        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        try:
            for sql in statements:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.dialect == "postgresql":
            with psycopg.connect(self.url) as conn:
                return conn.execute(sql).fetchall()
        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def columns(self, table: str) -> list[str]:
        if self.dialect == "postgresql":
            return [r[0] for r in self.rows(f"SELECT column_name FROM information_schema.columns "
                                            f"WHERE table_name = '{table}' ORDER BY ordinal_position")]
        return [r[1] for r in self.rows(f"PRAGMA table_info({table})")]

    def tables(self) -> list[str]:
        if self.dialect == "postgresql":
            return [r[0] for r in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return [r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]

    @property
    def schema(self) -> str:
        """The default schema, as the CLI names tables."""
        return "public" if self.dialect == "postgresql" else "main"


@pytest.fixture(params=["postgresql", "sqlite"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    if request.param == "postgresql":
        return Target("postgresql", request.getfixturevalue("pg_url"))
    path = tmp_path / "app.db"
    sqlite3.connect(path).close()
    return Target("sqlite", f"sqlite:///{path}")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=["postgresql", "sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of either dialect (the SQLite file exists, empty)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{request.getfixturevalue('sqlite_path')}"
