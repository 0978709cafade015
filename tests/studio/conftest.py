"""A real studio (uvicorn on 127.0.0.1, a free port) over a small seeded database, and a real
headless Chromium (Debian's, never a downloaded one) to drive its page."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest

from schemalens.studio.server import StudioServer

PG_SEED = '''
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,
                    age integer CHECK (age >= 0), status text NOT NULL DEFAULT 'new', meta jsonb);
CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id),
                    title text NOT NULL, body text);
CREATE TABLE logs (message text, level integer);
CREATE TABLE "odd ""name""" ("we;ird" text PRIMARY KEY, "x""y" integer);
'''
SQLITE_SEED = '''
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT,
                    age INTEGER CHECK (age >= 0), status TEXT NOT NULL DEFAULT 'new', meta TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
                    title TEXT NOT NULL, body TEXT);
CREATE TABLE logs (message TEXT, level INTEGER);
CREATE TABLE "odd ""name""" ("we;ird" TEXT PRIMARY KEY, "x""y" INTEGER);
'''
USERS = 30
ODD_INSERT = 'INSERT INTO "odd ""name""" VALUES (' + "'a;b', 1)"


def user_rows() -> list[tuple[Any, ...]]:
    """id, email, name (NULL for every 5th), age, meta."""
    return [(i, f"u{i}@example.com", None if i % 5 == 0 else f"name {i % 7}", i, '{"n": %d}' % i)
            for i in range(1, USERS + 1)]


def seed(url: str, dialect: str) -> None:
    posts = [(i, (i % 3) + 1, f"post {i}", "body " * i) for i in range(1, 11)]
    logs = [(f"log {i}", i) for i in range(5)]
    if dialect == "postgresql":
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(PG_SEED)
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO users (id, email, name, age, meta) VALUES (%s, %s, %s, %s, %s)",
                                user_rows())
                cur.executemany("INSERT INTO posts VALUES (%s, %s, %s, %s)", posts)
                cur.executemany("INSERT INTO logs VALUES (%s, %s)", logs)
                cur.execute(ODD_INSERT)
            conn.execute("SELECT setval('users_id_seq', %s)", (USERS,))
        return
    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    conn.executescript(SQLITE_SEED)
    conn.executemany("INSERT INTO users (id, email, name, age, meta) VALUES (?, ?, ?, ?, ?)", user_rows())
    conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)", posts)
    conn.executemany("INSERT INTO logs VALUES (?, ?)", logs)
    conn.execute(ODD_INSERT)
    conn.commit()
    conn.close()


@dataclass
class Running:
    server: StudioServer
    dialect: str
    db_url: str

    @property
    def base(self) -> str:
        return self.server.base_url

    @property
    def token(self) -> str:
        assert self.server.studio is not None
        return self.server.studio.secrets.token

    @property
    def schema(self) -> str:
        return "public" if self.dialect == "postgresql" else "main"

    def client(self, **kwargs: Any) -> httpx.Client:
        headers = {"x-schemalens-token": self.token, **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30, **kwargs)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the database directly, around the studio."""
        if self.dialect == "postgresql":
            with psycopg.connect(self.db_url, autocommit=True) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        conn = sqlite3.connect(self.db_url.removeprefix("sqlite:///"))
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        if self.dialect == "postgresql":
            with psycopg.connect(self.db_url, autocommit=True) as conn:
                conn.execute(sql.replace("?", "%s"), params)
            return
        conn = sqlite3.connect(self.db_url.removeprefix("sqlite:///"))
        conn.execute(sql, params)
        conn.commit()
        conn.close()


def _running(url: str, dialect: str, **options: Any) -> Iterator[Running]:
    seed(url, dialect)
    server = StudioServer(url, **options)
    server.start()
    try:
        yield Running(server, dialect, url)
    finally:
        server.stop()


@pytest.fixture(params=["postgresql", "sqlite"])
def studio(request: pytest.FixtureRequest) -> Iterator[Running]:
    """A studio over a seeded database, once per dialect."""
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    yield from _running(url, request.param)


@pytest.fixture
def pg_studio(pg_url: str) -> Iterator[Running]:
    yield from _running(pg_url, "postgresql")


@pytest.fixture
def sqlite_studio(sqlite_url: str) -> Iterator[Running]:
    yield from _running(sqlite_url, "sqlite")


@pytest.fixture(params=["postgresql", "sqlite"])
def read_only_studio(request: pytest.FixtureRequest) -> Iterator[Running]:
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    yield from _running(url, request.param, read_only=True)


# --- the browser ---------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
BROWSER = [pytest.mark.db, pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                              reason="Debian's chromium is not installed (.ci/run installs it)")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the studio's tests. Not for the session: while Playwright's sync API
    is open its event loop counts as running in this thread, and a later test's
    asyncio.run() would fail (tests/unit/test_lsp_guarded.py did)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context; any uncaught script error on the page fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    assert errors == [], errors


def open_table(page: Any, s: Running, table: str) -> None:
    page.goto(s.server.url)
    page.click(f'.table-link[data-table="{table}"]')
    page.wait_for_selector("#grid tbody tr")


def cell(page: Any, key: str, column: str) -> Any:
    return page.locator(f'#grid tr[data-key=\'{{"id":"{key}"}}\'] td[data-col="{column}"]')
