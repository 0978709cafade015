"""SQLite rendering: in-place ALTER TABLE where SQLite allows it, else the table rebuild."""

from __future__ import annotations

from schemalens import dialects
from schemalens.changes import Renames, Statement
from schemalens.diff import diff
from schemalens.model import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Unique


def lite(*tables: Table) -> Schema:
    return Schema("sqlite", tables=list(tables))


def t(name: str, *columns: Column, **kw: object) -> Table:
    return Table("main", name, list(columns), **kw)  # type: ignore[arg-type]


def run(a: Schema, b: Schema, renames: Renames = Renames({}, {})) -> list[Statement]:
    return dialects.get("sqlite").render(diff(a, b, renames), a, b)


def sql(a: Schema, b: Schema, renames: Renames = Renames({}, {})) -> list[str]:
    return [s.sql for s in run(a, b, renames)]


ID = Column("id", "INTEGER", False)


def test_create_table_as_declared() -> None:
    table = t("order", ID, Column("Name", "VARCHAR(20)", False, default="'x'"),
              Column("at", "TEXT", default="datetime('now')"), Column("n", "", default="-1"),
              Column("g", "INT", generated="id * 2", generated_stored=False),
              Column("parent", "INTEGER", collation="NOCASE"),
              primary_key=PrimaryKey(None, ["id"]), autoincrement=True, strict=True,
              uniques=[Unique("u_name", ["Name"])], checks=[Check(None, "n <> 0")],
              foreign_keys=[ForeignKey(None, ["parent"], "main", "order", ["id"], on_delete="SET NULL")])
    assert sql(lite(), lite(table)) == [
        'CREATE TABLE "order" (\n'
        "    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
        "    Name VARCHAR(20) NOT NULL DEFAULT 'x',\n"
        "    at TEXT DEFAULT (datetime('now')),\n"
        "    n DEFAULT -1,\n"
        "    g INT GENERATED ALWAYS AS (id * 2) VIRTUAL,\n"
        "    parent INTEGER COLLATE NOCASE,\n"
        '    CONSTRAINT u_name UNIQUE (Name),\n'
        "    CHECK (n <> 0),\n"
        '    FOREIGN KEY (parent) REFERENCES "order" (id) ON DELETE SET NULL\n'
        ") STRICT"]


def test_composite_primary_key_and_without_rowid() -> None:
    table = t("kv", Column("k", "TEXT", False), Column("v", "TEXT", False), primary_key=PrimaryKey(None, ["k", "v"]),
              without_rowid=True)
    assert sql(lite(), lite(table))[0].endswith("    PRIMARY KEY (k, v)\n) WITHOUT ROWID")


def test_in_place_column_changes() -> None:
    a = lite(t("t", ID, Column("old", "TEXT"), Column("gone", "TEXT"), primary_key=PrimaryKey(None, ["id"])))
    b = lite(t("t", ID, Column("new", "TEXT"), Column("n", "INTEGER", False, default="0"),
               Column("v", "INT", generated="id + 1", generated_stored=False), primary_key=PrimaryKey(None, ["id"])))
    statements = run(a, b, Renames({}, {("main", "t", "old"): "new"}))
    assert [s.sql for s in statements] == [
        "ALTER TABLE t RENAME COLUMN old TO new",
        "ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE t ADD COLUMN v INT GENERATED ALWAYS AS (id + 1) VIRTUAL",
        "ALTER TABLE t DROP COLUMN gone",
    ]
    assert not any(s.needs_foreign_keys_off for s in statements)


def rebuilds(a: Schema, b: Schema) -> bool:
    return any("_schemalens_old_" in s for s in sql(a, b))


def test_add_column_conditions() -> None:
    a = lite(t("t", ID))
    assert not rebuilds(a, lite(t("t", ID, Column("c", "TEXT", default="'a'"))))
    assert rebuilds(a, lite(t("t", ID, Column("c", "TEXT", False))))                      # NOT NULL, no default
    assert rebuilds(a, lite(t("t", ID, Column("c", "TEXT", default="CURRENT_TIMESTAMP"))))  # not constant
    assert rebuilds(a, lite(t("t", ID, Column("c", "TEXT", default="(lower('A'))"))))
    assert rebuilds(a, lite(t("t", ID, Column("c", "INT", generated="id", generated_stored=True))))
    assert rebuilds(a, lite(t("t", ID, Column("c", "TEXT"), uniques=[Unique(None, ["c"])])))


def test_drop_column_conditions() -> None:
    cols = [ID, Column("c", "TEXT"), Column("d", "TEXT")]
    b = lite(t("t", ID, Column("d", "TEXT")))
    assert not rebuilds(lite(t("t", *cols)), b)
    assert rebuilds(lite(t("t", *cols, indexes=[Index("i", ["d"], where="c IS NULL")])),
                    lite(t("t", ID, Column("d", "TEXT"), indexes=[Index("i", ["d"])])))
    assert rebuilds(lite(t("t", *cols, checks=[Check("k", "length(c) > 0")])), b)
    assert rebuilds(lite(t("t", *cols, uniques=[Unique(None, ["c", "d"])])), b)
    assert rebuilds(lite(t("t", *cols, primary_key=PrimaryKey(None, ["c"]))), b)
    assert not rebuilds(lite(t("t", *cols, checks=[Check("k", "length(cc) > 0")])),
                        lite(t("t", ID, Column("d", "TEXT"), checks=[Check("k", "length(cc) > 0")])))


def test_rebuild_copies_surviving_columns() -> None:
    a = lite(t("parent", ID, primary_key=PrimaryKey(None, ["id"])),
             t("p", ID, Column("name", "TEXT"), Column("gone", "TEXT"), Column("n", "TEXT"),
               primary_key=PrimaryKey(None, ["id"]), indexes=[Index("p_n", ["n"])]))
    p_b = t("people", ID, Column("full", "TEXT", renamed_from="name"), Column("n", "INTEGER", False, default="0"),
            Column("extra", "TEXT", False, default="'e'"), primary_key=PrimaryKey(None, ["id"]),
            foreign_keys=[ForeignKey(None, ["n"], "main", "parent", ["id"])],
            indexes=[Index("p_n", ["n"]), Index(None, ["full"], unique=True, where="n > 0")], renamed_from="p")
    statements = run(a, lite(a.tables[0], p_b))
    assert all(s.needs_foreign_keys_off for s in statements)
    assert len({s.change_ids for s in statements}) == 1 and len(statements[0].change_ids) > 4
    text = [s.sql.split("\n", 1)[1] if s.sql.startswith("--") else s.sql for s in statements]
    assert text == [
        "PRAGMA legacy_alter_table = ON",
        "ALTER TABLE p RENAME TO _schemalens_old_people",
        'CREATE TABLE people (\n'
        "    id INTEGER PRIMARY KEY NOT NULL,\n"
        '    "full" TEXT,\n'
        "    n INTEGER NOT NULL DEFAULT 0,\n"
        "    extra TEXT NOT NULL DEFAULT 'e',\n"
        "    FOREIGN KEY (n) REFERENCES parent (id)\n)",
        'INSERT INTO people (id, "full", n) SELECT id, name, COALESCE(n, 0) FROM _schemalens_old_people',
        "DROP TABLE _schemalens_old_people",
        "PRAGMA legacy_alter_table = OFF",
        "CREATE INDEX p_n ON people (n)",
        'CREATE UNIQUE INDEX people_full_idx ON people ("full") WHERE n > 0',
    ]
    assert statements[0].sql.split("\n", 1)[0].endswith("no trigger of it stays as it was")


def test_tables_and_indexes() -> None:
    a = lite(t("a", ID, indexes=[Index("a_id", ["id"])]), t("gone", ID))
    b = lite(t("a", ID, indexes=[Index(None, ["id DESC"], where="id > 1")]))
    statements = run(a, b)
    assert [s.sql for s in statements] == [
        "DROP INDEX a_id", "CREATE INDEX a_id_idx ON a (id DESC) WHERE id > 1", "DROP TABLE gone"]
    assert statements[-1].needs_foreign_keys_off
    assert sql(b, lite(t("b", ID, indexes=b.tables[0].indexes, renamed_from="a"))) == ["ALTER TABLE a RENAME TO b"]


def test_a_table_and_index_the_file_wrote_are_created_with_its_text() -> None:
    """SQLite keeps the statement as written: push writes the file's, not its own."""
    text = "CREATE TABLE t(\n  id integer PRIMARY KEY, -- key\n  n int\n)"
    index = Index("t_n", ['"n"'], sql="CREATE INDEX t_n ON t(n) -- by n\n")
    table = t("t", Column("id", "INTEGER"), Column("n", "INT"), primary_key=PrimaryKey(None, ["id"]),
              indexes=[index], sql=text)
    assert sql(lite(), lite(table)) == [text, "CREATE INDEX t_n ON t(n) -- by n\n"]


def test_an_added_column_is_written_as_the_table_text_writes_it() -> None:
    a = lite(t("t", ID, primary_key=PrimaryKey(None, ["id"])))
    b = lite(t("t", ID, Column("n", "Numeric(10, 2)", default="NULL"), primary_key=PrimaryKey(None, ["id"]),
               sql="CREATE TABLE t (id INTEGER PRIMARY KEY, n Numeric(10, 2) /* money */ default  null)"))
    assert sql(a, b) == ["ALTER TABLE t ADD COLUMN n Numeric(10, 2) /* money */ default  null"]


def test_index_drops_run_before_a_rebuild_that_takes_the_name() -> None:
    """(A dropped check runs before index drops: the rebuild it causes starts there.)"""
    a = lite(t("a", ID, indexes=[Index("ix", ["id"])]), t("b", ID, Column("v", "TEXT"), checks=[Check(None, "v > 0")]))
    b = lite(t("a", ID), t("b", ID, Column("v", "TEXT"), indexes=[Index("ix", ["v"])]))
    statements = sql(a, b)
    assert statements.index("DROP INDEX ix") < statements.index("CREATE INDEX ix ON b (v)")


def test_a_line_break_in_a_rebuilt_tables_name_stays_in_the_comment() -> None:
    a = lite(t("line\nbreak", ID))
    statements = sql(a, lite(t("line\nbreak", ID, checks=[Check(None, "id > 0")])))
    comment, pragma = statements[0].split("\n")
    assert comment.startswith('-- rebuild of "line\\nbreak"') and pragma == "PRAGMA legacy_alter_table = ON"
