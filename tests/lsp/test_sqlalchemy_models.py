"""A SQLAlchemy models module as the schema file: the editor shows its drift at the
model's lines, on open and on save of unsaved text, like a SQL file's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.lsp.conftest import by_code, diagnostics, open_file, save_file, start, write_config
from tests.lsp.edit_project import apply
from tests.lsp.test_actions import actions, run

MODELS = """from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
"""


async def test_models_module_shows_drift_at_its_lines(client, project: Path) -> None:
    db = project / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL)")
    conn.close()
    write_config(project, database_url=f"sqlite:///{db}", schema="models.py")
    await start(client, project)
    models = project / "models.py"
    status = await open_file(client, models, MODELS)
    assert status.state == "in-sync", diagnostics(client, models)

    edited = MODELS + "    nickname: Mapped[str | None] = mapped_column(String(30))\n"
    status = await save_file(client, models, edited)
    assert status.state == "drift" and status.changes == 1
    [missing] = by_code(client, models, "missing-column")
    assert missing.range.start.line == edited.splitlines().index(
        "    nickname: Mapped[str | None] = mapped_column(String(30))")

    broken = edited + "    oops = mapped_column(NoSuchType())\n"
    status = await save_file(client, models, broken, version=3)
    assert status.state == "error"
    [error] = [d for d in diagnostics(client, models) if d.severity == 1]
    assert "NoSuchType" in error.message and error.range.start.line == len(broken.splitlines()) - 1


async def test_renames_in_models_are_declared_by_a_python_comment(client, project: Path) -> None:
    """No SQL is written into a models module (no "update from database"); a rename is
    declared by `# @renamed from=old` on the column's line, which the source reads, so
    push keeps the column's data."""
    db = project / "app.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
                 "name VARCHAR(50))")
    conn.execute("INSERT INTO users VALUES (1, 'a@b', 'Ann')")
    conn.commit()
    conn.close()
    write_config(project, database_url=f"sqlite:///{db}", schema="models.py")
    await start(client, project)
    models = project / "models.py"
    renamed = MODELS.replace("email: Mapped[str] = mapped_column(String(100))",
                             "email: Mapped[str] = mapped_column(String(100))\n"
                             "    full_name: Mapped[str | None] = mapped_column(String(50))")
    status = await open_file(client, models, renamed)
    assert status.state == "drift"
    [added] = by_code(client, models, "missing-column")
    fixes = await actions(client, models, [added])
    assert not [a for a in fixes if a.title.startswith("Update schema file from database")]
    [rename] = [a for a in fixes if a.title == "Treat as rename of name"]

    text = apply(renamed, rename.edit)
    assert "mapped_column(String(50))  # @renamed from=name" in text
    await save_file(client, models, text)
    [pending] = by_code(client, models, "pending-rename")
    assert "renames column" in pending.message
    [push] = [a for a in await actions(client, models) if a.kind == "source.schemalens.push"]
    await run(client, push.command)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT full_name FROM users").fetchall() == [("Ann",)]
    conn.close()


async def test_generate_alembic_revision_is_offered_beside_an_alembic_ini(client, project: Path) -> None:
    """Where the project has an alembic.ini, the file's actions include writing the drift
    as an Alembic revision into its versions folder (chained to the head: none yet)."""
    db = project / "app.db"
    sqlite3.connect(db).close()
    write_config(project, database_url=f"sqlite:///{db}", schema="models.py")
    models = project / "models.py"
    models.write_text(MODELS)
    await start(client, project)
    await open_file(client, models, MODELS)
    assert not [a for a in await actions(client, models) if a.title == "Generate Alembic revision"]

    (project / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/alembic\n")
    await save_file(client, models, MODELS)
    [action] = [a for a in await actions(client, models) if a.title == "Generate Alembic revision"]
    assert action.kind == "source.schemalens.generate.alembic"
    result = await run(client, action.command)
    assert result["ok"], result
    [revision] = (project / "alembic" / "versions").glob("*.py")
    text = revision.read_text()
    assert "down_revision = None" in text and "CREATE TABLE users" in text and "DROP TABLE users" in text
