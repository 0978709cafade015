"""POST /api/sql: queries run, writes need confirm, nothing unconfirmed ever changes data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.studio.conftest import USERS, Running

pytestmark = pytest.mark.db


def sql(s: Running, text: str, confirm: bool = False) -> Any:
    with s.client() as c:
        return c.post("/api/sql", json={"sql": text, "confirm": confirm})


def test_query_returns_columns_and_rows(studio: Running) -> None:
    r = sql(studio, "SELECT id, name FROM users WHERE id <= 2 ORDER BY id")
    assert r.status_code == 200
    body = r.json()
    assert body["columns"] == ["id", "name"] and body["rows"] == [["1", "name 1"], ["2", "name 2"]]
    assert body["wrote"] is False


def test_results_are_capped(studio: Running) -> None:
    query = ("SELECT * FROM generate_series(1, 1500)" if studio.dialect == "postgresql" else
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) SELECT i FROM n")
    body = sql(studio, query).json()
    assert len(body["rows"]) == 1000 and body["truncated"] is True


@pytest.mark.parametrize("text", [
    "DELETE FROM users",
    "UPDATE users SET age = 0",
    "SELECT 1; DELETE FROM users",
    "DROP TABLE posts",
    "INSERT INTO logs VALUES ('x', 1)",
    "CREATE TABLE x (a integer)",
])
def test_writes_without_confirmation_change_nothing(studio: Running, text: str) -> None:
    r = sql(studio, text)
    assert r.status_code == 409 and r.json()["needs_confirmation"] is True
    assert studio.query("SELECT count(*), min(age) FROM users") == [(USERS, 1)]
    assert studio.query("SELECT count(*) FROM posts") == [(10,)]
    assert studio.query("SELECT count(*) FROM logs") == [(5,)]


@pytest.mark.parametrize("text", [
    "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone",
    "SELECT * INTO copy_of_users FROM users",
    "SELECT * FROM users FOR UPDATE",
    "EXPLAIN ANALYZE DELETE FROM users",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "SELECT nextval('users_id_seq')",
])
def test_postgresql_writes_hidden_in_queries_need_confirmation(pg_studio: Running, text: str) -> None:
    r = sql(pg_studio, text)
    assert r.status_code == 409, r.text
    assert pg_studio.query("SELECT count(*) FROM users") == [(USERS,)]
    assert pg_studio.query("SELECT last_value FROM users_id_seq") == [(USERS,)]


def test_postgresql_write_inside_a_function_is_stopped_by_the_database(pg_studio: Running) -> None:
    pg_studio.execute("CREATE FUNCTION sneaky() RETURNS integer LANGUAGE sql AS "
                      "'DELETE FROM posts RETURNING 1'")
    r = sql(pg_studio, "SELECT sneaky()")
    assert r.status_code == 409 and r.json()["needs_confirmation"] is True
    assert pg_studio.query("SELECT count(*) FROM posts") == [(10,)]


def test_confirmed_write_runs_in_one_transaction(studio: Running) -> None:
    r = sql(studio, "UPDATE users SET age = age + 100 WHERE id = 1; DELETE FROM logs", confirm=True)
    assert r.status_code == 200 and r.json()["wrote"] is True
    assert studio.query("SELECT age FROM users WHERE id = 1") == [(101,)]
    r = sql(studio, "UPDATE users SET age = 0 WHERE id = 2; INSERT INTO posts VALUES (1, 1, 'dup', NULL)", confirm=True)
    assert r.status_code == 422
    assert studio.query("SELECT age FROM users WHERE id = 2") == [(2,)]  # rolled back as a whole


def test_confirmed_ddl_refreshes_the_table_list(studio: Running) -> None:
    with studio.client() as c:
        assert len(c.get("/api/tables").json()["tables"]) == 4
        assert c.post("/api/sql", json={"sql": "CREATE TABLE extra (id integer PRIMARY KEY)", "confirm": True}).status_code == 200
        assert len(c.get("/api/tables").json()["tables"]) == 5


@pytest.mark.parametrize("text", ["BEGIN", "COMMIT", "ROLLBACK"])
def test_transaction_control_is_refused(studio: Running, text: str) -> None:
    assert sql(studio, text, confirm=True).status_code == 400


def test_sqlite_console_cannot_reach_other_files(sqlite_studio: Running, tmp_path: Any) -> None:
    other = tmp_path / "other.db"
    for confirm in (False, True):
        r = sql(sqlite_studio, f"ATTACH DATABASE '{other}' AS other", confirm=confirm)
        assert r.status_code in (400, 409)
    assert not other.exists()


def test_sqlite_pragmas_that_read_run_and_those_that_write_need_confirmation(sqlite_studio: Running) -> None:
    assert sql(sqlite_studio, "PRAGMA table_info(users)").status_code == 200
    assert sql(sqlite_studio, "PRAGMA user_version").status_code == 200
    assert sql(sqlite_studio, "PRAGMA user_version = 7").status_code == 409
    assert sqlite_studio.query("PRAGMA user_version") == [(0,)]


def test_errors_are_returned_as_the_database_said(studio: Running) -> None:
    r = sql(studio, "SELECT * FROM no_such_table")
    assert r.status_code == 422 and "no_such_table" in r.json()["error"]
    assert sql(studio, "SELEC 1").status_code in (400, 422)
    assert sql(studio, "").status_code == 400
    with studio.client() as c:
        assert c.post("/api/sql", json={"sql": "SELECT 1", "confirm": "yes"}).status_code == 400
        assert c.post("/api/sql", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400


def test_statement_timeout_stops_runaway_queries(pg_url: str) -> None:
    from schemalens.studio.pool import Pool

    pool = Pool(pg_url, timeout_ms=200)
    try:
        with pool.connection() as db:
            with pytest.raises(Exception, match="statement timeout"):
                db.conn.execute("SELECT pg_sleep(2)")
        with pool.connection() as db:  # the pool recovered a usable connection
            assert db.conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        pool.close()


def test_sqlite_deadline_interrupts_runaway_queries(sqlite_url: str) -> None:
    from schemalens.studio.pool import Pool

    pool = Pool(sqlite_url, timeout_ms=200)
    try:
        with pool.connection() as db:
            with pytest.raises(Exception, match="interrupt"):
                db.conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                "SELECT count(*) FROM n").fetchone()
    finally:
        pool.close()


# --- no session state survives a submission (issue 15: a shared advisory lock made migrate wait) ---

def lock_is_free(s: Running, key: int) -> bool:
    """Whether another session can take `key` exclusively (what `schemalens migrate` does)."""
    taken = s.query("SELECT pg_try_advisory_lock(?), pg_advisory_unlock_all()", (key,))
    return taken[0][0] is True


@pytest.mark.parametrize("text", [
    "SELECT pg_advisory_lock_shared(42)", "SELECT pg_advisory_lock(42)", "SELECT pg_try_advisory_lock(42)",
    "SELECT pg_catalog.pg_advisory_lock_shared(42, 1)", "SELECT * FROM pg_advisory_xact_lock(42)",
    "SELECT setval('users_id_seq', 1)", "SELECT pg_terminate_backend(0)", "SELECT lo_unlink(1)",
    "SELECT pg_stat_reset()", "SELECT locker FROM locker",
])
def test_functions_with_side_effects_need_confirmation(pg_studio: Running, text: str) -> None:
    pg_studio.execute("CREATE VIEW locker AS SELECT pg_try_advisory_lock_shared(42) AS locker")
    r = sql(pg_studio, text)
    assert r.status_code == 409 and r.json()["needs_confirmation"] is True, r.text
    assert lock_is_free(pg_studio, 42)
    assert pg_studio.query("SELECT last_value FROM users_id_seq") == [(USERS,)]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_read_only_studio_refuses_side_effects(dialect: str, pg_url: str, sqlite_url: str) -> None:
    from tests.studio.conftest import _running

    texts = {"postgresql": ["SELECT pg_advisory_lock_shared(42)", "SELECT locker FROM locker",
                            "SELECT nextval('users_id_seq')", "SELECT pg_cancel_backend(0)", "LISTEN ch",
                            "SET statement_timeout = 1", "PREPARE p AS SELECT 1", "CREATE TEMP TABLE t (a int)"],
             "sqlite": ["PRAGMA user_version = 3", "PRAGMA locking_mode = EXCLUSIVE", "CREATE TEMP TABLE t (a)",
                        "PRAGMA ignore_check_constraints = 1", "CREATE TEMP VIEW v AS SELECT 1"]}[dialect]
    for s in _running(pg_url if dialect == "postgresql" else sqlite_url, dialect, read_only=True):
        if dialect == "postgresql":
            s.execute("CREATE VIEW locker AS SELECT pg_try_advisory_lock_shared(42) AS locker")
        for text in texts:
            for confirm in (False, True):
                r = sql(s, text, confirm=confirm)
                assert r.status_code == 403, (text, r.text)
        if dialect == "postgresql":
            assert lock_is_free(s, 42)
            assert s.query("SELECT last_value FROM users_id_seq") == [(USERS,)]
        else:
            assert s.query("PRAGMA user_version") == [(0,)]
            s.execute("UPDATE logs SET level = 9")  # nobody holds the file


def test_a_confirmed_lock_ends_with_its_submission(pg_studio: Running) -> None:
    from schemalens.dialects.postgresql.runtime import ADVISORY_LOCK_KEY

    for text in (f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})", f"SELECT pg_advisory_lock_shared({ADVISORY_LOCK_KEY})"):
        assert sql(pg_studio, text, confirm=True).status_code == 200
        assert lock_is_free(pg_studio, ADVISORY_LOCK_KEY)  # migrate's lock: it would have waited forever


def test_confirmed_session_state_does_not_reach_the_next_request(pg_studio: Running) -> None:
    for text in ("SET search_path = nowhere", "SET statement_timeout = 1", "CREATE TEMP TABLE users (x integer)",
                 "PREPARE p AS SELECT 1", "LISTEN ch", "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
                 "SET ROLE NONE; SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"):
        assert sql(pg_studio, text, confirm=True).status_code == 200, text
    assert sql(pg_studio, "SELECT count(*) FROM users").json()["rows"] == [[str(USERS)]]
    assert sql(pg_studio, "SHOW statement_timeout").json()["rows"] == [["15s"]]
    assert sql(pg_studio, "SELECT count(*) FROM pg_prepared_statements").json()["rows"] == [["0"]]
    assert sql(pg_studio, "SELECT count(*) FROM pg_listening_channels()").json()["rows"] == [["0"]]
    assert sql(pg_studio, "SELECT count(*) FROM pg_cursors").json()["rows"] == [["0"]]
    assert sql(pg_studio, "UPDATE logs SET level = 1", confirm=True).status_code == 200
    with pg_studio.client() as c:
        assert len(c.get("/api/rows", params={"schema": "public", "table": "users"}).json()["rows"]) == USERS


def test_sqlite_confirmed_session_state_does_not_reach_the_next_request(sqlite_studio: Running) -> None:
    for text in ("CREATE TEMP TABLE users (x)", "PRAGMA ignore_check_constraints = 1",
                 "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA query_only = 1"):
        assert sql(sqlite_studio, text, confirm=True).status_code == 200, text
    assert sql(sqlite_studio, "SELECT count(*) FROM users").json()["rows"] == [[str(USERS)]]
    sqlite_studio.execute("UPDATE logs SET level = 9")  # no exclusive lock left on the file
    r = sql(sqlite_studio, "UPDATE users SET age = -1 WHERE id = 1", confirm=True)
    assert r.status_code == 422 and "CHECK" in r.json()["error"]
    with sqlite_studio.client() as c:
        r = c.post("/api/insert", json={"schema": "main", "table": "users", "values": {"email": "x@y"}})
    assert r.status_code == 200, r.text  # query_only did not stay on
