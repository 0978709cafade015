from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["postgresql", "sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of either dialect (the SQLite file exists, empty)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{request.getfixturevalue('sqlite_path')}"
