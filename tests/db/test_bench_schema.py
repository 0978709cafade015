"""No false drift on a realistic schema: the benchmark's generated schema, loaded as
written into PostgreSQL, must check as in sync. It mixes every spelling users write
(aliases, serial and identity keys, now()/CURRENT_TIMESTAMP, casts on constants,
unnamed constraints, expression and partial indexes), so a normalization gap on any
of them shows up here as drift."""

from __future__ import annotations

from pathlib import Path

import psycopg
from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings

from bench.generate_schema import generate_schema


def test_generated_schema_checks_in_sync(pg_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text(generate_schema(30), encoding="utf-8")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(schema.read_text(encoding="utf-8"))
    settings = load_settings({"database_url": pg_url, "schema": [str(schema)]}, start=tmp_path, environ={})

    plan = workflows.check(settings, Renames({}, {}))

    assert [p.message for p in plan.source.problems if p.severity == "error"] == []
    assert [c.description for c in plan.changes] == []


def test_generator_is_deterministic() -> None:
    assert generate_schema(30, seed=1) == generate_schema(30, seed=1)
    assert generate_schema(30, seed=1) != generate_schema(30, seed=2)
