"""Many migrate and push runs at once on one database, a long migration among them: they
queue on one lock (each says it waits), each migration is applied once, one push does the
work and the others re-plan to nothing, no raw error, everything ends in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness import faults


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migrates_and_pushes_at_once_queue_on_one_lock(dialect: str, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    admin = request.getfixturevalue("pg_server_url") if dialect == "postgresql" else None
    dbs = faults.Databases(dialect, tmp_path, admin)
    try:
        figures = faults.concurrent(dbs, migrates=4, pushes=2)
    finally:
        dbs.drop_all()
    assert figures.failures == []
    assert figures.concurrent_runs == 6
