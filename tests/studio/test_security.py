"""Every refusal of the studio's door: token, Host, origin, method, content type, headers."""

from __future__ import annotations

import json

import httpx
import pytest

from schemalens.studio.security import cookie_name
from tests.studio.conftest import USERS, Running

pytestmark = pytest.mark.db

GETS = ["/api/info", "/api/tables", "/api/table?schema=main&table=users", "/api/rows?schema=main&table=users",
        "/api/row?schema=main&table=users&key=%7B%22id%22%3A%221%22%7D", "/api/count?schema=main&table=users",
        "/api/export?schema=main&table=users", "/api/drift"]
WRITES = {
    "/api/update": {"schema": "main", "table": "users", "key": {"id": "1"}, "column": "age",
                    "expected": "1", "value": "99"},
    "/api/insert": {"schema": "main", "table": "users", "values": {"email": "evil@example.com"}},
    "/api/delete": {"schema": "main", "table": "users", "rows": [{"key": {"id": "1"}}]},
    "/api/sql": {"sql": "DELETE FROM users", "confirm": True},
}


def unchanged(s: Running) -> None:
    assert s.query("SELECT count(*), max(age) FROM users") == [(USERS, USERS)]


@pytest.mark.parametrize("path", GETS)
def test_every_get_needs_the_token(sqlite_studio: Running, path: str) -> None:
    with httpx.Client(base_url=sqlite_studio.base) as c:
        assert c.get(path).status_code == 401
        assert c.get(path, headers={"x-schemalens-token": "wrong"}).status_code == 401
        assert c.get(path + ("&" if "?" in path else "?") + "token=" + sqlite_studio.token).status_code == 401
    with sqlite_studio.client() as c:
        assert c.get(path).status_code == 200


@pytest.mark.parametrize("path", WRITES)
def test_every_write_needs_the_token(studio: Running, path: str) -> None:
    body = json.loads(json.dumps(WRITES[path]).replace('"main"', f'"{studio.schema}"'))
    with httpx.Client(base_url=studio.base) as c:
        assert c.post(path, json=body).status_code == 401
        assert c.post(path, json=body, headers={"x-schemalens-token": studio.token[:-1]}).status_code == 401
    unchanged(studio)


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("headers", [
    {"origin": "http://127.0.0.1:1"},
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"sec-fetch-site": "same-site"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "none"},
])
def test_writes_from_another_origin_are_refused(sqlite_studio: Running, path: str, headers: dict[str, str]) -> None:
    with sqlite_studio.client() as c:
        r = c.post(path, json=WRITES[path], headers=headers)
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    unchanged(sqlite_studio)


def test_same_origin_write_is_accepted(sqlite_studio: Running) -> None:
    with sqlite_studio.client() as c:
        r = c.post("/api/update", json=WRITES["/api/update"],
                   headers={"origin": sqlite_studio.base, "sec-fetch-site": "same-origin"})
    assert r.status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_writes_must_be_json(sqlite_studio: Running, content_type: str) -> None:
    """Forms and text/plain are what a cross-site page can send without a preflight."""
    with sqlite_studio.client() as c:
        r = c.post("/api/sql", content=json.dumps(WRITES["/api/sql"]), headers={"content-type": content_type})
    assert r.status_code == 415
    unchanged(sqlite_studio)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_refused_without_cors(sqlite_studio: Running, method: str) -> None:
    with sqlite_studio.client() as c:
        r = c.request(method, "/api/sql", headers={"origin": "http://evil.example",
                                                   "access-control-request-method": "POST"})
    assert r.status_code == 405
    assert not [h for h in r.headers if h.startswith("access-control-")]


def test_gets_change_nothing(sqlite_studio: Running) -> None:
    with sqlite_studio.client() as c:
        assert c.get("/api/sql").status_code == 405
        assert c.get("/api/update", params={"schema": "main"}).status_code == 405
    unchanged(sqlite_studio)


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "127.0.0.1", "localhost.evil.example:{port}",
                                  "", "127.0.0.1:{port}@evil.example"])
def test_foreign_host_headers_are_refused(sqlite_studio: Running, host: str) -> None:
    """DNS rebinding: the attacker's domain resolves to 127.0.0.1 but Host still names it."""
    port = sqlite_studio.server.port
    with sqlite_studio.client() as c:
        r = c.get("/api/tables", headers={"host": host.format(port=port)})
        assert r.status_code in (400, 421)
        r = c.post("/api/sql", json=WRITES["/api/sql"], headers={"host": host.format(port=port)})
        assert r.status_code in (400, 421)
    unchanged(sqlite_studio)


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}"])
def test_loopback_host_names_are_accepted(sqlite_studio: Running, host: str) -> None:
    with sqlite_studio.client() as c:
        assert c.get("/api/info", headers={"host": host.format(port=sqlite_studio.server.port)}).status_code == 200


def test_forwarded_headers_are_ignored(sqlite_studio: Running) -> None:
    with sqlite_studio.client() as c:
        r = c.get("/api/info", headers={"host": "evil.example", "x-forwarded-host": f"127.0.0.1:{sqlite_studio.server.port}"})
    assert r.status_code == 421


PROXY = "127.0.0.1:8443"  # code-server's own address: its /proxy/<port>/ forwards with this Host


def test_the_editors_forwarded_host_is_accepted_exactly_and_only_once_named(sqlite_studio: Running) -> None:
    """Behind an editor's port proxy the Host is the editor's: accepted only after the editor named it."""
    hosts = sqlite_studio.server.studio.hosts
    with sqlite_studio.client() as c:
        assert c.get("/api/info", headers={"host": PROXY}).status_code == 421
        hosts.forwarded = PROXY
        assert c.get("/api/info", headers={"host": PROXY}).status_code == 200
        r = c.post("/api/update", json=WRITES["/api/update"],
                   headers={"host": PROXY, "origin": f"https://{PROXY}", "sec-fetch-site": "same-origin"})
        assert r.status_code == 200, r.text
        for host in ["evil.example:8443", "127.0.0.1:8444", f"{PROXY}.evil.example", "127.0.0.1"]:
            assert c.get("/api/info", headers={"host": host}).status_code == 421, host
        r = c.post("/api/sql", json=WRITES["/api/sql"],
                   headers={"host": PROXY, "origin": "https://evil.example", "sec-fetch-site": "same-origin"})
        assert r.status_code == 403
    assert sqlite_studio.query("SELECT count(*) FROM users") == [(USERS,)]


def test_first_url_token_becomes_a_strict_http_only_cookie(sqlite_studio: Running) -> None:
    with httpx.Client(base_url=sqlite_studio.base) as c:
        assert c.get("/").status_code == 401
        r = c.get("/", params={"token": sqlite_studio.token})
        assert r.status_code == 200 and "<script src=\"static/app.js\"" in r.text  # relative: served under a port proxy too
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(cookie_name(sqlite_studio.server.port) + "=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert sqlite_studio.token not in cookie
        assert c.get("/api/tables").status_code == 200  # the cookie alone now authenticates
        c.cookies.clear()
        assert c.get("/api/tables").status_code == 401


def test_wrong_token_in_first_url_sets_no_cookie(sqlite_studio: Running) -> None:
    with httpx.Client(base_url=sqlite_studio.base) as c:
        r = c.get("/", params={"token": "guess"})
    assert r.status_code == 401 and "set-cookie" not in r.headers


def test_security_headers_on_every_response(sqlite_studio: Running) -> None:
    with sqlite_studio.client() as c:
        responses = [c.get("/"), c.get("/api/tables"), c.get("/static/app.js"), c.get("/api/nope"),
                     c.post("/api/sql", json={"sql": 1})]
    with httpx.Client(base_url=sqlite_studio.base) as c:
        responses.append(c.get("/api/tables"))
    for r in responses:
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'self' vscode-webview:" in csp
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert not [h for h in r.headers if h.startswith("access-control-")]
        assert "server" not in r.headers


def test_static_files_need_only_a_good_host(sqlite_studio: Running) -> None:
    with httpx.Client(base_url=sqlite_studio.base) as c:
        assert c.get("/static/app.js").status_code == 200
        assert c.get("/static/app.js", headers={"host": "evil.example"}).status_code == 421
        assert c.get("/static/../app.py").status_code in (401, 404)
        assert c.post("/static/app.js", json={}).status_code == 405


def test_page_never_sees_the_database_password(pg_url: str) -> None:
    from tests.studio.conftest import _running

    url = pg_url.replace("postgres@", "postgres:hunter2secret@")  # trust auth accepts any password
    for s in _running(url, "postgresql"):
        with s.client() as c:
            bodies = [c.get(p.replace("main", "public")).text for p in GETS]
            bodies.append(c.get("/", params={"token": s.token}).text)
            bodies.append(c.post("/api/sql", json={"sql": "SELECT current_setting('application_name')"}).text)
            bodies.append(c.post("/api/sql", json={"sql": "SELECT * FROM nope"}).text)
        assert all("hunter2secret" not in b for b in bodies)
        assert "postgres:***@" in bodies[0]


def test_token_is_fresh_per_launch(sqlite_url: str) -> None:
    from schemalens.studio.server import StudioServer

    a, b = StudioServer(sqlite_url), StudioServer(sqlite_url)
    try:
        a.start()
        b.start()
        assert a.studio and b.studio and a.studio.secrets.token != b.studio.secrets.token
        assert a.studio.secrets.session != b.studio.secrets.session
        with httpx.Client(base_url=a.base_url, headers={"x-schemalens-token": b.studio.secrets.token}) as c:
            assert c.get("/api/info").status_code == 401
    finally:
        a.stop()
        b.stop()


def test_bound_to_loopback_only_by_default(sqlite_url: str) -> None:
    from schemalens.studio.server import StudioServer

    server = StudioServer(sqlite_url)
    try:
        url = server.start()
        assert url.startswith("http://127.0.0.1:") and "?token=" in url
        assert server._sock is not None and server._sock.getsockname()[0] == "127.0.0.1"
    finally:
        server.stop()
