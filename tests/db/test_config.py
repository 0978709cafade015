"""config's rule for lock_timeout is PostgreSQL's: what it accepts, the server accepts."""

from __future__ import annotations

import psycopg
import pytest

from tests.unit.test_config import ACCEPTED_TIMEOUTS, REJECTED_TIMEOUTS


@pytest.mark.parametrize("value, accepted", [(v, True) for v in ACCEPTED_TIMEOUTS if not isinstance(v, int)]
                         + [(v, False) for v in REJECTED_TIMEOUTS if isinstance(v, str)])
def test_the_server_agrees(pg_server_url: str, value: str, accepted: bool) -> None:
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        try:
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (value,))
        except (psycopg.errors.InvalidParameterValue, psycopg.errors.DataException):
            assert not accepted, value
        else:
            assert accepted, value
