"""COMMENT ON statements."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import ok, table


def test_comments_are_set_and_removed() -> None:
    s = ok("""
        CREATE TABLE t (a int);
        COMMENT ON TABLE t IS 'table';
        COMMENT ON COLUMN public.t.a IS 'column';
        COMMENT ON TABLE t IS NULL;
        """)
    t = table(s, "t")
    assert (t.comment, t.column("a").comment) == (None, "column")
