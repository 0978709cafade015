"""The SQLAlchemy source's contract: what `metadata.create_all` made is what the models
say (no false drift), and push makes the same database from the models.

The model modules in sqlalchemy_models/ are realistic apps; each test copies one into a
project folder, so that the round trip can edit it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy
from sqlalchemy import MetaData, Table

from tests.db.test_cli import run

MODELS = Path(__file__).with_name("sqlalchemy_models")
PORTABLE = ["blog", "shop", "legacy"]


def project(tmp_path: Path, *names: str) -> list[Path]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "app").mkdir()
    paths = []
    for name in names:
        paths.append(tmp_path / "app" / f"{name}.py")
        shutil.copy(MODELS / f"{name}.py", paths[-1])
    return paths


def metadatas(path: Path) -> list[MetaData]:
    """Import a model file in this (test) process, the way an app would, for create_all."""
    name = f"schemalens_test_models_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    found: dict[int, MetaData] = {}
    for value in vars(module).values():
        md = value if isinstance(value, MetaData) else value.metadata if isinstance(value, Table) else (
            getattr(value, "metadata", None) if isinstance(value, type) else None)
        if isinstance(md, MetaData):
            found.setdefault(id(md), md)
    return list(found.values())


def create_all(path: Path, url: str) -> None:
    engine = sqlalchemy.create_engine(url)
    try:
        for md in metadatas(path):
            with engine.begin() as conn:
                for schema in {t.schema for t in md.tables.values() if t.schema}:
                    conn.execute(sqlalchemy.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            md.create_all(engine)
    finally:
        engine.dispose()


def sa_pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def check(path: Path, url: str, cwd: Path) -> tuple[int, str]:
    code, out, err = run("check", "--db", url, "--schema", str(path), cwd=cwd)
    return code, out + err


@pytest.mark.parametrize("name", PORTABLE + ["pg_only"])
def test_create_all_on_postgresql_is_in_sync(name: str, pg_url: str, tmp_path: Path) -> None:
    [models] = project(tmp_path, name)
    create_all(models, sa_pg(pg_url))
    code, out = check(models, pg_url, tmp_path)
    assert code == 0, out


@pytest.mark.parametrize("name", PORTABLE)
def test_create_all_on_sqlite_is_in_sync(name: str, sqlite_path: Path, tmp_path: Path) -> None:
    [models] = project(tmp_path, name)
    create_all(models, f"sqlite:///{sqlite_path}")
    code, out = check(models, f"sqlite:///{sqlite_path}", tmp_path)
    assert code == 0, out


def test_several_model_files_together_are_in_sync(pg_url: str, tmp_path: Path) -> None:
    paths = project(tmp_path, "blog", "legacy")
    for path in paths:
        create_all(path, sa_pg(pg_url))
    code, out, err = run("check", "--db", pg_url, "--schema", str(paths[0]), "--schema", str(paths[1]), cwd=tmp_path)
    assert code == 0, out + err


def test_models_importing_the_app_package_are_in_sync(sqlite_path: Path, tmp_path: Path) -> None:
    [models] = project(tmp_path, "blog")
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "db.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n")
    text = models.read_text().replace("class Base(DeclarativeBase):\n    pass\n", "from app.db import Base\n")
    models.write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        create_all(models, f"sqlite:///{sqlite_path}")
    finally:
        sys.path.remove(str(tmp_path))
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
    code, out = check(models, f"sqlite:///{sqlite_path}", tmp_path)
    assert code == 0, out
    # an edit of the imported module alone is seen (no cache keyed by the models' text)
    (tmp_path / "app" / "db.py").write_text(
        "from sqlalchemy import Integer\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "class Audit(Base):\n    __tablename__ = 'audit'\n    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n")
    code, out = check(models, f"sqlite:///{sqlite_path}", tmp_path)
    assert code == 1 and "audit" in out, out


EDITS = [
    # (old text, new text, words the check output must show)
    ("    display_name: Mapped[str | None] = mapped_column(String(80))\n",
     "    display_name: Mapped[str | None] = mapped_column(String(120))\n"
     "    nickname: Mapped[str | None] = mapped_column(String(30))\n",
     ["display_name", "nickname"]),
]


def round_trip(models: Path, url: str, tmp_path: Path) -> None:
    code, out, err = run("push", "--db", url, "--schema", str(models), cwd=tmp_path)
    assert code == 0, out + err
    assert check(models, url, tmp_path)[0] == 0
    code, out, err = run("push", "--db", url, "--schema", str(models), cwd=tmp_path)
    assert code == 0 and "nothing to do" in out, out + err
    old, new, words = EDITS[0]
    models.write_text(models.read_text().replace(old, new))
    code, out = check(models, url, tmp_path)
    assert code == 1, out
    assert f"{len(words)} change(s)" in out, out
    for word in words:
        assert f"users.{word}" in out, out
    code, out, err = run("push", "--db", url, "--schema", str(models), "--force", cwd=tmp_path)
    assert code == 0, out + err
    assert check(models, url, tmp_path)[0] == 0


def test_round_trip_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    [models] = project(tmp_path, "blog")
    round_trip(models, pg_url, tmp_path)
    with psycopg.connect(pg_url) as conn:
        types = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users'").fetchall())
    assert types["nickname"] == "character varying" and "display_name" in types


def test_round_trip_on_sqlite(sqlite_path: Path, tmp_path: Path) -> None:
    [models] = project(tmp_path, "blog")
    round_trip(models, f"sqlite:///{sqlite_path}", tmp_path)


@pytest.mark.parametrize("name", ["shop", "pg_only"])
def test_push_then_check_on_postgresql(name: str, pg_url: str, tmp_path: Path) -> None:
    [models] = project(tmp_path, name)
    code, out, err = run("push", "--db", pg_url, "--schema", str(models), cwd=tmp_path)
    assert code == 0, out + err
    code, out = check(models, pg_url, tmp_path)
    assert code == 0, out


def test_generate_then_migrate_makes_what_create_all_makes(pg_url: str, tmp_path: Path) -> None:
    """The migrations workflow reads models like push does: a generated migration applied
    to an empty database leaves it in sync with the models."""
    [models] = project(tmp_path, "shop")
    code, out, err = run("generate", "--db", pg_url, "--schema", str(models), "--name", "init", cwd=tmp_path)
    assert code == 0, out + err
    assert "CREATE TABLE" in (tmp_path / "migrations" / "0000_init.sql").read_text()
    code, out, err = run("migrate", "--db", pg_url, cwd=tmp_path)
    assert code == 0, out + err
    assert check(models, pg_url, tmp_path)[0] == 0
    code, out, err = run("generate", "--db", pg_url, "--schema", str(models), cwd=tmp_path)
    assert code == 0 and "nothing to generate" in out, out + err


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_example_project_pushes_and_checks_clean(dialect: str, pg_url: str, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "blog-sqlalchemy"
    shutil.copytree(example, tmp_path / "blog", ignore=shutil.ignore_patterns(".schemalens", "__pycache__"))
    url = pg_url if dialect == "postgresql" else f"sqlite:///{tmp_path / 'blog.db'}"
    code, out, err = run("push", "--db", url, cwd=tmp_path / "blog")
    assert code == 0, out + err
    code, out, err = run("check", "--db", url, cwd=tmp_path / "blog")
    assert code == 0, out + err
