""""Update schema file from database" on a column: the file then says what the database
has for that table, and no line outside the column's own text changes.

Each case is checked against the real engine: the edit is applied to the file, the file
is parsed, normalized and diffed against the same database again (`run_check`), for
SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp
from schemalens.lsp.edits import update_from_database

from tests.lsp.edit_project import Project, apply, changed_lines


# --- SQLite ------------------------------------------------------------------------------

SQLITE_FILE = """-- people who sign in
CREATE TABLE users (
  id INTEGER PRIMARY KEY, -- the rowid
  email TEXT NOT NULL,    -- unique in practice
  age INTEGER,            -- years
  nickname TEXT           -- shown in the header
);
"""
SQLITE_DB = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INTEGER, nickname TEXT);"


def test_sqlite_type_change_of_a_middle_column_keeps_every_other_line(sqlite_project) -> None:
    project = sqlite_project(SQLITE_DB)
    fixed, _ = project.fix(SQLITE_FILE.replace("age INTEGER,  ", "age TEXT,     "), "alter_column:main.users.age")
    assert changed_lines(SQLITE_FILE.replace("age INTEGER,  ", "age TEXT,     "), fixed) == (
        ["  age TEXT,               -- years"], ["  age INTEGER,               -- years"])


def test_sqlite_not_null_and_default_differences(sqlite_project) -> None:
    project = sqlite_project(SQLITE_DB.replace("age INTEGER", "age INTEGER DEFAULT 18"))
    wanted = SQLITE_FILE.replace("email TEXT NOT NULL,", "email TEXT,         ")
    project_file = wanted.replace("age INTEGER,  ", "age INTEGER DEFAULT 18,")
    fixed, _ = project.fix(project_file, "alter_column:main.users.email")
    assert changed_lines(project_file, fixed)[1] == ["  email TEXT NOT NULL,             -- unique in practice"]
    fixed, _ = project.fix(SQLITE_FILE, "alter_column:main.users.age")
    assert changed_lines(SQLITE_FILE, fixed) == (["  age INTEGER,            -- years"],
                                                 ["  age INTEGER DEFAULT 18,            -- years"])


def test_sqlite_database_column_goes_after_its_predecessor(sqlite_project) -> None:
    project = sqlite_project(SQLITE_DB.replace("age INTEGER,", "age INTEGER, city TEXT,"))
    fixed, _ = project.fix(SQLITE_FILE, "drop_column:main.users.city")
    assert changed_lines(SQLITE_FILE, fixed) == ([], ["  city TEXT,"])
    assert fixed.split("\n").index("  city TEXT,") == SQLITE_FILE.split("\n").index("  age INTEGER,            -- years") + 1


def test_sqlite_database_column_after_a_last_column_with_a_comment(sqlite_project) -> None:
    project = sqlite_project(SQLITE_DB.replace("nickname TEXT", "nickname TEXT, city TEXT NOT NULL DEFAULT 'x'"))
    fixed, _ = project.fix(SQLITE_FILE, "drop_column:main.users.city")
    assert changed_lines(SQLITE_FILE, fixed) == (
        ["  nickname TEXT           -- shown in the header"],
        ["  nickname TEXT,           -- shown in the header", "  city TEXT NOT NULL DEFAULT 'x'"])


def test_sqlite_file_only_first_and_middle_columns_go_with_their_line(sqlite_project) -> None:
    project = sqlite_project("CREATE TABLE users (email TEXT NOT NULL, nickname TEXT);")
    text = ("CREATE TABLE users (\n"
            "  id INTEGER,             -- the rowid\n"
            "  email TEXT NOT NULL,    -- unique in practice\n"
            "  nickname TEXT           -- shown in the header\n"
            ");\n")
    first, _ = project.fix(text, "add_column:main.users.id")
    assert changed_lines(text, first) == (["  id INTEGER,             -- the rowid"], [])
    middle = first.replace("practice\n", "practice\n  age INTEGER, /* years, */ -- gone too\n")
    fixed, _ = project.fix(middle, "add_column:main.users.age")
    assert fixed == first


def test_sqlite_file_only_last_column_takes_the_comma_before_it(sqlite_project) -> None:
    project = sqlite_project("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INTEGER);")
    fixed, _ = project.fix(SQLITE_FILE, "add_column:main.users.nickname")
    assert changed_lines(SQLITE_FILE, fixed) == (
        ["  age INTEGER,            -- years", "  nickname TEXT           -- shown in the header"],
        ["  age INTEGER            -- years"])


def test_sqlite_column_with_inline_references_keeps_them(sqlite_project) -> None:
    db = "CREATE TABLE teams (id INTEGER PRIMARY KEY); CREATE TABLE users (id INTEGER PRIMARY KEY, team INTEGER REFERENCES teams(id));"
    text = ("CREATE TABLE teams (id INTEGER PRIMARY KEY);\n"
            "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  team TEXT NOT NULL REFERENCES teams(id) -- owner\n);\n")
    fixed, _ = sqlite_project(db).fix(text, "alter_column:main.users.team")
    assert fixed == text.replace("team TEXT NOT NULL REFERENCES", "team INTEGER REFERENCES")


ONE_LINE = "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', weight INT, note TEXT); -- tags\n"


@pytest.mark.parametrize("db, change_id, expected", [
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', weight REAL, note TEXT)",
     "alter_column:main.tags.weight", ONE_LINE.replace("weight INT", "weight REAL")),
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', weight INT, extra BLOB, note TEXT)",
     "drop_column:main.tags.extra", ONE_LINE.replace("weight INT,", "weight INT, extra BLOB,")),
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', weight INT, note TEXT, extra BLOB)",
     "drop_column:main.tags.extra", ONE_LINE.replace("note TEXT)", "note TEXT, extra BLOB)")),
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', note TEXT)",
     "add_column:main.tags.weight", ONE_LINE.replace(" weight INT,", "")),
    ("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT DEFAULT '🎉', weight INT)",
     "add_column:main.tags.note", ONE_LINE.replace(", note TEXT", "")),
])
def test_sqlite_table_on_one_line(sqlite_project, db: str, change_id: str, expected: str) -> None:
    fixed, _ = sqlite_project(db).fix(ONE_LINE, change_id)
    assert fixed == expected


def test_sqlite_first_column_of_a_one_line_table(sqlite_project) -> None:
    text = "CREATE TABLE notes (slug TEXT, body TEXT NOT NULL);\n"
    fixed, _ = sqlite_project("CREATE TABLE notes (body TEXT NOT NULL);").fix(text, "add_column:main.notes.slug")
    assert fixed == "CREATE TABLE notes (body TEXT NOT NULL);\n"


def test_sqlite_primary_key_written_as_a_table_constraint_stays_there(sqlite_project) -> None:
    text = "CREATE TABLE t (\n  id INTEGER,\n  v TEXT,\n  PRIMARY KEY (id)\n);\n"
    project = sqlite_project("CREATE TABLE t (id INTEGER, v INT, PRIMARY KEY (id));")
    fixed, _ = project.fix(text, "alter_column:main.t.v")
    assert fixed == text.replace("v TEXT", "v INT")
    fixed, _ = project.fix(text.replace("TEXT,", "TEXT, -- value"), "alter_column:main.t.v")
    assert fixed == text.replace("v TEXT,", "v INT, -- value")


def test_sqlite_column_named_elsewhere_is_not_cut_out(sqlite_project) -> None:
    """A table CHECK names the file-only column: cutting the column alone would leave
    the check pointing at nothing, so the whole statement is written from the database."""
    text = "CREATE TABLE t (\n  a INT, -- kept\n  b INT,\n  CHECK (b > 0)\n);\n"
    project = sqlite_project("CREATE TABLE t (a INT);")
    result = project.check(text)
    [change] = [c for c in result.changes if c.id == "add_column:main.t.b"]
    edit = update_from_database(result, change)
    [(_, [whole])] = edit.changes.items()
    assert whole.range.start == lsp.Position(line=0, character=0)
    assert project.check(apply(text, edit)).changes == []


# --- PostgreSQL --------------------------------------------------------------------------

PG_FILE = """-- orders as the shop sees them
CREATE TABLE orders (
    id serial PRIMARY KEY,             -- surrogate key
    customer text NOT NULL,            -- who ordered
    total numeric(10,2) DEFAULT 0,     -- in euros
    placed_at timestamptz DEFAULT now() -- -- @renamed is not here
);

COMMENT ON COLUMN orders.customer IS 'the buyer';
"""
PG_DB = """CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) DEFAULT 0,
                                   placed_at timestamptz DEFAULT now());
COMMENT ON COLUMN orders.customer IS 'the buyer';"""


def test_pg_type_change_of_a_middle_column_keeps_every_other_line(pg_project) -> None:
    text = PG_FILE.replace("total numeric(10,2) DEFAULT 0,", "total integer DEFAULT 0,")
    fixed, _ = pg_project(PG_DB).fix(text, "alter_column:public.orders.total")
    # the database's column, its default in the canonical spelling of a numeric(10,2) value
    assert fixed == PG_FILE.replace("total numeric(10,2) DEFAULT 0,", "total numeric(10,2) DEFAULT 0.00,")


def test_pg_not_null_and_default_differences(pg_project) -> None:
    project = pg_project(PG_DB)
    text = PG_FILE.replace("customer text NOT NULL,", "customer text,")
    fixed, _ = project.fix(text, "alter_column:public.orders.customer")
    assert fixed == PG_FILE
    text = PG_FILE.replace("DEFAULT now()", "DEFAULT '2020-01-01'")
    fixed, _ = project.fix(text, "alter_column:public.orders.placed_at")
    assert fixed == PG_FILE.replace("placed_at timestamptz", "placed_at timestamp with time zone")


def test_pg_serial_column_is_written_as_serial(pg_project) -> None:
    project = pg_project("CREATE TABLE counters (id serial, n integer);")
    text = "CREATE TABLE counters (\n  id integer NOT NULL, -- was serial\n  n integer\n);\n"
    fixed, _ = project.fix(text, "alter_column:public.counters.id")
    assert fixed == "CREATE TABLE counters (\n  id serial NOT NULL, -- was serial\n  n integer\n);\n"


NOTE = "    note character varying(20) DEFAULT 'x' NOT NULL"
NOTE_COMMENT = "COMMENT ON COLUMN public.orders.note IS 'it''s a note';"


@pytest.mark.parametrize("columns, expected", [
    ("id serial PRIMARY KEY, customer text NOT NULL, {note}, total numeric(10,2) DEFAULT 0, placed_at timestamptz",
     PG_FILE.replace("-- who ordered\n", f"-- who ordered\n{NOTE},\n")),
    ("id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) DEFAULT 0, placed_at timestamptz, {note}",
     PG_FILE.replace("now() -- -- @renamed is not here\n", f"now(), -- -- @renamed is not here\n{NOTE}\n")),
    # no column before it in the database: after the file's last one
    ("{note}, id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) DEFAULT 0, placed_at timestamptz",
     PG_FILE.replace("now() -- -- @renamed is not here\n", f"now(), -- -- @renamed is not here\n{NOTE}\n")),
])
def test_pg_database_column_goes_after_its_predecessor(pg_project, columns: str, expected: str) -> None:
    note = "note varchar(20) NOT NULL DEFAULT 'x'"
    columns = columns.replace("placed_at timestamptz", "placed_at timestamptz DEFAULT now()")
    project = pg_project(f"CREATE TABLE orders ({columns.format(note=note)});"
                         "COMMENT ON COLUMN orders.customer IS 'the buyer';"
                         "COMMENT ON COLUMN orders.note IS 'it''s a note';")
    fixed, _ = project.fix(PG_FILE, "drop_column:public.orders.note")
    assert fixed == expected.replace(");\n\nCOMMENT", f");\n{NOTE_COMMENT}\n\nCOMMENT")


@pytest.mark.parametrize("column, gone", [
    ("id", "    id serial,                         -- surrogate key\n"),
    ("total", "    total numeric(10,2) DEFAULT 0,     -- in euros\n"),
])
def test_pg_file_only_column_removed_with_its_line(pg_project, column: str, gone: str) -> None:
    text = PG_FILE.replace("    id serial PRIMARY KEY,             -- surrogate key\n",
                           "    id serial,                         -- surrogate key\n")
    kept = [d for d in ("id serial", "customer text NOT NULL", "total numeric(10,2) DEFAULT 0",
                        "placed_at timestamptz DEFAULT now()") if not d.startswith(column)]
    project = pg_project(f"CREATE TABLE orders ({', '.join(kept)});COMMENT ON COLUMN orders.customer IS 'the buyer';")
    fixed, _ = project.fix(text, f"add_column:public.orders.{column}")
    assert fixed == text.replace(gone, "")


def test_pg_file_only_last_column_takes_the_comma_before_it(pg_project) -> None:
    project = pg_project("CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, "
                         "total numeric(10,2) DEFAULT 0); COMMENT ON COLUMN orders.customer IS 'the buyer';")
    fixed, _ = project.fix(PG_FILE, "add_column:public.orders.placed_at")
    assert fixed == PG_FILE.replace("DEFAULT 0,     -- in euros\n    placed_at timestamptz DEFAULT now() -- -- @renamed "
                                    "is not here\n", "DEFAULT 0     -- in euros\n")


def test_pg_column_with_inline_constraints_keeps_them(pg_project) -> None:
    project = pg_project("CREATE TABLE teams (id integer PRIMARY KEY);"
                         "CREATE TABLE members (id integer PRIMARY KEY, team bigint DEFAULT 1 "
                         "REFERENCES teams ON DELETE CASCADE CHECK (team > 0));")
    text = ("CREATE TABLE teams (id integer PRIMARY KEY);\n\n"
            "CREATE TABLE members (\n  id integer PRIMARY KEY,\n"
            "  team integer REFERENCES teams ON DELETE CASCADE NOT NULL CHECK (team > 0) -- owner\n);\n")
    fixed, _ = project.fix(text, "alter_column:public.members.team")
    assert fixed == text.replace("team integer REFERENCES teams ON DELETE CASCADE NOT NULL CHECK (team > 0)",
                                 "team bigint DEFAULT 1 REFERENCES teams ON DELETE CASCADE CHECK (team > 0)")


@pytest.mark.parametrize("db, change_id, expected", [
    ("a int, b bigint, c text", "alter_column:public.t.b", "a int, b bigint, c text"),
    ("a int, b int, x date, c text", "drop_column:public.t.x", "a int, b int, x date, c text"),
    ("a int, b int, c text, x date", "drop_column:public.t.x", "a int, b int, c text, x date"),
    ("b int, c text", "add_column:public.t.a", "b int, c text"),
    ("a int, c text", "add_column:public.t.b", "a int, c text"),
    ("a int, b int", "add_column:public.t.c", "a int, b int"),
])
def test_pg_table_on_one_line(pg_project, db: str, change_id: str, expected: str) -> None:
    fixed, _ = pg_project(f"CREATE TABLE t ({db})").fix("CREATE TABLE t (a int, b int, c text); -- the t\n", change_id)
    assert fixed == f"CREATE TABLE t ({expected}); -- the t\n"


def test_sqlite_crlf_file_keeps_its_line_endings(sqlite_project) -> None:
    text = "CREATE TABLE t (\r\n  a INT, -- a\r\n  c INT -- c\r\n);\r\n"
    fixed, _ = sqlite_project("CREATE TABLE t (a INT, b TEXT, c INT);").fix(text, "drop_column:main.t.b")
    assert fixed == "CREATE TABLE t (\r\n  a INT, -- a\r\n  b TEXT,\r\n  c INT -- c\r\n);\r\n"
    fixed, _ = sqlite_project("CREATE TABLE t2 (a INT);").fix(text.replace("TABLE t ", "TABLE t2 "), "add_column:main.t2.c")
    assert fixed == "CREATE TABLE t2 (\r\n  a INT -- a\r\n);\r\n"


def test_sqlite_column_an_index_needs_gets_no_fix_that_breaks_the_index(sqlite_project) -> None:
    project = sqlite_project("CREATE TABLE t (a INT);")
    result = project.check("CREATE TABLE t (\n  a INT,\n  b INT\n);\nCREATE INDEX ib ON t (b);\n")
    [change] = [c for c in result.changes if c.kind == "add_column"]
    assert update_from_database(result, change) is None


def test_sqlite_quoted_names_and_strings_with_commas(sqlite_project) -> None:
    text = 'CREATE TABLE t (\n  "a,b" TEXT DEFAULT \'(,)\' -- odd\n  , [c)d] INT\n);\n'
    project = sqlite_project('CREATE TABLE t ("a,b" TEXT DEFAULT \'(,)\', x INT, [c)d] INT);')
    fixed, _ = project.fix(text, "drop_column:main.t.x")
    assert fixed == 'CREATE TABLE t (\n  "a,b" TEXT DEFAULT \'(,)\', x INT -- odd\n  , [c)d] INT\n);\n'


def test_pg_column_added_by_alter_table(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int, b text);")
    text = "CREATE TABLE t (\n  a int -- first\n);\nALTER TABLE t ADD COLUMN b varchar(3); -- later\n"
    fixed, _ = project.fix(text, "alter_column:public.t.b")
    assert fixed == text.replace("varchar(3)", "text")
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE t DROP COLUMN b")
    fixed, _ = project.fix(text, "add_column:public.t.b")
    assert fixed == "CREATE TABLE t (\n  a int -- first\n);\n"


def test_pg_file_only_column_goes_with_its_comment(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int, b int); COMMENT ON COLUMN t.a IS 'x';")
    text = ("CREATE TABLE t (\n  a int,\n  b int,\n  c int\n);\n"
            "COMMENT ON COLUMN t.a IS 'x';\nCOMMENT ON COLUMN public.t.c IS 'y'; -- about c\n")
    result = project.check(text)
    comment = next(c for c in result.changes if c.kind == "set_comment")
    assert update_from_database(result, comment) is None  # rewriting the table would orphan the comment
    fixed, _ = project.fix_many(text, "add_column:public.t.c")
    assert fixed == "CREATE TABLE t (\n  a int,\n  b int\n);\nCOMMENT ON COLUMN t.a IS 'x';\n"


def test_pg_quoted_names_and_dollar_quotes(pg_project) -> None:
    project = pg_project('CREATE TABLE "T,x" ("a(b" text DEFAULT $$,)$$, b int, c int);')
    text = 'CREATE TABLE "T,x" (\n  "a(b" text DEFAULT $$,)$$, -- odd\n  c int /* c, ) */\n);\n'
    fixed, _ = project.fix(text, "drop_column:public.T,x.b")
    assert fixed == 'CREATE TABLE "T,x" (\n  "a(b" text DEFAULT $$,)$$, -- odd\n  b integer,\n  c int /* c, ) */\n);\n'


# --- property: any layout, any single column change (SQLite) ---------------------------

COLUMN = st.tuples(st.sampled_from(["INT", "TEXT", "REAL", "BLOB"]), st.booleans(),
                   st.sampled_from([None, "0", "'x'"]))


def _definition(name: str, column: tuple[str, bool, str | None]) -> str:
    type_, not_null, default = column
    return f"{name} {type_}" + (" NOT NULL" if not_null else "") + (f" DEFAULT {default}" if default else "")


def _table(defs: list[str], one_line: bool, comments: list[bool]) -> str:
    if one_line:
        return f"CREATE TABLE t ({', '.join(defs)}); -- t\n"
    lines = [f"  {d}{',' if i + 1 < len(defs) else ''}" + (f" -- note {d.split()[0]}" if comments[i] else "")
             for i, d in enumerate(defs)]
    return "-- the table\nCREATE TABLE t (\n" + "\n".join(lines) + "\n);\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(COLUMN, min_size=2, max_size=5), kind=st.sampled_from(["alter", "insert", "remove"]),
       where=st.integers(min_value=0, max_value=10), one_line=st.booleans(),
       comments=st.lists(st.booleans(), min_size=6, max_size=6), data=st.data())
def test_sqlite_any_single_column_change_keeps_everything_else(tmp_path_factory, columns, kind, where, one_line,
                                                                comments, data) -> None:
    names = [f"c{i}" for i in range(len(columns))]
    db_defs = [_definition(n, c) for n, c in zip(names, columns)]
    file_defs = list(db_defs)
    target = names[where % len(names)]
    i = names.index(target)
    if kind == "alter":
        other = data.draw(COLUMN.filter(lambda c: c != columns[i]))
        file_defs[i] = _definition(target, other)
        change_id = f"alter_column:main.t.{target}"
    elif kind == "insert":  # the database has the column, the file does not
        del file_defs[i]
        change_id = f"drop_column:main.t.{target}"
    else:  # the file has the column, the database does not
        del db_defs[i]
        change_id = f"add_column:main.t.{target}"
    folder = tmp_path_factory.mktemp("prop")
    db = folder / "app.db"
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TABLE t ({', '.join(db_defs)})")
    conn.close()
    text = _table(file_defs, one_line, comments)
    fixed, _ = Project(folder, f"sqlite:///{db}").fix(text, change_id)
    for name in names:
        if name != target and f"-- note {name}" in text:
            assert f"-- note {name}" in fixed  # every other column's comment stays
    if not one_line:
        kept = [line for line in text.split("\n") if target not in line]
        changed = [line for line in kept if line not in fixed.split("\n")]
        assert len(changed) <= 1  # at most the neighbour's line, which gains or loses its comma
        assert all(line.rstrip(",").split(" --")[0].rstrip(",") in fixed for line in changed)
