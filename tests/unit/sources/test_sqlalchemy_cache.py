"""The models' DDL is kept by the sources it came from: an unchanged package is not imported
again, any edit under the import root is. Worker runs are counted by the models themselves
(each import appends to a file), never timed."""

from __future__ import annotations

from pathlib import Path

from schemalens.sources.sqlalchemy import parse_sqlalchemy

BASE = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""

MODELS = """\
import pathlib
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.base import Base

with (pathlib.Path(__file__).parent.parent / "imports.log").open("a") as log:
    log.write("imported\\n")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
"""


def project(tmp_path: Path, models: str = MODELS) -> Path:
    (tmp_path / "schemalens.toml").write_text('schema = "app/models.py"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "base.py").write_text(BASE)
    path = tmp_path / "app" / "models.py"
    path.write_text(models)
    return path


def parse(path: Path, text: str | None = None, dialect: str = "sqlite") -> list[str]:
    """The tables read, after one parse; the worker's runs are in imports.log."""
    result = parse_sqlalchemy([(str(path), path.read_text() if text is None else text)], dialect,
                              "main" if dialect == "sqlite" else "public")
    assert not result.problems, result.problems
    return [t.name for t in result.schema.tables]


def imports(tmp_path: Path) -> int:
    log = tmp_path / "imports.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_an_unchanged_package_is_not_imported_again(tmp_path: Path) -> None:
    path = project(tmp_path)
    assert parse(path) == ["users"] and imports(tmp_path) == 1
    first = parse_sqlalchemy([(str(path), path.read_text())], "sqlite", "main")
    assert imports(tmp_path) == 1
    assert first.schema.tables[0].span is not None  # spans are placed on a cached reply too
    assert first.schema.tables[0].span.start_line == MODELS.splitlines().index("class User(Base):")


def test_an_edit_anywhere_under_the_import_root_runs_the_models_again(tmp_path: Path) -> None:
    path = project(tmp_path)
    parse(path)
    (tmp_path / "app" / "base.py").write_text(BASE + "# an edit of another module\n")
    parse(path)
    assert imports(tmp_path) == 2
    (tmp_path / "app" / "helpers.py").write_text("X = 1\n")  # a new module the models could import
    parse(path)
    assert imports(tmp_path) == 3
    parse(path)
    assert imports(tmp_path) == 3


def test_the_editors_unsaved_text_and_the_dialect_are_part_of_the_key(tmp_path: Path) -> None:
    path = project(tmp_path)
    parse(path)
    parse(path, MODELS + "\n# unsaved\n")
    assert imports(tmp_path) == 2
    parse(path, dialect="postgresql")
    assert imports(tmp_path) == 3
    parse(path, MODELS + "\n# unsaved\n")
    assert imports(tmp_path) == 3


def test_hidden_folders_and_virtual_environments_are_not_part_of_the_key(tmp_path: Path) -> None:
    path = project(tmp_path)
    parse(path)
    venv = tmp_path / "env"
    (venv / "lib").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "thing.py").write_text("X = 1\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "other.py").write_text("X = 1\n")
    parse(path)
    assert imports(tmp_path) == 1


def test_a_reply_with_problems_is_not_kept(tmp_path: Path) -> None:
    """An import that fails (a module not there yet) runs again next time, unchanged sources or not."""
    path = project(tmp_path, MODELS + "\nimport app.later\n")
    for runs in (1, 2):
        result = parse_sqlalchemy([(str(path), path.read_text())], "sqlite", "main")
        assert result.problems and imports(tmp_path) == runs
