"""CREATE INDEX, and unique indexes that become constraints."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import ok, table


def test_index_with_every_option() -> None:
    t = table(ok("""
        CREATE TABLE t (a text, b text, c int);
        CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING btree
          (a text_pattern_ops DESC NULLS LAST, lower(b) COLLATE "C", (c + 1))
          INCLUDE (c) NULLS NOT DISTINCT WHERE c > 0;
        CREATE INDEX ON t USING gin (to_tsvector('english', a));
        CREATE INDEX IF NOT EXISTS i ON t (a);
        """), "t")
    i, gin = t.indexes
    assert (i.name, i.unique, i.method, i.nulls_not_distinct) == ("i", True, "btree", True)
    assert i.columns == ['a text_pattern_ops DESC NULLS LAST', 'lower(b) COLLATE "C"', "(c + 1)"]
    assert (i.include, i.where) == (["c"], "c > 0")
    assert (gin.name, gin.method, gin.columns) == (None, "gin", ["to_tsvector('english', a)"])


def test_unique_index_stays_an_index_and_using_index_makes_a_constraint() -> None:
    t = table(ok("""
        CREATE TABLE t (a int NOT NULL, b int);
        CREATE UNIQUE INDEX t_a ON t (a);
        CREATE UNIQUE INDEX t_b ON t (b);
        ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY USING INDEX t_a;
        """), "t")
    assert t.primary_key is not None and (t.primary_key.name, t.primary_key.columns) == ("t_pk", ["a"])
    assert [(i.name, i.unique) for i in t.indexes] == [("t_b", True)]


UNNAMED = """
    CREATE TABLE t (a int, b int, c text);
    CREATE INDEX ON t (a, b);
    CREATE INDEX ON t (a, b);
    CREATE INDEX ON t (lower(c));
    COMMENT ON INDEX t_a_b_idx1 IS 'second';
    DROP INDEX t_a_b_idx;
    ALTER INDEX t_lower_idx RENAME TO t_l;
    CREATE INDEX ON t (c);
    ALTER TABLE t DROP COLUMN c;
    CREATE INDEX t_c_idx ON t (a);
    """


def test_an_unnamed_index_is_known_by_the_name_postgresql_gives_it() -> None:
    """A later DROP, ALTER or COMMENT names it so; where the final schema would name it
    otherwise (the index before it dropped), it keeps the name it was given."""
    t = table(ok(UNNAMED), "t")
    assert [(i.name, i.columns, i.comment) for i in t.indexes] == [
        ("t_a_b_idx1", ["a", "b"], "second"), ("t_c_idx", ["a"], None)]  # DROP COLUMN c took t_l and t_c_idx
