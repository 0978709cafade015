"""kill -9 at random points of push, migrate and rollback, and PostgreSQL restarted mid-push:
the database is before or after, never between (the bounded profile of tests/robustness/faults.py)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.robustness import faults


@pytest.fixture(params=["postgresql", "sqlite"])
def dbs(request: pytest.FixtureRequest, tmp_path: Path):
    admin = request.getfixturevalue("pg_server_url") if request.param == "postgresql" else None
    databases = faults.Databases(request.param, tmp_path, admin)
    yield databases
    databases.drop_all()


def _clean(figures: faults.Figures) -> None:
    assert figures.failures == [] and figures.half_applied == 0
    assert figures.reruns_in_sync == figures.kills or figures.reruns_in_sync >= 1


def test_kill_9_mid_push_leaves_the_database_empty_or_whole(dbs: faults.Databases) -> None:
    _clean(faults.kill_push(dbs, random.Random(1), kills=2))


def test_kill_9_mid_migrate_leaves_whole_migrations_recorded(dbs: faults.Databases) -> None:
    _clean(faults.kill_migrate(dbs, random.Random(2), kills=2))


def test_kill_9_mid_rollback_leaves_the_migration_applied_or_rolled_back(dbs: faults.Databases) -> None:
    _clean(faults.kill_rollback(dbs, random.Random(3), kills=1))


def test_postgresql_restarted_mid_push_exits_3_with_the_database_as_it_was(tmp_path: Path) -> None:
    figures = faults.restart_push(tmp_path, random.Random(4), restarts=1)
    assert figures.kills == 1
    _clean(figures)
