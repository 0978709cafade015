""""Update schema file from database" on a PostgreSQL comment: the file's own COMMENT ON
statement is edited (its literal) or deleted, or one is added after the table; the
CREATE TABLE is never rewritten for it (the file's later COMMENT ON would still win).
Each case is re-checked against the same real database.
"""

from __future__ import annotations


import pytest
from lsprotocol import types as lsp

from tests.lsp.edit_project import changed_lines


TABLE = """-- what the shop sells
CREATE TABLE items (
    id integer PRIMARY KEY, -- surrogate key
    sku text NOT NULL       -- stock keeping unit
); -- items
"""
DB = "CREATE TABLE items (id integer PRIMARY KEY, sku text NOT NULL);"


@pytest.mark.parametrize("statement, db_comment, expected", [
    ("COMMENT ON TABLE items IS 'old'; -- why", "COMMENT ON TABLE items IS 'it''s new'",
     "COMMENT ON TABLE items IS 'it''s new'; -- why"),
    ("COMMENT ON COLUMN public.items.sku IS 'old' /* kept */;", "COMMENT ON COLUMN items.sku IS 'new'",
     "COMMENT ON COLUMN public.items.sku IS 'new' /* kept */;"),
    ("comment on column items.sku is E'o\\'ld';", "COMMENT ON COLUMN items.sku IS 'new'",
     "comment on column items.sku is 'new';"),
    ("COMMENT ON TABLE items IS $$old; really$$;", "COMMENT ON TABLE items IS 'new'",
     "COMMENT ON TABLE items IS 'new';"),
    ("COMMENT ON TABLE items IS NULL;", "COMMENT ON TABLE items IS 'new'", "COMMENT ON TABLE items IS 'new';"),
])
def test_pg_comment_that_differs_gets_the_database_literal(pg_project, statement: str, db_comment: str,
                                                           expected: str) -> None:
    text = TABLE + "\n" + statement + "\n"
    project = pg_project(f"{DB} {db_comment};")
    [change] = project.check(text).changes
    fixed, _ = project.fix(text, change.id)
    assert changed_lines(text, fixed) == ([statement], [expected])


@pytest.mark.parametrize("db_comment, change_id, added", [
    ("COMMENT ON TABLE items IS 'what we sell'", "set_comment:public.items.",
     "COMMENT ON TABLE public.items IS 'what we sell';"),
    ("COMMENT ON COLUMN items.sku IS 'the code'", "set_comment:public.items.sku",
     "COMMENT ON COLUMN public.items.sku IS 'the code';"),
])
def test_pg_comment_only_in_the_database_goes_after_the_table(pg_project, db_comment: str, change_id: str,
                                                               added: str) -> None:
    project = pg_project(f"{DB} {db_comment};")
    fixed, _ = project.fix(TABLE, change_id)
    assert fixed == TABLE + added + "\n"  # after the comment that ends the table's line


@pytest.mark.parametrize("statement, change_id", [
    ("COMMENT ON TABLE public.items IS 'gone';", "set_comment:public.items."),
    ("COMMENT ON COLUMN items.sku IS 'gone'; -- and its comment", "set_comment:public.items.sku"),
])
def test_pg_comment_only_in_the_file_is_deleted(pg_project, statement: str, change_id: str) -> None:
    text = TABLE + statement + "\nCREATE TABLE other (id integer);\n"
    project = pg_project(DB + "CREATE TABLE other (id integer);")
    fixed, _ = project.fix(text, change_id)
    assert fixed == TABLE + "CREATE TABLE other (id integer);\n"


def test_pg_later_comment_statement_is_the_one_edited(pg_project) -> None:
    """The table's statement stays as written: the drift is in the COMMENT ON."""
    text = TABLE + "COMMENT ON TABLE items IS 'first';\nCOMMENT ON TABLE items IS 'second';\n"
    project = pg_project(f"{DB} COMMENT ON TABLE items IS 'third';")
    fixed, edit = project.fix(text, "set_comment:public.items.")
    [(_, [change])] = edit.changes.items()
    assert change.range.start.line == 6
    assert fixed == text.replace("'second'", "'third'")


def test_pg_rewrite_of_the_table_does_not_double_stated_comments(pg_project) -> None:
    """A file-only column that a check names is not cut out alone: the whole table is
    written from the database, without the comments the file states in COMMENT ON
    statements of its own (they would be doubled)."""
    project = pg_project("CREATE TABLE t (a integer, b text); COMMENT ON TABLE t IS 'tee';"
                         "COMMENT ON COLUMN t.b IS 'bee';")
    text = ("CREATE TABLE t (\n    a integer, -- first\n    b text,\n    c integer,\n    CHECK (c > 0)\n);\n"
            "COMMENT ON TABLE t IS 'tee';\nCOMMENT ON COLUMN t.b IS 'bee';\n")
    result = project.check(text)
    assert sorted(c.kind for c in result.changes) == ["add_column", "add_constraint"]
    fixed, edit = project.fix_many(text, "add_column:public.t.c")
    [(_, [whole])] = edit.changes.items()
    assert whole.range.start == lsp.Position(line=0, character=0)
    assert fixed.count("COMMENT ON") == 2
