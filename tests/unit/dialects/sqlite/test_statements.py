"""SQLite statement splitting: SQLite's own `complete_statement` decides where a statement ends."""

from __future__ import annotations

from schemalens import dialects

split = dialects.get("sqlite").split_statements


def test_trigger_bodies_quotes_and_comments_do_not_split() -> None:
    text = ("CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
            "  UPDATE t SET v = 'a;b' WHERE id = new.id;\n"
            "  DELETE FROM u; -- inner;\n"
            "END;\n"
            "/* x; */ INSERT INTO t VALUES ('it''s;');\n"
            "SELECT \"semi;colon\" FROM t")
    statements = split(text)
    assert [sql for _, sql in statements] == [
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET v = 'a;b' WHERE id = new.id;\n"
        "  DELETE FROM u; -- inner;\nEND",
        "INSERT INTO t VALUES ('it''s;')",
        "SELECT \"semi;colon\" FROM t",
    ]
    assert statements[1][0] == text.index("INSERT INTO")


def test_comments_only_give_nothing() -> None:
    assert split("-- nothing;\n/* here; */ ;\n-- tail") == []
