"""Outline, hover, go to definition and completion."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsprotocol import types as lsp

from tests.lsp.conftest import open_file, start, uri_of, wait, write_config

SCHEMA = """CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL
);

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES users (id)
);

CREATE INDEX posts_author ON posts (author_id);
"""


async def setup(client, project: Path) -> Path:
    db = project / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);"
                       "INSERT INTO users VALUES (1, 'a'), (2, 'b'), (3, 'c');")
    conn.close()
    write_config(project, database_url=f"sqlite:///{db}")
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, SCHEMA)
    return schema


def at(path: Path, line: int, character: int) -> dict:
    return {"text_document": lsp.TextDocumentIdentifier(uri=uri_of(path)),
            "position": lsp.Position(line=line, character=character)}


async def test_outline(client, project: Path) -> None:
    schema = await setup(client, project)
    symbols = await wait(client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(schema)))))
    assert [s.name for s in symbols] == ["main.users", "main.posts"]
    posts = symbols[1]
    assert posts.selection_range.start == lsp.Position(line=5, character=13)
    names = [c.name for c in posts.children]
    assert names.index("id") < names.index("author_id") < names.index("posts_author")
    assert posts.range.end.line == 10  # covers its index statement's span too


async def test_hover_shows_both_sides_and_rows(client, project: Path) -> None:
    schema = await setup(client, project)
    hover = await wait(client.text_document_hover_async(lsp.HoverParams(**at(schema, 2, 4))))
    text = hover.contents.value
    assert "main.users.email" in text
    assert "| schema | `TEXT NOT NULL` |" in text and "| database | `TEXT` |" in text
    assert "rows: about 3" in text
    hover = await wait(client.text_document_hover_async(lsp.HoverParams(**at(schema, 5, 15))))
    assert "database: **missing**" in hover.contents.value


async def test_go_to_referenced_table_and_column(client, project: Path) -> None:
    schema = await setup(client, project)
    line = SCHEMA.splitlines()[7]
    [table] = await wait(client.text_document_definition_async(lsp.DefinitionParams(
        **at(schema, 7, line.index("users") + 2))))
    assert table.range.start == lsp.Position(line=0, character=13)
    [column] = await wait(client.text_document_definition_async(lsp.DefinitionParams(
        **at(schema, 7, line.index("(id") + 2))))
    assert column.range.start == lsp.Position(line=1, character=2)


async def test_completion_of_tables_and_columns(client, project: Path) -> None:
    schema = await setup(client, project)
    text = SCHEMA + "CREATE TABLE tags (post_id INTEGER REFERENCES \n"
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    tables = await wait(client.text_document_completion_async(lsp.CompletionParams(**at(schema, 11, 46))))
    assert {"users", "posts"} <= {i.label for i in tables.items}

    text = SCHEMA + "CREATE TABLE tags (post_id INTEGER REFERENCES posts (\n"
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=3),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    columns = await wait(client.text_document_completion_async(lsp.CompletionParams(**at(schema, 11, 53))))
    assert [i.label for i in columns.items] == ["id", "author_id"]

    text = SCHEMA + "CREATE INDEX x ON users (em\n"
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri_of(schema), version=4),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    columns = await wait(client.text_document_completion_async(lsp.CompletionParams(**at(schema, 11, 27))))
    assert [i.label for i in columns.items] == ["id", "email"]


async def test_hover_counts_a_never_analysed_postgresql_table(client, project: Path, pg_url: str) -> None:
    """reltuples is -1 until the first ANALYZE: the hover said "rows: about 0"."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE fresh (id int PRIMARY KEY)")
        conn.execute("INSERT INTO fresh SELECT generate_series(1, 3)")
    write_config(project, database_url=pg_url)
    await start(client, project)
    schema = project / "schema.sql"
    await open_file(client, schema, "CREATE TABLE fresh (id int PRIMARY KEY);\n")
    hover = await wait(client.text_document_hover_async(lsp.HoverParams(**at(schema, 0, 14))))
    assert "rows: about 3" in hover.contents.value
