"""What the server reuses between saves (statement parse trees, the database's schema,
the frozen heap) must never show an old answer: every edit and every change made in the
database shows on the next save, and undoing an edit brings the file back in sync."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.lsp.conftest import by_code, open_file, save_file, start, write_config

SCHEMA = """CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email varchar(100) NOT NULL CHECK (email <> '')
);

CREATE TABLE posts (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  title text NOT NULL
);
CREATE INDEX posts_user ON posts (user_id);
"""


async def test_edits_and_database_changes_show_on_the_next_save(client, project: Path, pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(SCHEMA)
    write_config(project, database_url=pg_url)
    await start(client, project)
    schema = project / "schema.sql"
    assert (await open_file(client, schema, SCHEMA)).state == "in-sync"

    edited = SCHEMA.replace("varchar(100)", "varchar(200)")
    status = await save_file(client, schema, edited, version=2)
    assert status.state == "drift" and status.changes == 1
    [differs] = by_code(client, schema, "column-differs")
    assert differs.range.start.line == 2 and "character varying(200)" in differs.message

    assert (await save_file(client, schema, SCHEMA, version=3)).state == "in-sync"

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE posts ADD COLUMN draft boolean")
    status = await save_file(client, schema, SCHEMA, version=4)
    assert status.state == "drift"
    [extra] = by_code(client, schema, "extra-column")
    assert "draft" in extra.message

    moved = "-- a new first line moves every statement down\n" + SCHEMA.replace(
        "  title text NOT NULL\n", "  title text NOT NULL,\n  draft boolean\n")
    status = await save_file(client, schema, moved, version=5)
    assert status.state == "in-sync", by_code(client, schema, "column-differs")

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE INDEX users_email ON users (lower(email))")
    assert (await save_file(client, schema, moved, version=6)).state == "drift"
    [index] = by_code(client, schema, "extra-index")
    assert "users_email" in index.message
