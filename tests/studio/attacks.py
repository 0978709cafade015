"""The studio attacked as a web page on the user's machine would attack it (issue 15): CSRF
from another origin, Host-header rebinding, identifier and value injection, XSS through cell
values and table/column names rendered in real Chromium, and writes and side effects through
a `--read-only` studio. Every attempt is counted; one that gets through is a success.

    python3 -m tests.studio.attacks          # bounded profile (what the test suite runs)
    python3 -m tests.studio.attacks --long   # the long profile: prints the figures table

Needs SCHEMALENS_TEST_PG_URL (a PostgreSQL server's maintenance database) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.studio.conftest import ARGS, CHROMIUM, USERS, Running, _running

CATEGORIES = ["CSRF from another origin", "Host-header rebinding", "identifier injection",
              "value injection", "XSS in Chromium", "--read-only writes and side effects"]


@dataclass
class Tally:
    """Attempts and successes per category, with what got through."""

    tried: Counter[str] = field(default_factory=Counter)
    succeeded: Counter[str] = field(default_factory=Counter)
    breaches: list[str] = field(default_factory=list)

    def record(self, category: str, what: str, got_through: bool) -> None:
        self.tried[category] += 1
        if got_through:
            self.succeeded[category] += 1
            self.breaches.append(f"{category}: {what}")

    def table(self) -> str:
        rows = ["| attack | tried | succeeded |", "|---|---:|---:|"]
        rows += [f"| {c} | {self.tried[c]} | {self.succeeded[c]} |" for c in CATEGORIES]
        rows.append(f"| **total** | {sum(self.tried.values())} | {sum(self.succeeded.values())} |")
        return "\n".join(rows)


def fingerprint(s: Running) -> Any:
    """Everything an attack could change: rows of every table, the schema, sequences."""
    tables = ["users", "posts", "logs", 'odd "name"']
    quoted = ['"' + t.replace('"', '""') + '"' for t in tables]
    counts = [s.query(f"SELECT count(*) FROM {q}")[0][0] for q in quoted]
    users = s.query("SELECT id, email, name, age, status FROM users ORDER BY id")
    if s.dialect == "postgresql":
        catalog = s.query("SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = 'public'::regnamespace")
        sequence = s.query("SELECT last_value FROM users_id_seq")
        # (this database's only: other tests on the same server take advisory locks of their own)
        locks = s.query("SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND database = "
                        "(SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())")
        return counts, users, catalog, sequence, locks
    return counts, users, s.query("SELECT count(*) FROM sqlite_schema"), s.query("PRAGMA user_version")


# --- payloads -------------------------------------------------------------------------------------

NAMES = ['a"b', "semi;colon", 'x"; DROP TABLE logs; --', "spa ce", "üñî©ødé", "emoji 🦄", "back\\slash",
         "per%cent_", "'quote", "$1", "-- comment", "/* c */", "Mixed\tCase"]
VALUES = ["'", "''; DROP TABLE logs; --", "\\", "%", "_", "100%_off\\", "🦄", "\u202etxet", "' OR '1'='1",
          "NULL", "", " ", "a\nb", "$$", "%s", "?", "x" * 5000]
XSS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>",
       '"><svg onload="window.__xss=1">', "javascript:window.__xss=1", "<iframe srcdoc='<script>parent.__xss=1</script>'>",
       "{{constructor.constructor('window.__xss=1')()}}", "<a href=javascript:window.__xss=1>x</a>"]


def quoted_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def random_names(rng: random.Random, n: int) -> list[str]:
    alphabet = "\"';\\ %_-$/*()<>`\u00e9\u4e2d\U0001f984\u200b\t" + "abcXYZ019"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))).strip() or "_" for _ in range(n)]


# --- the studios ------------------------------------------------------------------------------------

@contextmanager
def databases(pg_server: str) -> Iterator[Callable[[str], str]]:
    """URLs of fresh databases, dropped (or deleted) at the end."""
    made: list[str] = []
    folder = tempfile.TemporaryDirectory()

    def new(dialect: str) -> str:
        if dialect == "sqlite":
            return f"sqlite:///{folder.name}/{uuid.uuid4().hex[:8]}.db"
        name = "attack_" + uuid.uuid4().hex[:10]
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        made.append(name)
        return pg_server.rpartition("/")[0] + "/" + name

    try:
        yield new
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        folder.cleanup()


def raw(s: Running, sql: str) -> list[tuple[Any, ...]]:
    """SQL text as written: no parameters, so a `%` or `?` in a hostile name stays itself."""
    if s.dialect == "postgresql":
        with psycopg.connect(s.db_url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []
    import sqlite3

    conn = sqlite3.connect(s.db_url.removeprefix("sqlite:///"))
    try:
        rows = conn.execute(sql).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def studio(url: str, dialect: str, **options: Any) -> Iterator[Running]:
    if dialect == "sqlite":
        Path(url.removeprefix("sqlite:///")).touch()
    return _running(url, dialect, **options)


# --- CSRF and Host rebinding (HTTP, as a browser would send it) ----------------------------------------

def writes(schema: str) -> dict[str, dict[str, Any]]:
    return {
        "/api/update": {"schema": schema, "table": "users", "key": {"id": "1"}, "column": "age",
                        "expected": "1", "value": "99"},
        "/api/insert": {"schema": schema, "table": "users", "values": {"email": "evil@example.com"}},
        "/api/delete": {"schema": schema, "table": "logs", "rows": [{"key": {"id": "1"}}]},
        "/api/sql": {"sql": "DELETE FROM logs", "confirm": True},
    }


def csrf(s: Running, tally: Tally, long: bool) -> None:
    """Another page of the same machine, with the user's cookie riding along (SameSite=Strict
    keeps it off cross-site requests; same-site other ports are the hard case)."""
    with httpx.Client(base_url=s.base) as signed_in:
        signed_in.get("/", params={"token": s.token})
        before = fingerprint(s)
        port = s.server.port
        origins = ["http://127.0.0.1:1", "http://localhost:3000", "http://evil.example", "null",
                   f"http://127.0.0.1:{port}.evil.example", f"https://127.0.0.1:{port}", f"http://[::1]:{port + 1}"]
        sites = [None, "cross-site", "same-site", "none"]
        types = ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
        if not long:
            origins, types = origins[:4], types[:2]
        for path, body in writes(s.schema).items():
            for origin in origins + [None]:
                for site in sites:
                    for content_type in types:
                        if origin is None and site in (None, "none") and content_type == "application/json":
                            continue  # that is the page itself (a same-origin fetch), not an attack
                        headers = {"content-type": content_type}
                        if origin:
                            headers["origin"] = origin
                        if site:
                            headers["sec-fetch-site"] = site
                        r = signed_in.post(path, content=json.dumps(body), headers=headers)
                        tally.record(CATEGORIES[0], f"{path} origin={origin} site={site} {content_type}",
                                     r.status_code < 400 or "access-control-allow-origin" in r.headers)
        for path, body in writes(s.schema).items():  # no cookie, no token: a page of another site
            r = httpx.post(s.base + path, json=body)
            tally.record(CATEGORIES[0], f"{path} without credentials", r.status_code != 401)
        if fingerprint(s) != before:
            tally.record(CATEGORIES[0], "the database changed", True)


def rebinding(s: Running, tally: Tally, long: bool) -> None:
    """A domain the attacker controls, resolving to 127.0.0.1: the Host header still names it."""
    port = s.server.port
    hosts = ["evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "127.0.0.1.evil.example",
             "evil.example:80", "127.0.0.1", "localhost", "127.0.0.1:1", "[::1]", "0x7f.1", "127.1",
             "LOCALHOST.evil.example", "evil.example#@127.0.0.1", "127.0.0.1@evil.example", "", " ",
             "localhost.", "xn--80ak6aa92e.com", "a" * 300]
    hosts = [h if ":" in h.strip("[]") and not h.startswith("[") else h for h in hosts]
    hosts = hosts + [f"{h}:{port}" for h in hosts if h and not h.endswith(":80") and not h.startswith("127.0.0.1:")
                     and h not in ("127.0.0.1", "localhost", "[::1]")]
    if not long:
        hosts = hosts[:12]
    with httpx.Client(base_url=s.base, headers={"x-schemalens-token": s.token}) as c:
        before = fingerprint(s)
        for host in hosts:
            for method, path in (("GET", "/api/tables"), ("GET", "/"), ("GET", "/static/app.js"), ("POST", "/api/sql")):
                try:
                    r = c.request(method, path, headers={"host": host, "content-type": "application/json"},
                                  content=json.dumps(writes(s.schema)["/api/sql"]) if method == "POST" else None)
                except httpx.HTTPError:
                    tally.record(CATEGORIES[1], f"{method} {path} Host={host!r} (refused by HTTP)", False)
                    continue
                tally.record(CATEGORIES[1], f"{method} {path} Host={host!r}", r.status_code not in (400, 421))
        for forwarded in ("x-forwarded-host", "forwarded", "x-real-ip", "x-original-host"):
            r = c.get("/api/tables", headers={"host": "evil.example", forwarded: f"127.0.0.1:{port}"})
            tally.record(CATEGORIES[1], f"{forwarded} with a foreign Host", r.status_code != 421)
        if fingerprint(s) != before:
            tally.record(CATEGORIES[1], "the database changed", True)


# --- injection ----------------------------------------------------------------------------------------

def injection(s: Running, tally: Tally, names: list[str], values: list[str]) -> None:
    """Hostile names that exist (every endpoint must quote them) and that do not (refused), and
    hostile values (always bound): the canary tables and rows must stay exactly as they were."""
    api = httpx.Client(base_url=s.base, headers={"x-schemalens-token": s.token}, timeout=30)
    made: list[str] = []
    for name in names:
        quoted = quoted_name(name)
        try:
            raw(s, f'CREATE TABLE {quoted} ("k{name.replace(chr(34), chr(34) * 2)}" integer PRIMARY KEY, {quoted} text)')
            made.append(name)
        except Exception:  # a name this database will not take (PostgreSQL's 63 bytes): nothing to attack
            continue
    api.get("/api/tables", params={"refresh": "1"})
    before = fingerprint(s)
    for name in made:
        key, ok = f"k{name}", True
        steps = [
            api.post("/api/insert", json={"schema": s.schema, "table": name, "values": {key: "1", name: name}}),
            api.get("/api/rows", params={"schema": s.schema, "table": name, "sort": name, "desc": "1",
                                         "filters": json.dumps([{"column": name, "op": "contains", "value": name}])}),
            api.post("/api/update", json={"schema": s.schema, "table": name, "key": {key: "1"}, "column": name,
                                          "expected": name, "value": name + "'"}),
            api.get("/api/export", params={"schema": s.schema, "table": name, "format": "csv"}),
            api.get("/api/count", params={"schema": s.schema, "table": name}),
            api.post("/api/delete", json={"schema": s.schema, "table": name, "rows": [{"key": {key: "1"}}]}),
        ]
        ok = all(r.status_code == 200 for r in steps)
        ok = ok and raw(s, f"SELECT count(*) FROM {quoted_name(name)}") == [(0,)]
        tally.record(CATEGORIES[2], f"table and column named {name!r}", not ok)
    unknown = [f"{name} nope" for name in names] + [
        'users"; DROP TABLE logs; --', "users' OR '1'='1", "users\x00", "../users", 'users" --', "users;"]
    for name in unknown:
        for r in (
            api.get("/api/rows", params={"schema": s.schema, "table": name}),
            api.get("/api/rows", params={"schema": s.schema, "table": "users", "sort": name}),
            api.get("/api/rows", params={"schema": name, "table": "users"}),
            api.get("/api/rows", params={"schema": s.schema, "table": "users",
                                         "filters": json.dumps([{"column": name, "op": "eq", "value": "1"}])}),
            api.post("/api/update", json={"schema": s.schema, "table": "users", "key": {"id": "1"}, "column": name,
                                          "expected": "1", "value": "2"}),
            api.post("/api/insert", json={"schema": s.schema, "table": "users", "values": {name: "x"}}),
        ):
            tally.record(CATEGORIES[2], f"unknown name {name!r}", r.status_code not in (400, 404))
    if fingerprint(s) != before:
        tally.record(CATEGORIES[2], "the canary tables changed", True)
    before = fingerprint(s)
    emails = [row[0] for row in s.query("SELECT email FROM users")]
    for value in values:
        filters = [{"column": "email", "op": "eq", "value": value}, {"column": "email", "op": "contains", "value": value},
                   {"column": "age", "op": "lt", "value": value}]
        for f in filters:
            r = api.get("/api/rows", params={"schema": s.schema, "table": "users", "filters": json.dumps([f])})
            matched = len(r.json().get("rows", [])) if r.status_code == 200 else 0
            # a wildcard or quote in the value matches itself only: the rows whose email holds it
            expected = {"eq": sum(e == value for e in emails),
                        "contains": sum(value.lower() in e.lower() for e in emails)}.get(f["op"], matched)
            tally.record(CATEGORIES[3], f"filter {f['op']} {value[:40]!r}", r.status_code >= 500 or matched != expected)
        r = api.post("/api/update", json={"schema": s.schema, "table": "logs", "key": {"id": "1"},
                                          "column": "message", "expected": "x", "value": value})
        tally.record(CATEGORIES[3], f"update {value[:40]!r}", r.status_code >= 500)
        r = api.post("/api/insert", json={"schema": s.schema, "table": 'odd "name"', "values": {"we;ird": value}})
        stored = s.query('SELECT count(*) FROM "odd ""name""" WHERE "we;ird" = ?', (value,))
        tally.record(CATEGORIES[3], f"insert {value[:40]!r}", r.status_code != 200 or stored != [(1,)])
        s.execute('DELETE FROM "odd ""name""" WHERE "we;ird" = ?', (value,))
    if fingerprint(s) != before:
        tally.record(CATEGORIES[3], "the canary tables changed", True)
    api.close()


# --- XSS in a real browser --------------------------------------------------------------------------------

XSS_PROBE = "() => window.__xss === undefined && !document.querySelector('#app img, #app script, #app svg, #app iframe')"


def xss(s: Running, tally: Tally, browser: Any, payloads: list[str]) -> None:
    """Payloads as cell values, table names, column names, constraint names (in error text) and SQL
    results, drawn by the page in Chromium: no script may run and no element may appear."""
    for i, payload in enumerate(payloads):
        quoted = quoted_name(payload)
        raw(s, f"CREATE TABLE {quoted} (id integer PRIMARY KEY, {quoted} text)")
        s.execute(f"INSERT INTO {quoted} VALUES (1, ?)", (payload + "x",))
        s.execute("UPDATE users SET name = ?, meta = ? WHERE id = ?", (payload, json.dumps({"k": payload}), i % USERS + 1))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    page.goto(s.server.url)
    page.wait_for_selector(".table-link")
    tally.record(CATEGORIES[4], "sidebar with hostile table names", not page.evaluate(XSS_PROBE))
    page.click('.table-link[data-table="users"]')
    page.wait_for_selector("#grid tbody tr")
    tally.record(CATEGORIES[4], "grid with hostile cell values", not page.evaluate(XSS_PROBE))
    for n in range(min(len(payloads), USERS)):
        page.locator("#grid .open-row").nth(n).click()
        page.wait_for_selector(".row-detail")
        tally.record(CATEGORIES[4], f"row detail {n}", not page.evaluate(XSS_PROBE))
    for payload in payloads:
        link = page.locator(".table-link").filter(has_text=payload[:20]).first
        link.click()
        page.wait_for_selector("#grid tbody tr")
        tally.record(CATEGORIES[4], f"grid of table {payload[:30]!r}", not page.evaluate(XSS_PROBE))
        page.locator("#grid tbody td[data-col]").nth(1).dblclick()  # the editor puts the value in an input
        tally.record(CATEGORIES[4], f"cell editor of {payload[:30]!r}", not page.evaluate(XSS_PROBE))
        page.keyboard.press("Escape")
        page.click('[data-tab="schema"]')
        page.wait_for_selector(".schema-columns")
        tally.record(CATEGORIES[4], f"schema view of {payload[:30]!r}", not page.evaluate(XSS_PROBE))
        page.click('[data-tab="sql"]')
        page.fill("#sql-input", "SELECT " + "'" + payload.replace("'", "''") + "' AS " + '"' + payload.replace('"', '""') + '"')
        page.click("#sql-run")
        page.wait_for_selector("#sql-grid, #sql-error")
        tally.record(CATEGORIES[4], f"console result {payload[:30]!r}", not page.evaluate(XSS_PROBE))
        page.fill("#sql-input", "SELECT * FROM " + '"' + payload.replace('"', '""') + "_missing" + '"')
        page.click("#sql-run")
        page.wait_for_selector("#sql-error")
        tally.record(CATEGORIES[4], f"console error naming {payload[:30]!r}", not page.evaluate(XSS_PROBE))
        page.click('[data-tab="data"]')
        page.fill("#filter-value", payload)
        page.click("#filter-add")
        page.wait_for_selector(".chip")
        tally.record(CATEGORIES[4], f"filter chip {payload[:30]!r}", not page.evaluate(XSS_PROBE))
    time.sleep(0.2)
    tally.record(CATEGORIES[4], "no script error, no dialog", bool(errors))
    context.close()


# --- read-only ------------------------------------------------------------------------------------------------

RO_SQL = {
    "postgresql": ["DELETE FROM logs", "UPDATE users SET age = 0", "DROP TABLE posts", "CREATE TABLE x (a int)",
                   "SELECT pg_advisory_lock_shared(42)", "SELECT pg_advisory_lock(1)", "SELECT pg_try_advisory_lock(9)",
                   "SELECT pg_advisory_xact_lock(3)", "SELECT nextval('users_id_seq')", "SELECT setval('users_id_seq', 1)",
                   "SELECT pg_terminate_backend(pg_backend_pid())", "SELECT pg_cancel_backend(0)", "SELECT lo_create(0)",
                   "SELECT pg_notify('c', 'x')", "LISTEN c", "SET statement_timeout = 1", "PREPARE p AS SELECT 1",
                   "CREATE TEMP TABLE t (a int)", "SELECT set_config('default_transaction_read_only', 'off', false)",
                   "SELECT locker FROM locker", "SELECT sneaky()", "WITH d AS (DELETE FROM logs RETURNING 1) SELECT 1",
                   "SELECT * FROM users FOR UPDATE", "SELECT * INTO copy FROM users", "COPY logs FROM PROGRAM 'true'",
                   "DO $$ BEGIN DELETE FROM logs; END $$", "EXPLAIN ANALYZE DELETE FROM logs", "VACUUM logs",
                   "SELECT pg_stat_reset()", "DISCARD ALL", "SET ROLE postgres", "LOCK TABLE users"],
    "sqlite": ["DELETE FROM logs", "UPDATE users SET age = 0", "DROP TABLE posts", "CREATE TABLE x (a)",
               "PRAGMA user_version = 3", "PRAGMA journal_mode = WAL", "PRAGMA locking_mode = EXCLUSIVE",
               "PRAGMA foreign_keys = OFF", "PRAGMA ignore_check_constraints = 1", "PRAGMA writable_schema = 1",
               "CREATE TEMP TABLE t (a)", "CREATE TEMP VIEW v AS SELECT 1", "CREATE TEMP TRIGGER tr AFTER INSERT ON "
               "logs BEGIN SELECT 1; END", "ATTACH DATABASE '/tmp/schemalens-attack.db' AS o", "VACUUM",
               "REINDEX", "ANALYZE", "INSERT INTO logs VALUES ('x', 1)", "REPLACE INTO users (id, email) VALUES (1, 'x')",
               "WITH d AS (SELECT 1) DELETE FROM logs", "SELECT load_extension('x')"],
}


def read_only(s: Running, tally: Tally) -> None:
    """Every write and side effect, through the page's API and the console, confirmed or not."""
    before = fingerprint(s)
    with httpx.Client(base_url=s.base, headers={"x-schemalens-token": s.token}, timeout=30) as c:
        for path, body in writes(s.schema).items():
            r = c.post(path, json=body)
            tally.record(CATEGORIES[5], path, r.status_code != 403)
        for text in RO_SQL[s.dialect]:
            for confirm in (False, True):
                r = c.post("/api/sql", json={"sql": text, "confirm": confirm})
                tally.record(CATEGORIES[5], f"{text} (confirm={confirm})", r.status_code < 400)
    if s.dialect == "postgresql":
        from schemalens.dialects.postgresql.runtime import ADVISORY_LOCK_KEY

        free = s.query("SELECT pg_try_advisory_lock(?), pg_advisory_unlock_all()", (ADVISORY_LOCK_KEY,))[0][0]
        tally.record(CATEGORIES[5], "migrate's advisory lock is free afterwards", free is not True)
    tally.record(CATEGORIES[5], "the database is unchanged", fingerprint(s) != before)
    tally.record(CATEGORIES[5], "no file was attached", os.path.exists("/tmp/schemalens-attack.db"))


def prepare_read_only(url: str, dialect: str) -> None:
    if dialect == "postgresql":
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE VIEW locker AS SELECT pg_try_advisory_lock_shared(42) AS locker")
            conn.execute("CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS 'DELETE FROM logs RETURNING 1'")


# --- the whole run --------------------------------------------------------------------------------------------

def run(pg_server: str, browser: Any, long: bool = False, seed: int = 15) -> Tally:
    tally = Tally()
    rng = random.Random(seed)
    names = NAMES + (random_names(rng, 60) if long else [])
    values = VALUES + (random_names(rng, 60) if long else [])
    payloads = XSS if long else XSS[:4]
    with databases(pg_server) as new:
        for dialect in ("postgresql", "sqlite"):
            for s in studio(new(dialect), dialect):
                csrf(s, tally, long)
                rebinding(s, tally, long)
            for s in studio(new(dialect), dialect):
                injection(s, tally, names, values)
            for s in studio(new(dialect), dialect):
                xss(s, tally, browser, payloads)
            url = new(dialect)
            if dialect == "sqlite":
                Path(url.removeprefix("sqlite:///")).touch()
            for s in _seeded_read_only(url, dialect):
                read_only(s, tally)
    return tally


def _seeded_read_only(url: str, dialect: str) -> Iterator[Running]:
    from tests.studio.conftest import seed

    seed(url, dialect)
    prepare_read_only(url, dialect)
    from schemalens.studio.server import StudioServer

    server = StudioServer(url, read_only=True)
    server.start()
    try:
        yield Running(server, dialect, url)
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.studio.attacks", description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="the long profile (every combination, random names)")
    args = parser.parse_args(argv)
    pg_server = os.environ.get("SCHEMALENS_TEST_PG_URL")
    if not pg_server:
        print("set SCHEMALENS_TEST_PG_URL to a PostgreSQL server's maintenance database", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tally = run(pg_server, browser, long=args.long)
        browser.close()
    print(tally.table())
    print(f"\n{'long' if args.long else 'bounded'} profile, {time.monotonic() - started:.0f} s")
    for breach in tally.breaches:
        print("GOT THROUGH:", breach)
    return 1 if tally.breaches else 0


if __name__ == "__main__":
    sys.exit(main())
