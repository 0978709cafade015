"""SQLAlchemy model modules -> Schema: compilation per dialect, spans, problems.

The child interpreter is real (no database is involved: create_all runs on a mock engine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalens.model import Schema, SourceResult, Table
from schemalens.sources.sql import parse_texts
from schemalens.sources.sqlalchemy import module_name, parse_sqlalchemy, project_root

HEADER = """\
import datetime, enum
from sqlalchemy import *
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass
"""

USERS = HEADER + """

class Mood(enum.Enum):
    sad = "sad"
    happy = "happy"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, comment="login")
    mood: Mapped[Mood] = mapped_column(Enum(Mood, create_constraint=True), server_default="happy")
    lazy: Mapped[Mood | None] = mapped_column(Enum(Mood, name="lazy_mood", native_enum=False))
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.now(), default=datetime.datetime.now)
    score = mapped_column(Integer, Computed("id * 2"))
"""


def parse(tmp_path: Path, text: str, dialect: str = "sqlite", name: str = "models.py") -> SourceResult:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return parse_sqlalchemy([(str(path), text)], dialect, "public" if dialect == "postgresql" else "main")


def table(result: SourceResult, name: str) -> Table:
    found = next((t for t in result.schema.tables if t.name == name), None)
    assert found is not None, (result.problems, [t.name for t in result.schema.tables])
    return found


def errors(result: SourceResult) -> list[str]:
    return [f"{p.code}: {p.message}" for p in result.problems if p.severity == "error"]


# --- SQLite ---------------------------------------------------------------------------


def test_sqlite_reads_what_create_all_creates(tmp_path: Path) -> None:
    result = parse(tmp_path, USERS)
    assert errors(result) == []
    users = table(result, "users")
    assert users.schema == "main"
    cols = {c.name: c for c in users.columns}
    assert [c.name for c in users.columns] == ["id", "email", "mood", "lazy", "created", "score"]
    assert cols["id"].type == "INTEGER" and users.primary_key is not None and users.primary_key.columns == ["id"]
    assert cols["email"].type == "VARCHAR(255)" and not cols["email"].nullable
    assert cols["mood"].type == "VARCHAR(5)" and cols["mood"].default == "'happy'"
    assert cols["created"].default == "CURRENT_TIMESTAMP"  # default= is Python-side: not there
    assert cols["score"].generated is not None and "id * 2" in cols["score"].generated
    assert [u.columns for u in users.uniques] == [["email"]]
    # create_constraint=True makes a CHECK; native_enum=False alone does not
    assert len(users.checks) == 1 and "mood IN" in users.checks[0].expression
    assert result.schema.enums == []


def test_sqlite_compile_error_is_a_problem_at_the_table(tmp_path: Path) -> None:
    text = HEADER + """
from sqlalchemy.dialects.postgresql import ARRAY


class Doc(Base):
    __tablename__ = "docs"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags = mapped_column(ARRAY(String), index=True)


class Ok(Base):
    __tablename__ = "ok"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
    result = parse(tmp_path, text)
    [problem] = result.problems
    assert problem.code == "sqlalchemy-compile" and "ARRAY" in problem.message and "0x" not in problem.message
    assert problem.span is not None and problem.span.start_line == text.splitlines().index("class Doc(Base):")
    assert [t.name for t in result.schema.tables] == ["ok"]


# --- PostgreSQL -----------------------------------------------------------------------


def test_postgresql_serial_enum_identity_and_comments(tmp_path: Path) -> None:
    text = USERS + """

class Item(Base):
    __tablename__ = "items"
    __table_args__ = {"schema": "shop", "comment": "things"}
    id = mapped_column(BigInteger, Identity(always=True, start=10), primary_key=True)
    owner: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"))
"""
    result = parse(tmp_path, text, "postgresql")
    assert errors(result) == []
    users = table(result, "users")
    cols = {c.name: c for c in users.columns}
    assert users.schema == "public"
    assert cols["id"].type in ("integer", "int4") and cols["id"].default == "nextval('public.users_id_seq'::regclass)"
    assert cols["mood"].type.endswith("mood") and cols["email"].comment == "login"
    assert cols["lazy"].type == "character varying(5)"
    assert [(e.schema, e.name, e.values) for e in result.schema.enums] == [("public", "mood", ["sad", "happy"])]
    assert cols["score"].generated_stored  # PostgreSQL before 18: STORED, as create_all makes it
    items = table(result, "items")
    assert items.schema == "shop" and items.comment == "things"
    assert [n.name for n in result.schema.namespaces] == ["shop"]
    assert items.columns[0].identity is not None and items.columns[0].identity.always
    assert items.columns[0].identity.start == 10 and items.columns[0].default is None
    [fk] = items.foreign_keys
    assert (fk.name, fk.ref_schema, fk.ref_table, fk.on_delete, fk.deferrable, fk.initially_deferred) == (
        None, "public", "users", "CASCADE", True, True)


def test_postgresql_naming_convention_indexes_and_unnamed_constraints(tmp_path: Path) -> None:
    text = """\
from sqlalchemy import *

metadata = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s", "ix": "ix_%(column_0_label)s"})
plain = MetaData()

t = Table("t", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("code", String(10), unique=True),
    Column("body", Text, index=True),
)
Index("t_lower_code", func.lower(t.c.code), postgresql_where=text("id > 0"), postgresql_include=["body"])
Index("t_body_hash", t.c.body, postgresql_using="hash")

u = Table("u", plain,
    Column("id", Integer, primary_key=True),
    Column("code", String(10), unique=True),
    CheckConstraint("id > 0"),
)
"""
    result = parse(tmp_path, text, "postgresql")
    assert errors(result) == []
    t, u = table(result, "t"), table(result, "u")
    assert t.columns[0].default is None  # autoincrement=False: no SERIAL
    assert [x.name for x in t.uniques] == ["uq_t_code"]
    indexes = {i.name: i for i in t.indexes}
    assert set(indexes) == {"ix_t_body", "t_lower_code", "t_body_hash"}
    assert indexes["t_lower_code"].columns == ["lower(code)"] and indexes["t_lower_code"].where == "id > 0"
    assert indexes["t_lower_code"].include == ["body"] and indexes["t_body_hash"].method == "hash"
    assert [x.name for x in u.uniques] == [None] and [c.name for c in u.checks] == [None]
    assert u.primary_key is not None and u.primary_key.name is None


def test_two_metadatas_and_a_declarative_base_are_all_read(tmp_path: Path) -> None:
    text = HEADER + """
from sqlalchemy.orm import declarative_base

Legacy = declarative_base()
other = MetaData()
Table("plain", other, Column("id", Integer, primary_key=True))


class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)


class B(Legacy):
    __tablename__ = "b"
    id = Column(Integer, primary_key=True)
"""
    result = parse(tmp_path, text)
    assert sorted(t.name for t in result.schema.tables) == ["a", "b", "plain"]


# --- spans ----------------------------------------------------------------------------


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


def test_spans_point_at_classes_assignments_and_table_calls(tmp_path: Path) -> None:
    text = HEADER + """

class Stamped:
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.now())


class Author(Stamped, Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name = Column("full_name", String(100), nullable=False)
    bio: Mapped[str | None] = mapped_column(
        Text,
    )


links = Table(
    "links", Base.metadata,
    Column("author_id", ForeignKey("authors.id"), primary_key=True),
    Column("url", Text, nullable=False),
)
"""
    result = parse(tmp_path, text)
    assert errors(result) == []
    path = str(tmp_path / "models.py")
    authors, links = table(result, "authors"), table(result, "links")
    assert authors.span is not None and authors.span.file == path
    assert (authors.span.start_line, authors.span.start_col) == (line_of(text, "class Author("), 0)
    spans = {c.name: c.span for c in authors.columns}
    assert spans["id"].start_line == line_of(text, "id: Mapped[int]")
    assert spans["full_name"].start_line == line_of(text, 'name = Column("full_name"')
    assert (spans["bio"].start_line, spans["bio"].start_col) == (line_of(text, "bio:"), 4)
    assert spans["bio"].end_line == line_of(text, "bio:") + 2
    assert spans["created"].start_line == line_of(text, "created: Mapped")  # from the mixin
    assert links.span is not None and links.span.start_line == line_of(text, "links = Table(")
    assert links.span.end_line == line_of(text, '"links", Base.metadata')
    link_spans = {c.name: c.span for c in links.columns}
    assert link_spans["url"].start_line == line_of(text, 'Column("url"')
    assert link_spans["url"].start_col == 4
    assert links.primary_key is not None and links.primary_key.span == link_spans["author_id"]


def test_columns_count_code_points_not_bytes(tmp_path: Path) -> None:
    text = HEADER + """

class Café(Base):
    __tablename__ = "cafés"
    id: Mapped[int] = mapped_column(primary_key=True, comment="é")  ; naïve: Mapped[str]
"""
    result = parse(tmp_path, text)
    assert errors(result) == []
    naive = table(result, "cafés").column("naïve")
    assert naive is not None and naive.span is not None
    line = text.splitlines()[naive.span.start_line]
    assert line[naive.span.start_col:naive.span.end_col] == "naïve: Mapped[str]"


def test_unsaved_text_is_read_not_the_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(HEADER + "\nclass A(Base):\n    __tablename__ = 'on_disk'\n    id: Mapped[int] = mapped_column(primary_key=True)\n")
    edited = HEADER + "\nclass A(Base):\n    __tablename__ = 'in_editor'\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
    result = parse_sqlalchemy([(str(path), edited)], "sqlite", "main")
    assert [t.name for t in result.schema.tables] == ["in_editor"]


def test_the_project_folder_is_importable(tmp_path: Path) -> None:
    (tmp_path / "schemalens.toml").write_text("")
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "db.py").write_text("from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n")
    text = ("from sqlalchemy.orm import Mapped, mapped_column\nfrom app.db import Base\n\n\n"
            "class A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n")
    result = parse(tmp_path, text, name="app/models.py")
    assert errors(result) == [] and [t.name for t in result.schema.tables] == ["a"]
    assert module_name(pkg / "models.py") == ("app.models", tmp_path)
    assert project_root(pkg / "models.py") == tmp_path


def test_module_name_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    """A folder that is not a package name (some-dir) cannot be imported by dotted name:
    the file runs as a top-level module from its own folder."""
    (tmp_path / "pyproject.toml").write_text("")
    folder = tmp_path / "some-dir"
    folder.mkdir()
    assert module_name(folder / "models.py") == ("models", folder)
    assert module_name(tmp_path / "pkg" / "__init__.py") == ("pkg", tmp_path)


# --- problems -------------------------------------------------------------------------


def test_syntax_error_is_reported_at_its_line(tmp_path: Path) -> None:
    text = HEADER + "\nclass A(Base)\n    pass\n"
    result = parse(tmp_path, text)
    [problem] = result.problems
    assert problem.code == "syntax-error" and problem.severity == "error"
    assert problem.span is not None and problem.span.start_line == line_of(text, "class A(Base)")
    assert result.schema.tables == []


def test_exception_is_reported_at_the_innermost_line_in_the_file(tmp_path: Path) -> None:
    text = HEADER + """

def columns():
    return {"x": undefined_name}


class A(Base):
    __tablename__ = "a"
    id: Mapped[int] = mapped_column(primary_key=True)
    extra = columns()
"""
    result = parse(tmp_path, text)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.code == "import-error"
    assert problem.message == "NameError: name 'undefined_name' is not defined"
    assert problem.span is not None and problem.span.start_line == line_of(text, "undefined_name")
    assert "Traceback" not in problem.message


def test_import_error_of_a_missing_module(tmp_path: Path) -> None:
    text = "import sqlalchemy\nfrom app.nowhere import Base\n"
    result = parse(tmp_path, text)
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.message.startswith("ModuleNotFoundError: No module named 'app'")
    assert problem.span is not None and problem.span.start_line == 1
    assert "is 'app' installed in" in problem.message and "__init__.py" in problem.message


def test_the_import_root_is_the_first_folder_above_the_packages(tmp_path: Path) -> None:
    """As Python's tools find it: no project marker needed for relative imports."""
    app = tmp_path / "src" / "app"
    (app / "models").mkdir(parents=True)
    for folder in (app, app / "models"):
        (folder / "__init__.py").write_text("")
    assert module_name(app / "models" / "tables.py") == ("app.models.tables", tmp_path / "src")
    assert module_name(app / "models" / "__init__.py") == ("app.models", tmp_path / "src")
    (app / "models" / "base.py").write_text(HEADER)
    text = ("from sqlalchemy.orm import Mapped, mapped_column\nfrom .base import Base\n\n\n"
            "class A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n")
    result = parse(tmp_path, text, name="src/app/models/tables.py")
    assert errors(result) == [] and [t.name for t in result.schema.tables] == ["a"]


def test_a_relative_import_outside_a_package_says_what_to_do(tmp_path: Path) -> None:
    result = parse(tmp_path, "from .base import Base\n", name="plain/models.py")
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.message.startswith("ImportError: attempted relative import with no known parent package")
    assert "__init__.py" in problem.message and 'schema = "app.models"' in problem.message


INVALID = HEADER + """

class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    __table_args__ = (
        Index("ix_teams_nothing"),
        Index("ix_teams_name", "name"),
    )


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_name: Mapped[str] = mapped_column(
        ForeignKey("teams.name"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    ghost_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ghosts.id"))
"""


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_invalid_objects_are_set_aside_at_their_own_lines(tmp_path: Path, dialect: str) -> None:
    """One bad object hides nothing else: each is a warning at its own line, and the rest
    of its table (and the other tables) is read."""
    result = parse(tmp_path, INVALID, dialect)
    found = [(p.severity, p.code, p.span.start_line if p.span else None) for p in result.problems]
    assert found == [
        ("warning", "index-without-columns", line_of(INVALID, 'Index("ix_teams_nothing")')),
        ("warning", "invalid-foreign-key", line_of(INVALID, 'ForeignKey("ghosts.id")')),
        ("warning", "invalid-foreign-key", line_of(INVALID, 'ForeignKey("teams.name")')),
    ], result.problems
    ghost, name = (p.message for p in result.problems[1:])
    assert "ghosts" in ghost and "create_all fails" in ghost
    assert "not a primary key, unique constraint or unique index" in name and "PostgreSQL refuses" in name
    assert [i.name for i in table(result, "teams").indexes] == ["ix_teams_name"]
    members = table(result, "members")
    assert [c.name for c in members.columns] == ["id", "team_name", "team_id", "ghost_id"]
    assert [fk.columns for fk in members.foreign_keys] == [["team_id"]]


def test_system_exit_in_the_module_is_a_problem(tmp_path: Path) -> None:
    result = parse(tmp_path, "import sys\nprint('hello on stdout')\nsys.exit(3)\n")
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.message == "SystemExit: 3" and problem.span is not None and problem.span.start_line == 2


def test_no_tables_found(tmp_path: Path) -> None:
    result = parse(tmp_path, "from sqlalchemy import MetaData\nprint('chatty')\nx = 1\n")
    [problem] = result.problems
    assert problem.code == "no-tables" and "no SQLAlchemy tables found in" in problem.message
    assert "models.py" in problem.message and problem.span is not None


def test_a_module_that_hangs_times_out(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    text = "import time\ntime.sleep(60)\n"
    result = parse_sqlalchemy([(str(path), text)], "sqlite", "main", timeout=1.0)
    [problem] = result.problems
    assert problem.code == "sqlalchemy-timeout" and "1 s" in problem.message


def test_sqlalchemy_missing_in_the_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake" / "sqlalchemy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no sqlalchemy here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    result = parse(tmp_path, USERS)
    [problem] = result.problems
    assert problem.code == "sqlalchemy-missing" and "not installed" in problem.message


def test_parse_texts_dispatches_python_and_refuses_a_mix(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(USERS)
    result = parse_texts([(str(path), USERS)], "sqlite", "main")
    assert [t.name for t in result.schema.tables] == ["users"]
    mixed = parse_texts([(str(path), USERS), (str(tmp_path / "extra.sql"), "CREATE TABLE x (id int);")], "sqlite")
    [problem] = mixed.problems
    assert problem.code == "mixed-sources" and "extra.sql" in problem.message
    assert mixed.schema == Schema(dialect="sqlite")


def test_repeated_parses_use_a_fresh_child_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the second parse on, a spare child waits for the next one: it must still run
    the text of that parse (not an earlier one), and not outlive a change of environment."""
    path = tmp_path / "models.py"
    for name in ("first", "second", "third"):
        text = HEADER + f"\nclass A(Base):\n    __tablename__ = '{name}'\n    id: Mapped[int] = mapped_column(primary_key=True)\n"
        result = parse_sqlalchemy([(str(path), text)], "sqlite", "main")
        assert [t.name for t in result.schema.tables] == [name]
    fake = tmp_path / "fake" / "sqlalchemy"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no sqlalchemy here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    assert [p.code for p in parse(tmp_path, USERS).problems] == ["sqlalchemy-missing"]


def test_named_indexes_and_constraints_are_found_at_their_calls(tmp_path: Path) -> None:
    text = HEADER + """

class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("author", "slug", name="posts_author_slug"),
        CheckConstraint("length(slug) > 0", name="slug_not_empty"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str]
    slug: Mapped[str] = mapped_column(index=True)


Index("posts_author_idx", Post.author, Post.id)
"""
    result = parse(tmp_path, text)
    assert errors(result) == []
    posts = table(result, "posts")
    assert posts.uniques[0].span.start_line == line_of(text, "UniqueConstraint(")
    assert posts.checks[0].span.start_line == line_of(text, "CheckConstraint(")
    indexes = {i.name: i.span for i in posts.indexes}
    assert indexes["posts_author_idx"].start_line == line_of(text, 'Index("posts_author_idx"')
    assert indexes["ix_posts_slug"].start_line == line_of(text, "slug: Mapped[str]")  # index=True: its column


def test_renames_are_read_from_python_comments(tmp_path: Path) -> None:
    text = HEADER + '''

class People(Base):  # @renamed from=users
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(  # @renamed from="Name"
        String(50))
    note: Mapped[str] = mapped_column(String(9), server_default="# @renamed from=x")


tags = Table("tags", Base.metadata,  # @renamed from=labels
             Column("id", Integer, primary_key=True),
             Column("label", String(20)))  # @renamed from=title
'''
    result = parse(tmp_path, text)
    people, tags = table(result, "people"), table(result, "tags")
    assert people.renamed_from == "users" and tags.renamed_from == "labels"
    assert [(c.name, c.renamed_from) for c in people.columns] == [("id", None), ("full_name", "Name"), ("note", None)]
    assert tags.column("label").renamed_from == "title"


@pytest.mark.parametrize("directive", ["from = users", "from='users'"])
def test_rename_directive_spellings_of_the_one_grammar(tmp_path: Path, directive: str) -> None:
    text = HEADER + f'''

class People(Base):  # @renamed {directive}
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(50))  # @renamed {directive.replace("users", "Name")}
'''
    people = table(parse(tmp_path, text), "people")
    assert people.renamed_from == "users"
    assert people.column("full_name").renamed_from == "Name"
