"""The studio's JSON API against real PostgreSQL and SQLite databases."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.studio.conftest import USERS, Running, user_rows

pytestmark = pytest.mark.db


def rows(studio: Running, table: str = "users", **params: Any) -> dict[str, Any]:
    if "filters" in params:
        params["filters"] = json.dumps(params["filters"])
    with studio.client() as c:
        r = c.get("/api/rows", params={"schema": studio.schema, "table": table, **params})
    assert r.status_code == 200, r.text
    return r.json()


def walk(studio: Running, table: str = "users", **params: Any) -> list[list[str | None]]:
    """Every row of a view, following the keyset cursors page by page."""
    out: list[list[str | None]] = []
    after = None
    for _ in range(100):
        page = rows(studio, table, **params, **({"after": after} if after else {}))
        out += [r["values"] for r in page["rows"]]
        after = page["next"]
        if after is None:
            return out
    raise AssertionError("pagination did not end")


def post(studio: Running, path: str, body: dict[str, Any]) -> Any:
    with studio.client() as c:
        return c.post(path, json=body)


def test_tables_lists_every_table_with_row_counts(studio: Running) -> None:
    with studio.client() as c:
        body = c.get("/api/tables").json()
    found = {(t["schema"], t["name"]): t for t in body["tables"]}
    assert set(found) == {(studio.schema, n) for n in ("users", "posts", "logs", 'odd "name"')}
    assert found[(studio.schema, "users")]["rows"] == USERS
    assert found[(studio.schema, "users")]["exact"] is True


def test_table_describes_columns_keys_and_relations(studio: Running) -> None:
    with studio.client() as c:
        users = c.get("/api/table", params={"schema": studio.schema, "table": "users"}).json()
        posts = c.get("/api/table", params={"schema": studio.schema, "table": "posts"}).json()
        logs = c.get("/api/table", params={"schema": studio.schema, "table": "logs"}).json()
    assert [col["name"] for col in users["columns"]] == ["id", "email", "name", "age", "status", "meta"]
    assert users["primary_key"] == ["id"] and users["editable"] is True
    assert users["referenced_by"] == [{"schema": studio.schema, "table": "posts", "name": posts["foreign_keys"][0]["name"],
                                       "columns": ["user_id"], "ref_columns": ["id"]}]
    user_id = next(col for col in posts["columns"] if col["name"] == "user_id")
    assert user_id["fk"] == {"schema": studio.schema, "table": "users", "column": "id"}
    assert logs["editable"] is False and "no primary key" in logs["read_only_reason"]
    assert any(u["columns"] == ["email"] for u in users["uniques"])


def test_a_key_that_cannot_hold_null_is_not_offered_null(studio: Running) -> None:
    """SQLite's INTEGER PRIMARY KEY is the rowid (a NULL becomes the next rowid), though its
    catalog says nullable; a TEXT primary key really can hold NULL there (SQLite's legacy)."""
    with studio.client() as c:
        users = c.get("/api/table", params={"schema": studio.schema, "table": "users"}).json()
        odd = c.get("/api/table", params={"schema": studio.schema, "table": 'odd "name"'}).json()
    nullable = {col["name"]: col["nullable"] for col in users["columns"] + odd["columns"]}
    assert nullable["id"] is False and nullable["email"] is False and nullable["name"] is True
    assert nullable["we;ird"] is (studio.dialect == "sqlite")


def test_keyset_pages_cover_every_row_once_in_key_order(studio: Running) -> None:
    values = walk(studio, limit=7)
    assert [int(v[0]) for v in values] == list(range(1, USERS + 1))


@pytest.mark.parametrize("desc", [False, True])
def test_sorting_by_a_nullable_column_pages_through_nulls_last(studio: Running, desc: bool) -> None:
    values = walk(studio, limit=4, sort="name", desc=int(desc))
    got = [(v[2], int(v[0])) for v in values]
    named = sorted(((n, i) for i, _, n, _, _ in user_rows() if n is not None), reverse=desc)
    nulls = sorted(((None, i) for i, _, n, _, _ in user_rows() if n is None), key=lambda x: x[1], reverse=desc)
    assert got == named + nulls


def test_key_less_table_pages_by_row_address(studio: Running) -> None:
    values = walk(studio, "logs", limit=2)
    assert sorted(v[0] for v in values) == [f"log {i}" for i in range(5)]


@pytest.mark.parametrize(("flt", "expected"), [
    ({"column": "age", "op": "eq", "value": "7"}, [7]),
    ({"column": "age", "op": "lt", "value": "3"}, [1, 2]),
    ({"column": "age", "op": "ge", "value": "29"}, [29, 30]),
    ({"column": "email", "op": "contains", "value": "U1@"}, [1]),
    ({"column": "name", "op": "is_null"}, [5, 10, 15, 20, 25, 30]),
    ({"column": "email", "op": "ne", "value": "u1@example.com"}, list(range(2, USERS + 1))),
])
def test_filters(studio: Running, flt: dict[str, Any], expected: list[int]) -> None:
    values = walk(studio, filters=[flt], limit=50)
    assert [int(v[0]) for v in values] == expected


def test_contains_treats_like_wildcards_literally(studio: Running) -> None:
    studio.execute("UPDATE users SET name = ? WHERE id = 1", ("50%_off",))
    assert [v[0] for v in walk(studio, filters=[{"column": "name", "op": "contains", "value": "%_"}])] == ["1"]
    assert walk(studio, filters=[{"column": "name", "op": "contains", "value": "0_o"}]) == []


def test_null_is_null_not_the_text_null(studio: Running) -> None:
    studio.execute("UPDATE users SET name = 'NULL' WHERE id = 1")
    page = rows(studio, filters=[{"column": "id", "op": "le", "value": "5"}])
    names = {r["values"][0]: r["values"][2] for r in page["rows"]}
    assert names["1"] == "NULL" and names["5"] is None


@pytest.mark.parametrize("params", [
    {"sort": "nope"},
    {"sort": "name; DROP TABLE users"},
    {"filters": [{"column": "id) OR 1=1 --", "op": "eq", "value": "1"}]},
    {"filters": [{"column": "id", "op": "= 1 OR 1=1 --", "value": "1"}]},
    {"filters": [{"column": "id", "op": "eq"}]},
    {"after": "not-a-cursor"},
])
def test_bad_view_parameters_are_refused_not_run(studio: Running, params: dict[str, Any]) -> None:
    if "filters" in params:
        params["filters"] = json.dumps(params["filters"])
    with studio.client() as c:
        r = c.get("/api/rows", params={"schema": studio.schema, "table": "users", **params})
    assert r.status_code == 400
    assert studio.query("SELECT count(*) FROM users")[0][0] == USERS


def test_unknown_tables_are_404_and_never_reach_sql(studio: Running) -> None:
    with studio.client() as c:
        for table in ("nope", 'users"; DROP TABLE users; --', "users; DROP TABLE posts"):
            assert c.get("/api/rows", params={"schema": studio.schema, "table": table}).status_code == 404
        assert post(studio, "/api/insert", {"schema": studio.schema, "table": "users\x00", "values": {}}).status_code == 404
    assert studio.query("SELECT count(*) FROM posts")[0][0] == 10


def test_values_are_bound_never_spliced(studio: Running) -> None:
    evil = "x'); DROP TABLE posts; --"
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "2"},
                                     "column": "name", "expected": "name 2", "value": evil})
    assert r.status_code == 200, r.text
    assert studio.query("SELECT name FROM users WHERE id = 2") == [(evil,)]
    assert [v[0] for v in walk(studio, filters=[{"column": "name", "op": "eq", "value": evil}])] == ["2"]
    assert studio.query("SELECT count(*) FROM posts")[0][0] == 10


def test_quoted_identifiers_round_trip(studio: Running) -> None:
    page = rows(studio, 'odd "name"', sort='x"y')
    assert page["columns"] == ["we;ird", 'x"y'] and page["rows"][0]["values"] == ["a;b", "1"]
    r = post(studio, "/api/update", {"schema": studio.schema, "table": 'odd "name"', "key": {"we;ird": "a;b"},
                                     "column": 'x"y', "expected": "1", "value": "2"})
    assert r.status_code == 200, r.text
    assert studio.query('SELECT "x""y" FROM ' + '"odd ""name"""') == [(2,)]


def test_long_values_are_truncated_and_fetched_whole_on_request(studio: Running) -> None:
    studio.execute("UPDATE posts SET body = ? WHERE id = 1", ("y" * 5000,))
    page = rows(studio, "posts", filters=[{"column": "id", "op": "eq", "value": "1"}])
    row = page["rows"][0]
    assert row["truncated"] == [3] and len(row["values"][3]) == 500
    with studio.client() as c:
        full = c.get("/api/row", params={"schema": studio.schema, "table": "posts", "key": json.dumps({"id": "1"})})
    assert full.json()["row"]["body"] == "y" * 5000


def test_edit_cell_writes_the_database(studio: Running) -> None:
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "3"},
                                     "column": "age", "expected": "3", "value": "33"})
    assert r.status_code == 200 and r.json()["row"]["age"] == "33"
    assert studio.query("SELECT age FROM users WHERE id = 3") == [(33,)]


def test_edit_to_null(studio: Running) -> None:
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "3"},
                                     "column": "name", "expected": "name 3", "value": None})
    assert r.status_code == 200
    assert studio.query("SELECT name FROM users WHERE id = 3") == [(None,)]


def test_edit_of_a_row_changed_meanwhile_is_reported_not_overwritten(studio: Running) -> None:
    studio.execute("UPDATE users SET name = 'someone else' WHERE id = 4")
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "4"},
                                     "column": "name", "expected": "name 4", "value": "mine"})
    assert r.status_code == 409 and r.json()["current"] == "someone else"
    assert studio.query("SELECT name FROM users WHERE id = 4") == [("someone else",)]


def test_edit_of_a_deleted_row_is_reported(studio: Running) -> None:
    studio.execute("DELETE FROM users WHERE id = 30")
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "30"},
                                     "column": "age", "expected": "30", "value": "1"})
    assert r.status_code == 409 and r.json()["gone"] is True


def test_constraint_violations_come_back_with_the_constraint(studio: Running) -> None:
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "1"},
                                     "column": "email", "expected": "u1@example.com", "value": "u2@example.com"})
    assert r.status_code == 422
    body = r.json()
    assert "unique" in body["error"].lower()
    if studio.dialect == "postgresql":
        assert body["constraint_name"] == "users_email_key"
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"id": "1"},
                                     "column": "age", "expected": "1", "value": "-5"})
    assert r.status_code == 422 and "check" in r.json()["error"].lower()
    assert studio.query("SELECT email, age FROM users WHERE id = 1") == [("u1@example.com", 1)]


def test_bad_values_are_refused_by_the_database(pg_studio: Running) -> None:
    r = post(pg_studio, "/api/update", {"schema": "public", "table": "users", "key": {"id": "1"},
                                        "column": "age", "expected": "1", "value": "abc"})
    assert r.status_code == 422 and "integer" in r.json()["error"]
    r = post(pg_studio, "/api/update", {"schema": "public", "table": "users", "key": {"id": "1"},
                                        "column": "meta", "expected": '{"n": 1}', "value": "{not json"})
    assert r.status_code == 422 and "json" in r.json()["error"].lower()


def test_json_cells_round_trip(pg_studio: Running) -> None:
    r = post(pg_studio, "/api/update", {"schema": "public", "table": "users", "key": {"id": "1"},
                                        "column": "meta", "expected": '{"n": 1}', "value": '{"tags": ["a", "b"]}'})
    assert r.status_code == 200, r.text
    assert pg_studio.query("SELECT meta FROM users WHERE id = 1") == [({"tags": ["a", "b"]},)]
    assert walk(pg_studio, filters=[{"column": "meta", "op": "eq", "value": '{"tags": ["a", "b"]}'}])[0][0] == "1"


def test_insert_honours_defaults(studio: Running) -> None:
    r = post(studio, "/api/insert", {"schema": studio.schema, "table": "users",
                                     "values": {"email": "new@example.com", "age": "40"}})
    assert r.status_code == 200, r.text
    row = r.json()["row"]
    assert row["status"] == "new" and row["id"] == str(USERS + 1) and row["name"] is None
    assert studio.query("SELECT status, age FROM users WHERE email = 'new@example.com'") == [("new", 40)]


def test_insert_violating_a_constraint_inserts_nothing(studio: Running) -> None:
    r = post(studio, "/api/insert", {"schema": studio.schema, "table": "posts",
                                     "values": {"id": "99", "user_id": "12345", "title": "orphan"}})
    assert r.status_code == 422 and "foreign key" in r.json()["error"].lower()
    assert studio.query("SELECT count(*) FROM posts WHERE id = 99") == [(0,)]


def test_delete_rows_checks_what_the_user_saw(studio: Running) -> None:
    r = post(studio, "/api/delete", {"schema": studio.schema, "table": "users", "rows": [
        {"key": {"id": "29"}, "expected": {"name": "name 1"}},
        {"key": {"id": "28"}, "expected": {"name": "name 0"}}]})
    assert r.status_code == 200 and r.json()["deleted"] == 2
    assert studio.query("SELECT count(*) FROM users WHERE id IN (28, 29)") == [(0,)]
    studio.execute("UPDATE users SET name = 'changed' WHERE id = 27")
    r = post(studio, "/api/delete", {"schema": studio.schema, "table": "users", "rows": [
        {"key": {"id": "26"}, "expected": {"name": "name 5"}},
        {"key": {"id": "27"}, "expected": {"name": "name 6"}}]})
    assert r.status_code == 409 and r.json()["index"] == 1
    assert studio.query("SELECT count(*) FROM users WHERE id IN (26, 27)") == [(2,)]  # all or nothing


def test_tables_without_primary_key_are_read_only(studio: Running) -> None:
    r = post(studio, "/api/insert", {"schema": studio.schema, "table": "logs", "values": {"message": "x"}})
    assert r.status_code == 403 and "primary key" in r.json()["error"]
    assert studio.query("SELECT count(*) FROM logs") == [(5,)]


def test_key_must_be_the_primary_key(studio: Running) -> None:
    r = post(studio, "/api/update", {"schema": studio.schema, "table": "users", "key": {"email": "u1@example.com"},
                                     "column": "age", "expected": "1", "value": "2"})
    assert r.status_code == 400


def test_read_only_studio_refuses_every_write(read_only_studio: Running) -> None:
    s = read_only_studio
    assert post(s, "/api/update", {"schema": s.schema, "table": "users", "key": {"id": "1"}, "column": "age",
                                   "expected": "1", "value": "2"}).status_code == 403
    assert post(s, "/api/insert", {"schema": s.schema, "table": "users", "values": {"email": "x"}}).status_code == 403
    assert post(s, "/api/delete", {"schema": s.schema, "table": "users",
                                   "rows": [{"key": {"id": "1"}}]}).status_code == 403
    assert post(s, "/api/sql", {"sql": "DELETE FROM users", "confirm": True}).status_code == 403
    assert s.query("SELECT count(*) FROM users") == [(USERS,)]
    with s.client() as c:
        assert c.get("/api/table", params={"schema": s.schema, "table": "users"}).json()["editable"] is False
        assert c.get("/api/info").json()["read_only"] is True


def test_read_only_studio_connection_is_read_only_in_the_database(read_only_studio: Running) -> None:
    """Even SQL the classifier thinks is a read cannot write on a --read-only connection."""
    s = read_only_studio
    assert s.server.studio is not None
    with s.server.studio.pool.connection() as db:
        with pytest.raises(Exception, match="read-only|readonly"):
            db.conn.execute("DELETE FROM users")
    assert s.query("SELECT count(*) FROM users") == [(USERS,)]


def test_count_and_export_follow_filters(studio: Running) -> None:
    flt = json.dumps([{"column": "age", "op": "gt", "value": "25"}])
    with studio.client() as c:
        assert c.get("/api/count", params={"schema": studio.schema, "table": "users", "filters": flt}).json() == {"count": 5}
        r = c.get("/api/export", params={"schema": studio.schema, "table": "users", "filters": flt, "format": "csv"})
        assert r.headers["content-disposition"] == 'attachment; filename="users.csv"; filename*=UTF-8\'\'users.csv'
        table = list(csv.reader(io.StringIO(r.text)))
        assert table[0] == ["id", "email", "name", "age", "status", "meta"]
        assert [row[0] for row in table[1:]] == ["26", "27", "28", "29", "30"]
        data = c.get("/api/export", params={"schema": studio.schema, "table": "users", "filters": flt,
                                             "format": "json", "sort": "age", "desc": "1"}).json()
        assert [d["age"] for d in data] == ["30", "29", "28", "27", "26"]
        assert data[0]["name"] is None
        assert c.get("/api/export", params={"schema": studio.schema, "table": "users", "format": "xml"}).status_code == 400


def test_export_of_a_table_named_in_any_script(studio: Running) -> None:
    """A name outside Latin-1 (or with a tab) in the download's header was a 500 / a reset connection."""
    studio.execute('CREATE TABLE "emoji 🦄\tx" (id integer PRIMARY KEY)')
    studio.execute('INSERT INTO "emoji 🦄\tx" VALUES (1)')
    with studio.client() as c:
        r = c.get("/api/export", params={"schema": studio.schema, "table": "emoji 🦄\tx", "format": "csv"})
    assert r.status_code == 200 and r.text.split() == ["id", "1"]
    assert r.headers["content-disposition"] == (
        'attachment; filename="emoji __x.csv"; filename*=UTF-8\'\'emoji%20%F0%9F%A6%84%09x.csv')


@pytest.mark.parametrize("name", ["per%cent", "%s", "%(x)s", "a%%b"])
def test_names_with_percent_signs_work_everywhere(studio: Running, name: str) -> None:
    """psycopg reads `%` as a placeholder even inside a quoted name: every endpoint was a 422."""
    q = '"' + name + '"'
    for sql in (f"CREATE TABLE {q} (id integer PRIMARY KEY, {q} text)", f"INSERT INTO {q} VALUES (1, 'v')"):
        if studio.dialect == "postgresql":
            import psycopg

            with psycopg.connect(studio.db_url, autocommit=True) as conn:
                conn.execute(sql)  # no parameters: the text as written
        else:
            studio.execute(sql)
    base = {"schema": studio.schema, "table": name}
    with studio.client() as c:
        flt = json.dumps([{"column": name, "op": "contains", "value": "v"}])
        page = c.get("/api/rows", params={**base, "sort": name, "filters": flt})
        assert page.status_code == 200 and page.json()["rows"][0]["values"] == ["1", "v"], page.text
        assert c.get("/api/count", params=base).json() == {"count": 1}
        assert c.post("/api/update", json={**base, "key": {"id": "1"}, "column": name, "expected": "v",
                                           "value": "w"}).status_code == 200
        assert c.post("/api/insert", json={**base, "values": {"id": "2", name: "%"}}).status_code == 200
        assert c.get("/api/export", params={**base, "format": "csv"}).text.split() == ["id," + name, "1,w", "2,%"]
        assert c.post("/api/delete", json={**base, "rows": [{"key": {"id": "1"}}]}).status_code == 200


def test_drift_without_schema_files_says_so(studio: Running) -> None:
    with studio.client() as c:
        body = c.get("/api/drift").json()
    assert body["configured"] is False and "no schema files" in body["message"]
