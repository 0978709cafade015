"""DROP statements."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import ok, table


def test_drops() -> None:
    s = ok("""
        CREATE TYPE e AS ENUM ('a'); CREATE TYPE f AS ENUM ('b');
        CREATE SEQUENCE s; CREATE SEQUENCE keep;
        CREATE TABLE a (id int PRIMARY KEY, v e);
        CREATE TABLE b (id int REFERENCES a, w f);
        CREATE TABLE c (id int);
        CREATE INDEX b_id ON b (id); CREATE INDEX c_id ON c (id);
        DROP INDEX b_id; DROP INDEX IF EXISTS nothing;
        DROP TABLE a CASCADE;
        DROP TABLE IF EXISTS c, nothing;
        DROP TYPE f CASCADE; DROP TYPE IF EXISTS nothing;
        DROP SEQUENCE s;
        """)
    assert [t.name for t in s.tables] == ["b"]
    b = table(s, "b")
    assert ([c.name for c in b.columns], b.foreign_keys, b.indexes) == (["id"], [], [])
    assert [e.name for e in s.enums] == ["e"] and [q.name for q in s.sequences] == ["keep"]
