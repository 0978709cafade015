"""What the server reuses between saves (statement parse trees, the database's schema,
the frozen heap) must never show an old answer: every edit and every change made in the
database shows on the next save, and undoing an edit brings the file back in sync."""

from __future__ import annotations

from pathlib import Path

import psycopg
from lsprotocol import types as lsp

from tests.lsp.conftest import by_code, open_file, save_file, start, uri_of, wait, write_config

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


async def test_a_burst_of_saves_ends_on_the_last_version(client, project: Path) -> None:
    """Saves faster than checks: whatever is superseded, what stays published is the last text."""
    import asyncio

    from lsprotocol import types as lsp

    from tests.lsp.conftest import diagnostics, uri_of, wait

    import sqlite3

    db = project / "app.db"
    sqlite3.connect(db).close()  # an empty database: every table of the file is drift
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, "CREATE TABLE a (id INTEGER PRIMARY KEY);\n")
    texts = [f"CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY);\n"
             for i in range(2, 8)]
    for version, text in enumerate(texts, start=2):
        schema.write_text(text, encoding="utf-8")
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri_of(schema))))

    async def settled() -> list[str]:
        while True:
            messages = [d.message for d in diagnostics(client, schema)]
            if any("t7" in m for m in messages):
                return messages
            await asyncio.sleep(0.05)

    await wait(settled())
    await asyncio.sleep(1.0)  # a stale result arriving late would overwrite the last one now
    messages = [d.message for d in diagnostics(client, schema)]
    assert any("t7" in m for m in messages), messages
    assert not any(f"t{i}" in m for m in messages for i in range(2, 7)), messages


async def test_diagnostics_follow_their_statements_when_lines_are_added_above(client, project: Path, pg_url: str) -> None:
    """Tables below an added line come back as the last parse's tables with their anchors
    moved, and reuse its checks: the diagnostics, the outline and go to definition must
    point at where the statements are now, also after the lines are taken out again."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(SCHEMA)
    write_config(project, database_url=pg_url)
    await start(client, project)
    schema = project / "schema.sql"
    drifting = SCHEMA.replace("title text", "title varchar(50)") + "CREATE INDEX posts_title ON posts (title);\n"
    await open_file(client, schema, SCHEMA)

    async def lines_after_save(text: str, version: int) -> tuple[int, int]:
        assert (await save_file(client, schema, text, version=version)).state == "drift"
        [differs] = by_code(client, schema, "column-differs")
        [index] = by_code(client, schema, "missing-index")
        assert "character varying(50)" in differs.message and "posts_title" in index.message
        return differs.range.start.line, index.range.start.line

    assert await lines_after_save(drifting, 2) == (8, 11)
    assert await lines_after_save("-- one\n-- two\n-- three\n" + drifting, 3) == (11, 14)
    assert await lines_after_save(drifting.replace("CREATE INDEX posts_user", "\nCREATE INDEX posts_user"), 4) == (8, 12)
    assert await lines_after_save(drifting.replace("\nCREATE TABLE posts", "\n-- posts\nCREATE TABLE posts"), 5) == (9, 12)
    assert await outline_and_definition(client, schema) == (6, 12, 0)
    await lines_after_save("-- one\n-- two\n" + drifting, 6)
    assert await outline_and_definition(client, schema) == (7, 13, 2)
    await lines_after_save(drifting, 7)
    assert await outline_and_definition(client, schema) == (5, 11, 0)


async def outline_and_definition(client, schema: Path) -> tuple[int, int, int]:
    """Lines of posts in the outline, of its index in it, and where `REFERENCES users` leads."""
    document = lsp.TextDocumentIdentifier(uri=uri_of(schema))
    symbols = await wait(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=document)))
    posts = next(s for s in symbols if s.name == "public.posts")
    index = next(c for c in posts.children if c.name == "posts_title")
    line = schema.read_text().splitlines().index("  user_id bigint NOT NULL REFERENCES users (id),")
    [users] = await wait(client.text_document_definition_async(lsp.DefinitionParams(
        text_document=document, position=lsp.Position(line=line, character=40))))
    return posts.selection_range.start.line, index.selection_range.start.line, users.range.start.line
