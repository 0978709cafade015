"""schemalens beside a real Alembic project (`alembic init`, `alembic upgrade`/`downgrade`
run as the user runs them): generate --format alembic writes revisions Alembic applies
and undoes, and status reads alembic_version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.db.test_cli import run
from tests.oracle import dump

DATA = Path(__file__).resolve().parents[2] / "data"
MODELS = "models_helpdesk/models.py"


def alembic(project: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=project, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def alembic_project(tmp_path: Path, url: str) -> Path:
    alembic(tmp_path, "init", "migrations_alembic")
    ini = tmp_path / "alembic.ini"
    driver = url.replace("postgresql://", "postgresql+psycopg://", 1)
    ini.write_text("\n".join(f"sqlalchemy.url = {driver}" if line.startswith("sqlalchemy.url") else line
                             for line in ini.read_text().splitlines()) + "\n")
    shutil.copytree(DATA / "models_helpdesk", tmp_path / "models_helpdesk", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def generate(project: Path, url: str, name: str) -> str:
    code, out, err = run("generate", "--format", "alembic", "--name", name, "--db", url, "--schema", MODELS,
                         cwd=project)
    assert code == 0, out + err
    return out


def status(project: Path, url: str) -> dict:
    code, out, err = run("status", "--json", "--db", url, "--schema", MODELS, cwd=project)
    found = json.loads(out)
    assert found["exit_code"] == code, out + err
    return found


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_generated_revisions_upgrade_check_clean_and_downgrade_to_nothing(
        dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}" if dialect == "sqlite" else request.getfixturevalue("pg_url")
    project = alembic_project(tmp_path, url)
    versions = project / "migrations_alembic" / "versions"

    first = generate(project, url, "init")
    [one] = versions.glob("*.py")
    assert one.name.endswith("_init.py") and "down_revision = None" in one.read_text()
    assert "op.execute(sa.text(" in one.read_text() and "CREATE TABLE" in one.read_text()
    assert f"revision {one.name.split('_')[0]}" in first
    found = status(project, url)
    assert found["alembic"]["current"] == [] and found["alembic"]["behind"] == [one.name.split("_")[0]]
    assert found["exit_code"] == 1
    code, out, err = run("generate", "--format", "alembic", "--db", url, "--schema", MODELS, cwd=project)
    assert code == 1 and "alembic upgrade head" in out + err, out + err  # not at the head: refused

    alembic(project, "upgrade", "head")
    code, out, err = run("check", "--db", url, "--schema", MODELS, cwd=project)
    assert code == 0, out + err
    found = status(project, url)
    assert found["exit_code"] == 0 and found["alembic"]["models_ahead"] == 0, found

    accounts = project / "models_helpdesk" / "accounts.py"
    accounts.write_text(accounts.read_text().replace(
        "    locale: Mapped[str] = mapped_column(String(10), default=\"en\")\n",
        "    locale: Mapped[str] = mapped_column(String(10), default=\"en\")\n"
        "    phone: Mapped[str | None] = mapped_column(String(30), index=True)\n"))
    assert status(project, url)["alembic"]["models_ahead"] == 2
    generate(project, url, "add_phone")
    [two] = [p for p in versions.glob("*.py") if p != one]
    assert f"down_revision = {one.name.split('_')[0]!r}" in two.read_text()
    alembic(project, "upgrade", "head")
    code, out, err = run("check", "--db", url, "--schema", MODELS, cwd=project)
    assert code == 0, out + err
    code, out, err = run("generate", "--format", "alembic", "--db", url, "--schema", MODELS, cwd=project)
    assert code == 0 and "nothing to generate" in out, out + err

    alembic(project, "downgrade", "-1")
    code, out, err = run("check", "--db", url, "--schema", MODELS, cwd=project)
    assert code == 1 and "agents.phone" in out, out + err
    alembic(project, "downgrade", "base")
    remaining = dump(url)  # the app's tables gone; Alembic's own table stays, as Alembic leaves it
    if dialect == "postgresql":
        assert [line for line in remaining.splitlines() if line.startswith("CREATE TABLE")] == [
            "CREATE TABLE public.alembic_version ("], remaining
    else:
        assert [line.split(":")[0] for line in remaining.splitlines() if line.startswith("table ")] == [
            "table alembic_version on alembic_version"], remaining


def test_generate_needs_an_alembic_project(tmp_path: Path) -> None:
    shutil.copytree(DATA / "models_helpdesk", tmp_path / "models_helpdesk", ignore=shutil.ignore_patterns("__pycache__"))
    code, out, err = run("generate", "--format", "alembic", "--db", f"sqlite:///{tmp_path / 'app.db'}",
                         "--schema", MODELS, cwd=tmp_path)
    assert code == 1 and "no alembic.ini" in out + err and "alembic init" in out + err, out + err
