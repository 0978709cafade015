"""Diagnostics over the protocol: parse problems, drift at the object's range, lint,
and the database's reachability."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, diagnostics, open_file, save_file, start, write_config

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
