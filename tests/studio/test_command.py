"""Starting the studio: the CLI entry, the background start for the language server, drift badges."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import httpx
import pytest

from schemalens.config import load_settings
from schemalens.studio import start_studio
from schemalens.studio.command import studio_command
from schemalens.studio.server import is_loopback
from tests.studio.conftest import seed

pytestmark = pytest.mark.db


def test_start_studio_in_background_returns_a_working_url(sqlite_url: str, tmp_path: Path) -> None:
    seed(sqlite_url, "sqlite")
    settings = load_settings({"database_url": sqlite_url}, start=tmp_path, environ={})
    server = start_studio(settings)
    try:
        with httpx.Client() as c:
            first = c.get(server.url)
            assert first.status_code == 200
            assert c.get(server.base_url + "/api/tables").status_code == 200  # via the cookie
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.base_url + "/api/info", timeout=2)


def test_studio_command_reports_a_taken_port(sqlite_url: str, tmp_path: Path) -> None:
    settings = load_settings({"database_url": sqlite_url}, start=tmp_path, environ={})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        out = io.StringIO()
        code = studio_command(settings, port=taken.getsockname()[1], no_open=True, out=out)
    assert code == 2 and "in use" in out.getvalue()


def test_studio_command_reports_an_unreachable_database(tmp_path: Path) -> None:
    settings = load_settings({"database_url": "postgresql://u:pw1234@127.0.0.1:1/db"}, start=tmp_path, environ={})
    out = io.StringIO()
    assert studio_command(settings, port=0, no_open=True, out=out) == 2
    assert "cannot connect" in out.getvalue() and "pw1234" not in out.getvalue()


def test_non_loopback_hosts_are_recognised() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_drift_badges_come_from_the_check_engine(pg_url: str, tmp_path: Path) -> None:
    seed(pg_url, "postgresql")
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, nickname text);\n")
    settings = load_settings({"database_url": pg_url, "schema": [str(schema)]}, start=tmp_path, environ={})
    server = start_studio(settings)
    try:
        with httpx.Client(base_url=server.base_url, headers={"x-schemalens-token": server.studio.secrets.token}) as c:
            body = c.get("/api/drift").json()
    finally:
        server.stop()
    assert body["configured"] is True
    assert "error" not in body, body
    users = {c["name"] for c in body["changes"] if c["table"] == "users"}
    assert "nickname" in users and "age" in users
    # a table push would drop is that table's drift (drop_table carries no `table`), with its rows
    drops = {c["table"]: c["rows"] for c in body["changes"] if c["kind"] == "drop_table"}
    assert drops["posts"] == 10 and drops["logs"] == 5
    lost = {c["name"]: c["rows"] for c in body["changes"] if c["table"] == "users" and c["data_loss"]}
    assert lost["age"] == 30


def test_drift_errors_are_text_not_crashes(sqlite_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE (((\n")
    settings = load_settings({"database_url": sqlite_url, "schema": [str(schema)]}, start=tmp_path, environ={})
    server = start_studio(settings)
    try:
        with httpx.Client(base_url=server.base_url, headers={"x-schemalens-token": server.studio.secrets.token}) as c:
            r = c.get("/api/drift")
    finally:
        server.stop()
    assert r.status_code == 200 and r.json()["configured"] is True and r.json()["error"]
