"""Model packages shaped like real apps (tests/data/models_*): relative imports without a
project marker, mixins, naming conventions, enums, JSON/ARRAY, computed columns, several
schemas, and invalid objects that make the app's own create_all fail.

The judges are real: the app's own `create_all` (run in a child interpreter, as the app
would run it) and the databases' dumps (tests/oracle.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.db.test_cli import run
from tests.oracle import difference, dump

DATA = Path(__file__).resolve().parents[2] / "data"
# What each package holds that no database creates: (table, index or column of a foreign key).
INVALID = {"models_helpdesk": {"index": [("tickets", "ix_tickets_search")], "fk": []},
           "models_warehouse": {"index": [], "fk": [("transfers", "to_hall")]}}
CASES = [("models_helpdesk", "sqlite"), ("models_helpdesk", "postgresql"), ("models_warehouse", "postgresql")]

CREATE_ALL = """
import importlib, json, sys
import sqlalchemy as sa
root, module, url, strict, invalid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "strict", json.loads(sys.argv[5])
sys.path.insert(0, root)
metadata = importlib.import_module(module).Base.metadata
if not strict:  # what the app's database holds: the statements the database accepted
    for table_name, index_name in invalid["index"]:
        table = next(t for t in metadata.tables.values() if t.name == table_name)
        table.indexes.discard(next(i for i in table.indexes if i.name == index_name))
    for table_name, column in invalid["fk"]:
        table = next(t for t in metadata.tables.values() if t.name == table_name)
        fk = next(f for f in table.foreign_keys if f.parent.name == column)
        table.foreign_keys.discard(fk)
        fk.parent.foreign_keys.discard(fk)
        table.constraints.discard(fk.constraint)
engine = sa.create_engine(url)
with engine.begin() as conn:
    if engine.dialect.name == "postgresql":
        for schema in sorted({t.schema for t in metadata.tables.values() if t.schema}):
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
try:
    metadata.create_all(engine)
except sa.exc.SQLAlchemyError as e:
    print("refused:", str(e).splitlines()[0])
    sys.exit(3)
"""


def package(tmp_path: Path, name: str) -> Path:
    """The package copied into a folder with no project marker above it."""
    shutil.copytree(DATA / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / name


def create_all(root: Path, name: str, url: str, strict: bool = False) -> subprocess.CompletedProcess[str]:
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-c", CREATE_ALL, str(root), f"{name}.models", url,
                           "strict" if strict else "lenient", json.dumps(INVALID[name])],
                          capture_output=True, text=True, env=env)


@pytest.fixture
def other_pg_url(pg_server_url: str) -> Iterator[str]:
    """A second empty database, for the database push makes beside create_all's."""
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield f"{pg_server_url.rpartition('/')[0]}/{name}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def urls(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}", f"sqlite:///{tmp_path / 'pushed.db'}"
    return request.getfixturevalue("pg_url"), request.getfixturevalue("other_pg_url")


def line_of(path: Path, needle: str) -> int:
    """1-based, as the CLI prints lines."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def check_json(url: str, schema: str, cwd: Path) -> dict:
    code, out, err = run("check", "--json", "--db", url, "--schema", schema, cwd=cwd)
    found = json.loads(out)
    assert found["exit_code"] == code, out + err
    return found


@pytest.mark.parametrize("name,dialect", CASES)
def test_create_all_is_in_sync_and_invalid_objects_are_shown_at_their_lines(
        name: str, dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    root = package(tmp_path, name)
    url, _ = urls(dialect, tmp_path, request)
    if dialect == "sqlite":
        Path(url.removeprefix("sqlite:///")).touch()
    refused = create_all(tmp_path, name, url, strict=True)
    assert refused.returncode == 3 and "refused" in refused.stdout, refused.stdout + refused.stderr
    if dialect == "postgresql":  # the refused create_all left nothing behind: start over
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in ("catalog", "inventory"):
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    elif dialect == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink()
    made = create_all(tmp_path, name, url)
    assert made.returncode == 0, made.stdout + made.stderr
    found = check_json(url, f"{name}/models.py", tmp_path)
    assert found["exit_code"] == 0 and found["changes"] == [], found
    warnings = [(p["code"], Path(p["file"]).name, p["line"], p["message"]) for p in found["problems"]]
    expected = []
    for _, index in INVALID[name]["index"]:
        expected.append(("index-without-columns", "tickets.py", line_of(root / "tickets.py", f'Index("{index}")')))
    for _, column in INVALID[name]["fk"]:
        expected.append(("invalid-foreign-key", "stock.py", line_of(root / "stock.py", f"    {column}:")))
    assert [w[:3] for w in warnings] == expected, warnings
    for *_, message in warnings:
        assert "PostgreSQL" in message and "SQLite" in message and "left out of the comparison" in message


EDIT = ("display_name: Mapped[str | None] = mapped_column(String(80))",
        "display_name: Mapped[str | None] = mapped_column(String(120))")


@pytest.mark.parametrize("name,dialect", CASES)
def test_push_makes_create_alls_database_and_an_edit_is_drift_at_its_line(
        name: str, dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    root = package(tmp_path, name)
    made_url, pushed_url = urls(dialect, tmp_path, request)
    assert create_all(tmp_path, name, made_url).returncode == 0
    schema = f"{name}/models.py"
    code, out, err = run("push", "--db", pushed_url, "--schema", schema, cwd=tmp_path)
    assert code == 0, out + err
    assert difference(dump(made_url), dump(pushed_url)) is None, difference(dump(made_url), dump(pushed_url))
    code, out, err = run("push", "--db", pushed_url, "--schema", schema, cwd=tmp_path)
    assert code == 0 and "nothing to do" in out, out + err
    edited = root / ("accounts.py" if name == "models_helpdesk" else "stock.py")
    old, new = EDIT if name == "models_helpdesk" else ("code: Mapped[str] = mapped_column(String(12), unique=True)",
                                                        "code: Mapped[str] = mapped_column(String(16), unique=True)")
    edited.write_text(edited.read_text().replace(old, new))
    found = check_json(pushed_url, schema, tmp_path)
    assert found["exit_code"] == 1, found
    [change] = found["changes"]
    span = change["span"]
    assert (Path(span["file"]).name, span["line"]) == (edited.name, line_of(edited, new)), change
    assert span["column"] == 5, change  # 1-based, as the text output's file:line:col
    code, out, err = run("push", "--db", pushed_url, "--schema", schema, "--force", cwd=tmp_path)
    assert code == 0, out + err
    assert check_json(pushed_url, schema, tmp_path)["exit_code"] == 0


def test_a_module_path_names_the_schema(tmp_path: Path) -> None:
    """`schema = "pkg.models:Base.metadata"`: the module found on the project's path, its
    one MetaData read."""
    package(tmp_path, "models_helpdesk")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert create_all(tmp_path, "models_helpdesk", url).returncode == 0
    for schema in ("models_helpdesk.models", "models_helpdesk.models:Base.metadata", "models_helpdesk.models:Base"):
        found = check_json(url, schema, tmp_path)
        assert found["exit_code"] == 0 and found["changes"] == [], (schema, found)
    (tmp_path / "schemalens.toml").write_text('schema = "models_helpdesk.models:Base.metadata"\n')
    code, out, err = run("check", "--db", url, cwd=tmp_path)
    assert code == 0, out + err
    code, out, err = run("check", "--db", url, "--schema", "models_helpdesk.models:Nope", cwd=tmp_path)
    assert code == 2 and "has no attribute Nope" in out + err, out + err
    code, out, err = run("check", "--db", url, "--schema", "models_helpdesk.nothing_here", cwd=tmp_path)
    assert code == 2 and "does not exist" in out + err, out + err


def test_a_symlinked_project_imports_relatively(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    package(real, "models_helpdesk")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert create_all(real, "models_helpdesk", url).returncode == 0
    for cwd in (tmp_path / "link", tmp_path):
        schema = "models_helpdesk/models.py" if cwd.name == "link" else "link/models_helpdesk/models.py"
        found = check_json(url, schema, cwd)
        assert found["exit_code"] == 0 and found["changes"] == [], found
