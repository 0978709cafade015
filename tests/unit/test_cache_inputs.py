"""The CLI's disk cache is invalidated by every input that can change its result, and hit
when none changed: counted as entries written (a miss writes one, a hit none)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schemalens import cache, workflows
from schemalens.config import Settings, load_settings


def entries(project: Path) -> set[str]:
    return {p.name for p in (project / ".schemalens" / "cache").glob("*.pickle")}


def misses(project: Path, run: object) -> int:
    """How many entries one run of `run()` wrote."""
    before = entries(project)
    run()  # type: ignore[operator]
    return len(entries(project) - before)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "a.sql").write_text("CREATE TABLE a (id integer PRIMARY KEY, name text);\n")
    conn = sqlite3.connect(tmp_path / "app.db")
    conn.executescript("CREATE TABLE a (id integer PRIMARY KEY, name text); CREATE TABLE b (id integer);")
    conn.close()
    return tmp_path


def settings_of(project: Path, **more: object) -> Settings:
    return load_settings({"database_url": f"sqlite:///{project / 'app.db'}", "schema": [str(project / "schema")],
                          **more}, start=project, environ={})


def load(project: Path, default_schema: str = "main", overlays: dict[str, str] | None = None,
         **more: object) -> None:
    workflows.load_desired(settings_of(project, **more), default_schema, overlays)


def read(project: Path, **more: object) -> None:
    settings = settings_of(project, **more)
    with workflows.open_database(settings, create=False) as db:
        workflows.read_database(db, settings, None)


def test_the_schema_files_cache_misses_on_each_input_and_hits_when_none_changed(project: Path) -> None:
    a = project / "schema" / "a.sql"
    assert misses(project, lambda: load(project)) == 1
    assert misses(project, lambda: load(project)) == 0                          # unchanged: a hit
    a.write_text(a.read_text().replace("name text", "name varchar(10)"))
    assert misses(project, lambda: load(project)) == 1                          # a file's text
    (project / "schema" / "b.sql").write_text("CREATE TABLE b (id integer);\n")
    assert misses(project, lambda: load(project)) == 1                          # a file added
    (project / "schema" / "b.sql").rename(project / "schema" / "c.sql")
    assert misses(project, lambda: load(project)) == 1                          # a file renamed
    assert misses(project, lambda: load(project, overlays={str(a): "CREATE TABLE z (id int);"})) == 1  # unsaved text
    assert misses(project, lambda: load(project, default_schema="other")) == 1  # where unqualified names go
    assert misses(project, lambda: load(project, dialect="postgresql")) == 1    # the dialect
    assert misses(project, lambda: load(project)) == 0


def test_the_database_cache_misses_on_each_input_and_hits_when_none_changed(project: Path) -> None:
    assert misses(project, lambda: read(project)) == 1
    assert misses(project, lambda: read(project)) == 0
    conn = sqlite3.connect(project / "app.db")
    conn.execute("ALTER TABLE a ADD COLUMN note text")
    conn.commit()
    assert misses(project, lambda: read(project)) == 1                          # the catalog
    conn.execute("CREATE INDEX a_note ON a (note)")
    conn.commit()
    conn.close()
    assert misses(project, lambda: read(project)) == 1
    assert misses(project, lambda: read(project, exclude=["b"])) == 1           # what is compared
    assert misses(project, lambda: read(project)) == 0


def test_a_change_of_schemalens_code_is_a_miss(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = project / "package"
    package.mkdir()
    (package / "m.py").write_text("x = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    assert misses(project, lambda: load(project)) == 1
    assert misses(project, lambda: load(project)) == 0
    (package / "m.py").write_text("x = 22\n")
    assert misses(project, lambda: load(project)) == 1
