"""A table rebuild against a real SQLite file: the new table has the file's own text, and what
names the table from elsewhere (foreign keys, views, triggers on other tables) still names it
and still works; rows are kept. And the SQLite facts push compares by: a primary key's name
is no drift, a foreign key to a table the files do not define is a warning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings

pytestmark = pytest.mark.db

NO_RENAMES = Renames({}, {})

BEFORE = """CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
CREATE VIEW names AS SELECT name FROM parent;
CREATE TABLE log (msg TEXT);
CREATE TRIGGER child_added AFTER INSERT ON child BEGIN
  INSERT INTO log SELECT name FROM parent WHERE id = new.parent_id;
END;
"""
AFTER = BEFORE.replace("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);",
                       "CREATE TABLE parent (\n  id INTEGER PRIMARY KEY,\n  name text NOT NULL DEFAULT 'x', -- now required\n"
                       "  CHECK (length(name) > 0)\n);")


def settings_for(folder: Path, db: Path, text: str) -> object:
    (folder / "schema.sql").write_text(text, encoding="utf-8")
    return load_settings({"database_url": f"sqlite:///{db}", "schema": [str(folder / "schema.sql")],
                          "dialect": "sqlite"}, start=folder, environ={})


def texts(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def test_rebuild_keeps_the_files_text_references_views_triggers_and_rows(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript(BEFORE + "INSERT INTO parent VALUES (1, 'a'), (2, NULL); INSERT INTO child VALUES (10, 1), (11, 2);")
    conn.close()
    old = texts(db)
    config = settings_for(tmp_path, db, AFTER)
    plan = workflows.check(config, NO_RENAMES)  # type: ignore[arg-type]
    assert any("_schemalens_old_parent" in s.sql for s in plan.statements)  # a rebuild
    result = workflows.push(config, NO_RENAMES, confirm=lambda losses: True, force=True)  # type: ignore[arg-type]
    assert result.failure is None and result.refused is None
    new = texts(db)
    direct = tmp_path / "direct.db"
    sqlite3.connect(direct).executescript(AFTER)
    assert new["parent"] == texts(direct)["parent"]  # the file's own text, comment and all
    assert {k: v for k, v in new.items() if k != "parent"} == {k: v for k, v in old.items() if k != "parent"}
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("SELECT * FROM parent ORDER BY id").fetchall() == [(1, "a"), (2, "x")]
    assert conn.execute("SELECT id, parent_id FROM child ORDER BY id").fetchall() == [(10, 1), (11, 2)]
    assert conn.execute("PRAGMA foreign_key_list(child)").fetchall()[0][2] == "parent"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT name FROM names ORDER BY name").fetchall() == [("a",), ("x",)]  # the view reads it
    conn.execute("INSERT INTO child VALUES (12, 2)")  # the trigger on child reads parent
    assert conn.execute("SELECT msg FROM log ORDER BY rowid DESC LIMIT 1").fetchall() == [("x",)]
    conn.execute("DELETE FROM parent WHERE id = 1")  # the child's ON DELETE CASCADE points at the new table
    assert conn.execute("SELECT id FROM child ORDER BY id").fetchall() == [(11,), (12,)]
    assert conn.execute("PRAGMA legacy_alter_table").fetchone() == (0,)
    conn.close()
    assert workflows.check(config, NO_RENAMES).changes == []  # type: ignore[arg-type]


def test_a_rebuild_that_no_column_survives_keeps_the_rows(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    sqlite3.connect(db).executescript("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2);")
    config = settings_for(tmp_path, db, "CREATE TABLE t (b TEXT NOT NULL DEFAULT 'new', c INT UNIQUE);")
    result = workflows.push(config, NO_RENAMES, confirm=lambda losses: True, force=True)  # type: ignore[arg-type]
    assert result.failure is None
    assert sqlite3.connect(db).execute("SELECT b, c FROM t").fetchall() == [("new", None), ("new", None)]


@pytest.mark.parametrize(("database", "file"), [
    ("CREATE TABLE t (id INTEGER, CONSTRAINT pk_t PRIMARY KEY (id))", "CREATE TABLE t (id INTEGER, PRIMARY KEY (id))"),
    ("CREATE TABLE t (id INTEGER PRIMARY KEY)", "CREATE TABLE t (id INTEGER CONSTRAINT pk_t PRIMARY KEY)"),
    ("CREATE TABLE t (id INTEGER CONSTRAINT a PRIMARY KEY)", "CREATE TABLE t (id INTEGER CONSTRAINT b PRIMARY KEY)"),
])
def test_a_primary_key_name_is_no_drift(tmp_path: Path, database: str, file: str) -> None:
    """SQLite keeps no name for a primary key (no pragma tells it): only the text spells one."""
    db = tmp_path / "app.db"
    sqlite3.connect(db).executescript(database)
    assert workflows.check(settings_for(tmp_path, db, file), NO_RENAMES).changes == []  # type: ignore[arg-type]


def test_a_foreign_key_to_an_undefined_table_is_a_warning_and_the_rest_is_compared(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    sqlite3.connect(db).close()
    text = "CREATE TABLE child (\n  id INTEGER PRIMARY KEY,\n  p INT REFERENCES elsewhere (id)\n);\n"
    config = settings_for(tmp_path, db, text)
    result = workflows.push(config, NO_RENAMES, confirm=lambda losses: True, force=True)  # type: ignore[arg-type]
    assert result.failure is None and result.refused is None
    assert texts(db) == {"child": text.strip().rstrip(";")}
    plan = workflows.check(config, NO_RENAMES)  # type: ignore[arg-type]
    assert plan.changes == []
    [problem] = [p for p in plan.source.problems if p.code == "fk-missing-table"]
    assert (problem.severity, problem.span.start_line) == ("warning", 2)


def test_an_undefined_parent_spelled_in_other_letter_case_is_no_drift(tmp_path: Path) -> None:
    """SQLite resolves the parent without case: ELSEWHERE(ID) in the database is elsewhere(id)
    in the file, and two spellings within one file are one parent."""
    db = tmp_path / "app.db"
    sqlite3.connect(db).executescript("CREATE TABLE a (x INT REFERENCES ELSEWHERE (ID));"
                                      "CREATE TABLE b (y INT REFERENCES Elsewhere (Id));")
    file = "CREATE TABLE a (x INT REFERENCES elsewhere (id));\nCREATE TABLE b (y INT REFERENCES ELSEWHERE (ID));\n"
    assert workflows.check(settings_for(tmp_path, db, file), NO_RENAMES).changes == []  # type: ignore[arg-type]
