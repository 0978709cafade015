"""Diagnostics over the protocol: parse problems, drift at the object's range, lint,
and the database's reachability."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, next_status, diagnostics, open_file, save_file, start, write_config

USERS = """CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL
);
"""


def make_sqlite(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


async def test_syntax_error_at_its_range_with_code_and_link(client, project: Path) -> None:
    db = project / "app.db"
    make_sqlite(db, USERS)
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    status = await open_file(client, schema, "CREATE TABLE users (id integer,, email text);\n")

    [problem] = by_code(client, schema, "syntax-error")
    assert problem.severity == lsp.DiagnosticSeverity.Error
    assert problem.source == "schemalens"
    assert problem.range.start == lsp.Position(line=0, character=31)
    assert problem.code_description.href.endswith("#syntax-error")
    # a file that does not parse shows no drift (it would read as "drop everything")
    assert [d.code for d in diagnostics(client, schema)] == ["syntax-error"]
    assert status.state == "error"


DESIRED = """CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT
);

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER REFERENCES users (id)
);
"""


async def test_drift_on_the_objects_ranges(client, project: Path) -> None:
    db = project / "app.db"
    make_sqlite(db, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, legacy TEXT);")
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    status = await open_file(client, schema, DESIRED)

    assert status.state == "drift"
    [missing_table] = by_code(client, schema, "missing-table")
    assert missing_table.range.start.line == 6 and "posts" in missing_table.message
    [missing_column] = by_code(client, schema, "missing-column")
    assert missing_column.range.start == lsp.Position(line=3, character=2)
    assert "main.users.name" in missing_column.message
    [differs] = by_code(client, schema, "column-differs")
    assert differs.range.start.line == 2
    assert "database allows NULL, schema says NOT NULL" in differs.message
    [extra] = by_code(client, schema, "extra-column")
    assert extra.range.start.line == 0 and "legacy" in extra.message and "data loss" in extra.message
    # one change, one warning: the data loss is the extra-column diagnostic's own fact
    assert not by_code(client, schema, "data-loss")
    assert "legacy" in extra.data["dataLoss"]
    [unindexed] = by_code(client, schema, "fk-without-index")
    assert unindexed.range.start == lsp.Position(line=8, character=20)
    assert status.changes == len([d for d in diagnostics(client, schema) if d.data.get("kind") == "drift"])
    for diag in diagnostics(client, schema):
        assert diag.source == "schemalens" and diag.code_description.href.endswith(f"#{diag.code}")


async def open_in_sync(client, project: Path) -> tuple[Path, Path]:
    """A SQLite database made from USERS and its schema file open: in sync."""
    db = project / "app.db"
    make_sqlite(db, USERS)
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    assert (await open_file(client, schema, USERS)).state == "in-sync"
    assert diagnostics(client, schema) == []
    return db, schema


async def test_database_change_shows_on_next_save(client, project: Path) -> None:
    db, schema = await open_in_sync(client, project)

    make_sqlite(db, "ALTER TABLE users ADD COLUMN nickname TEXT;")
    status = await save_file(client, schema, USERS)
    assert status.state == "drift"
    [extra] = by_code(client, schema, "extra-column")
    assert "nickname" in extra.message


async def test_no_configuration_does_not_create_the_database(client, project: Path) -> None:
    await start(client, project)
    schema = project / "schema.sql"
    status = await open_file(client, schema, USERS)

    [note] = diagnostics(client, schema)
    assert note.code == "no-database" and note.severity == lsp.DiagnosticSeverity.Information
    assert "no database yet" in note.message and "push creates it" in note.message
    assert not (project / ".schemalens").exists()
    assert status.changes == 1


async def test_unreachable_database_one_diagnostic_then_drift_when_back(client, project: Path, pg_url: str) -> None:
    import psycopg

    base, _, name = pg_url.rpartition("/")
    secret_url = base.replace("://", "://someone:hunter2@", 1) + "/" + name
    schema = project / "schema.sql"
    await start(client, project, {"databaseUrl": secret_url.replace(name, "nonexistent_db")})
    status = await open_file(client, schema, "CREATE TABLE users (id integer PRIMARY KEY, email text,, x);\n")

    assert status.state in ("error", "unreachable")
    [down] = by_code(client, schema, "database-unreachable")
    assert "hunter2" not in down.message and "***" in down.message
    assert "editor setting schemalens.databaseUrl" in down.message
    assert by_code(client, schema, "syntax-error")  # database-free diagnostics still appear

    # the database comes back (here: the setting is fixed): the next check shows drift
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id integer PRIMARY KEY, email text)")
    client.set_configuration({"databaseUrl": pg_url}, section="schemalens")
    waiting = next_status(client)
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await waiting
    assert not by_code(client, schema, "database-unreachable")
    status = await save_file(client, schema, "CREATE TABLE users (\n  id integer PRIMARY KEY,\n"
                                             "  email varchar(255) NOT NULL\n);\n")
    assert status.state == "drift"
    [differs] = by_code(client, schema, "column-differs")
    assert differs.range.start == lsp.Position(line=2, character=2)
    assert "database has `text`, schema says `character varying(255)`" in differs.message
    assert "database allows NULL, schema says NOT NULL" in differs.message


async def test_another_tools_migration_table_is_seen_not_drift(client, project: Path) -> None:
    db = project / "app.db"
    make_sqlite(db, USERS + "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);")
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    status = await open_file(client, schema, USERS)

    assert status.state == "in-sync"
    [seen] = diagnostics(client, schema)
    assert seen.code == "unmanaged" and seen.severity == lsp.DiagnosticSeverity.Information
    assert seen.message == "not managed: Alembic's migration table main.alembic_version"
    assert seen.range.start.line == 0


async def test_a_replaced_sqlite_file_is_read_anew(client, project: Path) -> None:
    """A push in a terminal deleted and made the file again: the server read the deleted
    file through its old connection, showing drift that no longer existed."""
    db, schema = await open_in_sync(client, project)

    db.unlink()
    make_sqlite(db, USERS.replace("email TEXT NOT NULL", "email TEXT NOT NULL,\n  nickname TEXT"))
    status = await save_file(client, schema, USERS)
    assert status.state == "drift"
    [extra] = by_code(client, schema, "extra-column")
    assert "nickname" in extra.message
