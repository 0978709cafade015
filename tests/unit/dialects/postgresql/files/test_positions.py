"""Spans: exact places, in code points."""

from __future__ import annotations

from schemalens.model import Span
from tests.unit.dialects.postgresql.files.helpers import ok, parse, table


def test_spans_after_non_ascii_text_count_code_points() -> None:
    sql = "-- schéma ✓ ünïcode\nCREATE TABLE \"tâble\" (ä int, b text);"
    t = parse(sql).schema.tables[0]
    assert t.span == Span("schema.sql", 1, 13, 1, 20)
    assert t.column("b").span == Span("schema.sql", 1, 29, 1, 35)


def test_spans_of_objects() -> None:
    sql = """CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('a');
CREATE TABLE app.t (
  id int PRIMARY KEY,
  note text DEFAULT 'a, b' -- trailing, comment
  , CONSTRAINT ck CHECK (id > 0)
);
CREATE INDEX t_note ON app.t (note);
CREATE SEQUENCE app.s;
CREATE EXTENSION citext;
"""
    s = ok(sql)
    t = table(s, "t", "app")
    assert t.span == Span("schema.sql", 2, 13, 2, 18)
    assert t.column("id").span == Span("schema.sql", 3, 2, 3, 20)
    assert t.column("note").span == Span("schema.sql", 4, 2, 4, 26)
    assert t.checks[0].span == Span("schema.sql", 5, 4, 5, 32)
    assert t.primary_key is not None and t.primary_key.span == Span("schema.sql", 3, 9, 3, 20)
    assert t.indexes[0].span == Span("schema.sql", 7, 0, 7, 35)
    assert s.namespaces[0].span == Span("schema.sql", 0, 0, 0, 17)
    assert s.enums[0].span == Span("schema.sql", 1, 0, 1, 34)
    assert s.sequences[0].span == Span("schema.sql", 8, 16, 8, 21)
    assert s.extensions[0].span == Span("schema.sql", 9, 0, 9, 23)
