"""Fixtures of the robustness suite: a PostgreSQL server that checks passwords (the shared
test server trusts every local connection, so a wrong password would log in there)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pgserver import PgServer

PASSWORD = "Rt7-secret-Qz"


@pytest.fixture(scope="session")
def password_server() -> Iterator[PgServer]:
    """A server of its own whose `postgres` user has PASSWORD (SCRAM authentication)."""
    server = PgServer(password=PASSWORD)
    server.start()
    try:
        yield server
    finally:
        server.stop()
