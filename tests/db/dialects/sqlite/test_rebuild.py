"""A table rebuild against a real SQLite file: the new table has the file's own text, and what
names the table from elsewhere (foreign keys, views, triggers on other tables) still names it
and still works; rows are kept. And the SQLite facts push compares by: a primary key's name
is no drift, a foreign key to a table the files do not define is a warning."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from schemalens import history, workflows
from schemalens.changes import Renames
from schemalens.config import load_settings
from schemalens.migrations.folder import Folder
from tests import oracle

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


# --- triggers: a rebuild makes those the plan keeps again, as they were ---------------------

F1 = "CREATE TABLE item (id INTEGER PRIMARY KEY, qty INT, note TEXT);\nCREATE TABLE log (msg TEXT);\n"
F2 = "CREATE TABLE item (\n  id INTEGER PRIMARY KEY,\n  qty TEXT, -- now text: a rebuild\n  note TEXT\n);\nCREATE TABLE log (msg TEXT);\n"
WITHOUT_NOTE = "CREATE TABLE item (\n  id INTEGER PRIMARY KEY,\n  qty TEXT -- now text: a rebuild\n);\nCREATE TABLE log (msg TEXT);\n"
TRIGGERS = """CREATE TRIGGER "item before" BEFORE INSERT ON item BEGIN
  INSERT INTO log VALUES ('before ' || new.qty);
END;
CREATE TRIGGER item_after AFTER UPDATE OF qty ON "ITEM" WHEN new.qty <> old.qty BEGIN
  INSERT INTO log VALUES ('after ' || old.qty || '>' || new.qty); -- the change
END;
CREATE TRIGGER item_gone AFTER DELETE ON item BEGIN INSERT INTO log VALUES ('gone ' || old.id); END;
CREATE TRIGGER log_writes AFTER INSERT ON log WHEN new.msg = 'restock' BEGIN
  INSERT INTO item (qty, note) VALUES (1, 'restocked');
END;
CREATE VIEW stock AS SELECT id, qty FROM item;
CREATE TRIGGER stock_insert INSTEAD OF INSERT ON stock BEGIN INSERT INTO item (qty) VALUES (new.qty); END;
"""


def built(path: Path, script: str) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()
    return path


def pushed(config: object) -> workflows.PushResult:
    return workflows.push(config, NO_RENAMES, confirm=lambda losses: True, force=True)  # type: ignore[arg-type]


def test_a_rebuild_makes_the_tables_triggers_again_as_they_were(tmp_path: Path) -> None:
    """The oracle: F1 plus triggers, pushed to F2 (a rebuild), is F2 plus the same triggers;
    the rows stay, the triggers on the table, on another table and on a view over it fire."""
    db = built(tmp_path / "app.db", F1 + TRIGGERS + "INSERT INTO item VALUES (1, 5, 'a'), (2, 7, 'b');")
    config = settings_for(tmp_path, db, F2 + TRIGGERS)
    plan = workflows.check(config, NO_RENAMES)  # type: ignore[arg-type]
    assert [c.kind for c in plan.changes] == ["alter_column"]  # a rebuild, the triggers as they were
    assert "its triggers are made again as they were" in plan.statements[0].sql
    result = pushed(config)
    assert result.failure is None and result.refused is None
    direct = built(tmp_path / "direct.db", F2 + TRIGGERS)
    assert oracle.difference(oracle.sqlite_dump(db), oracle.sqlite_dump(direct)) is None
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("SELECT * FROM item ORDER BY id").fetchall() == [(1, "5", "a"), (2, "7", "b")]
    conn.execute("INSERT INTO item VALUES (3, 9, 'c')")
    conn.execute("UPDATE item SET qty = 6 WHERE id = 1")
    conn.execute("DELETE FROM item WHERE id = 2")
    conn.execute("INSERT INTO log VALUES ('restock')")  # the trigger on log writes into the new table
    conn.execute("INSERT INTO stock (qty) VALUES (4)")  # the view's INSTEAD OF trigger too
    assert [m for (m,) in conn.execute("SELECT msg FROM log ORDER BY rowid")] == [
        "before 5", "before 7", "before 9", "after 5>6", "gone 2", "restock", "before 1", "before 4"]
    assert conn.execute("SELECT qty, note FROM item WHERE id > 3 ORDER BY id").fetchall() == [
        ("1", "restocked"), ("4", None)]
    assert conn.execute("SELECT count(*) FROM stock").fetchone() == (4,)
    conn.close()
    assert workflows.check(config, NO_RENAMES).changes == []  # type: ignore[arg-type]


@given(timing=st.sampled_from(["BEFORE", "AFTER"]),
       event=st.sampled_from(["INSERT", "DELETE", "UPDATE", "UPDATE OF note", 'UPDATE OF "qty", note']),
       name=st.sampled_from(["t1", '"t 1"', "[T1]", "`t1`"]),
       when=st.sampled_from(["", " FOR EACH ROW", " WHEN 1", "\n  WHEN (SELECT count(*) FROM log) >= 0"]),
       body=st.sampled_from(["SELECT 1;", "INSERT INTO log VALUES ('x');\n  DELETE FROM log WHERE msg = 'y';",
                             "UPDATE log SET msg = msg; /* a comment; with ; */"]))
@hsettings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_trigger_on_a_rebuilt_table_comes_back_with_its_text(
        tmp_path: Path, timing: str, event: str, name: str, when: str, body: str) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    trigger = f"CREATE TRIGGER {name} {timing} {event} ON item{when} BEGIN\n  {body}\nEND;\n"
    db = built(folder / "app.db", F1 + trigger)
    assert pushed(settings_for(folder, db, F2 + trigger)).failure is None
    direct = built(folder / "direct.db", F2 + trigger)
    assert oracle.difference(oracle.sqlite_dump(db), oracle.sqlite_dump(direct)) is None


@pytest.mark.parametrize(("file", "said", "where"), [
    (WITHOUT_NOTE, "uses column note, which this change drops (", "schema.sql:1): "),
    (F2.replace("note TEXT", "remark TEXT -- @renamed from=note"),
     "uses column note, which this change renames to remark (", "schema.sql:4): "),
])
def test_a_trigger_that_a_rebuild_would_break_is_refused_before_anything_runs(
        tmp_path: Path, file: str, said: str, where: str) -> None:
    """SQLite takes CREATE TRIGGER naming a column that is not there and fails only when it
    fires: a file that keeps the trigger as it is while its column goes would have the
    rebuild make it again silently broken."""
    trigger = "CREATE TRIGGER noted AFTER INSERT ON item BEGIN INSERT INTO log VALUES (new.Note); END;"
    db = built(tmp_path / "app.db", F1 + trigger + "INSERT INTO item VALUES (1, 5, 'a');")
    before = oracle.sqlite_dump(db)
    result = pushed(settings_for(tmp_path, db, file + trigger))
    assert result.refused is not None and not result.executed
    assert f"trigger main.noted on item {said}{tmp_path / where}" in result.refused
    assert oracle.sqlite_dump(db) == before
    assert sqlite3.connect(db).execute("SELECT * FROM item").fetchall() == [(1, 5, "a")]


def test_a_trigger_naming_a_kept_column_in_a_string_only_is_no_refusal(tmp_path: Path) -> None:
    trigger = "CREATE TRIGGER noted AFTER INSERT ON item BEGIN INSERT INTO log VALUES ('note'); END;"
    db = built(tmp_path / "app.db", F1 + trigger)
    result = pushed(settings_for(tmp_path, db, WITHOUT_NOTE + trigger))
    assert result.refused is None and result.failure is None
    assert texts(db)["noted"] == trigger.rstrip(";")


def test_a_trigger_the_file_changes_with_its_column_is_made_from_the_file_not_again_as_it_was(
        tmp_path: Path) -> None:
    old = "CREATE TRIGGER noted AFTER INSERT ON item BEGIN INSERT INTO log VALUES (new.note); END;"
    new = "CREATE TRIGGER noted AFTER INSERT ON item BEGIN INSERT INTO log VALUES (new.qty); END;"
    db = built(tmp_path / "app.db", F1 + old + "INSERT INTO item VALUES (1, 5, 'a');")
    config = settings_for(tmp_path, db, WITHOUT_NOTE + new)
    plan = workflows.check(config, NO_RENAMES)  # type: ignore[arg-type]
    assert "no trigger of it stays as it was" in next(s.sql for s in plan.statements if "rebuild" in s.sql)
    result = pushed(config)
    assert result.refused is None and result.failure is None
    assert oracle.difference(oracle.sqlite_dump(db), oracle.sqlite_dump(built(tmp_path / "d.db", WITHOUT_NOTE + new))) \
        is None
    assert sqlite3.connect(db).execute("SELECT * FROM item").fetchall() == [(1, "5")]


def test_a_trigger_added_since_the_last_read_is_not_rebuilt_away(tmp_path: Path) -> None:
    """The catalog is cached by its repr: a trigger alone must change the key."""
    db = built(tmp_path / "app.db", F1)
    config = settings_for(tmp_path, db, F2 + TRIGGERS)
    workflows.check(config, NO_RENAMES)  # type: ignore[arg-type]
    built(db, TRIGGERS)
    assert pushed(config).failure is None
    assert oracle.difference(oracle.sqlite_dump(db), oracle.sqlite_dump(built(tmp_path / "d.db", F2 + TRIGGERS))) is None


def test_a_migration_generated_from_snapshots_makes_the_triggers_again(tmp_path: Path) -> None:
    """generate diffs against the last snapshot, which holds the triggers the files defined:
    the rebuild in the migration makes them again, and migrate gives the file's database."""
    db = tmp_path / "app.db"
    config = load_settings({"database_url": f"sqlite:///{db}", "schema": [str(tmp_path / "schema.sql")],
                            "dialect": "sqlite", "migrations": str(tmp_path / "migrations")}, start=tmp_path, environ={})
    (tmp_path / "schema.sql").write_text(F1 + TRIGGERS, encoding="utf-8")
    history.generate(config, NO_RENAMES, name="init")  # type: ignore[arg-type]
    (tmp_path / "schema.sql").write_text(F2 + TRIGGERS, encoding="utf-8")
    result = history.generate(config, NO_RENAMES, name="rebuild")  # type: ignore[arg-type]
    up = Folder(config.migrations).up_path(result.tag or "").read_text()  # type: ignore[attr-defined]
    assert "-- rebuild of item: SQLite cannot make this change in place; its triggers are made again" in up
    assert history.migrate(config).failure is None  # type: ignore[arg-type]
    built(db, "DROP TABLE schemalens_migrations;")  # the ledger: not the file's
    assert oracle.difference(oracle.sqlite_dump(db), oracle.sqlite_dump(built(tmp_path / "d.db", F2 + TRIGGERS))) is None


def test_a_trigger_on_a_table_a_rebuild_renames_is_made_on_the_new_name(tmp_path: Path) -> None:
    """The file's trigger names the new table: the old one goes before the rebuild, the
    file's is made after it."""
    trigger = "CREATE TRIGGER counted AFTER INSERT ON {} BEGIN SELECT 1; END;"
    db = built(tmp_path / "app.db", F1 + trigger.format("item"))
    wanted = F2.replace("CREATE TABLE item (", "-- @renamed from=item\nCREATE TABLE goods (") + trigger.format("goods")
    result = pushed(settings_for(tmp_path, db, wanted))
    assert result.refused is None and result.failure is None
    assert texts(db)["counted"] == trigger.format("goods").rstrip(";")


@pytest.mark.parametrize("keys", ["PRIMARY KEY (a), UNIQUE (a, b)", "PRIMARY KEY (a), UNIQUE (b, a)",
                                  "PRIMARY KEY (a), UNIQUE (a)"])
def test_a_key_column_sqlite_cannot_rename_in_place_is_renamed_by_a_rebuild(tmp_path: Path, keys: str) -> None:
    """SQLite 3.40 refuses RENAME COLUMN of a WITHOUT ROWID table's key column that a UNIQUE
    constraint holds too: push rebuilds the table instead, and makes what the file makes."""
    from tests.db.oracle_contract import transition

    before = f"CREATE TABLE t (a INTEGER NOT NULL, b TEXT, {keys}) WITHOUT ROWID;\n"
    after = before.replace("a INTEGER NOT NULL", "a_new INTEGER NOT NULL /* @renamed from=a */") \
        .replace("(a)", "(a_new)").replace("(a, b)", "(a_new, b)").replace("(b, a)", "(b, a_new)")
    assert transition("sqlite", before, after, "", tmp_path) is None
