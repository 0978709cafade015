""""Update schema file from database" on a constraint: the database's constraint goes
at the end of the CREATE TABLE list, the file's comes out (a table-level element with
one comma, or just its clause from a column), a changed one is replaced; no other line
changes. Each case is re-checked against the same real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from schemalens.lsp.edits import update_from_database

from tests.lsp.conftest import by_code, diagnostics, save_file
from tests.lsp.test_actions import actions, setup
from tests.lsp.edit_project import Project, apply, changed_lines


# --- SQLite ------------------------------------------------------------------------------

TEAMS = "CREATE TABLE teams (id INTEGER PRIMARY KEY);\n"
USERS = TEAMS + """-- people who sign in
CREATE TABLE users (
  id INTEGER PRIMARY KEY, -- the rowid
  email TEXT NOT NULL,    -- unique in practice
  team_id INTEGER         -- owner
);
"""
USERS_DB = "CREATE TABLE teams (id INTEGER PRIMARY KEY); CREATE TABLE users (id INTEGER PRIMARY KEY, " \
           "email TEXT NOT NULL, team_id INTEGER{})"


@pytest.mark.parametrize("constraint", [
    "UNIQUE (email)", "CHECK (length(email) > 3)", "FOREIGN KEY (team_id) REFERENCES teams (id)",
    "CONSTRAINT one_per_team UNIQUE (team_id, email)",
])
def test_sqlite_database_constraint_goes_at_the_end_of_a_commented_table(sqlite_project, constraint: str) -> None:
    project = sqlite_project(USERS_DB.format(", " + constraint))
    [change] = [c for c in project.check(USERS).changes if c.kind == "drop_constraint"]
    fixed, _ = project.fix(USERS, change.id)
    written = constraint
    assert changed_lines(USERS, fixed) == (["  team_id INTEGER         -- owner"],
                                           ["  team_id INTEGER,         -- owner", f"  {written}"])


@pytest.mark.parametrize("constraint", ["UNIQUE (label)", "CHECK (weight > 0)", "FOREIGN KEY (id) REFERENCES tags (id)"])
def test_sqlite_database_constraint_on_a_one_line_table(sqlite_project, constraint: str) -> None:
    text = "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT, weight INT); -- tags\n"
    project = sqlite_project(f"CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT, weight INT, {constraint})")
    [change] = [c for c in project.check(text).changes]
    fixed, _ = project.fix(text, change.id)
    assert fixed == text.replace("weight INT)", f"weight INT, {constraint})")


CONSTRAINED = """CREATE TABLE t (
  a INT,            -- first
  b INT,            -- second
  UNIQUE (a, b),    -- pairs
  CHECK (a < b),    -- ordered
  CHECK (b < 100)   -- small
);
"""


@pytest.mark.parametrize("gone, line", [
    ("UNIQUE (a, b)", "  UNIQUE (a, b),    -- pairs"),
    ("CHECK (a < b)", "  CHECK (a < b),    -- ordered"),
])
def test_sqlite_file_only_table_constraint_in_the_middle_goes_with_its_line(sqlite_project, gone: str,
                                                                           line: str) -> None:
    kept = [c for c in ("UNIQUE (a, b)", "CHECK (a < b)", "CHECK (b < 100)") if c != gone]
    project = sqlite_project(f"CREATE TABLE t (a INT, b INT, {', '.join(kept)})")
    [change] = project.check(CONSTRAINED).changes
    fixed, _ = project.fix(CONSTRAINED, change.id)
    assert fixed == CONSTRAINED.replace(line + "\n", "")


def test_sqlite_file_only_last_table_constraint_takes_the_comma_before_it(sqlite_project) -> None:
    project = sqlite_project("CREATE TABLE t (a INT, b INT, UNIQUE (a, b), CHECK (a < b))")
    [change] = project.check(CONSTRAINED).changes
    fixed, _ = project.fix(CONSTRAINED, change.id)
    assert fixed == CONSTRAINED.replace("  CHECK (a < b),    -- ordered\n  CHECK (b < 100)   -- small\n",
                                        "  CHECK (a < b)    -- ordered\n")


@pytest.mark.parametrize("column, kept", [
    ("email TEXT UNIQUE", "email TEXT"),
    ("email TEXT UNIQUE NOT NULL", "email TEXT NOT NULL"),
    ("email TEXT CONSTRAINT one UNIQUE ON CONFLICT ABORT DEFAULT 'x'", "email TEXT DEFAULT 'x'"),
    ("x INT CHECK (x > 0)", "x INT"),
    ("x INT CHECK (x > 0) CHECK (x < 9)", "x INT CHECK (x < 9)"),
    ("user_id INT REFERENCES users (id) ON DELETE CASCADE", "user_id INT"),
])
def test_sqlite_file_only_inline_constraint_leaves_its_column(sqlite_project, column: str, kept: str) -> None:
    text = f"CREATE TABLE users (id INTEGER PRIMARY KEY);\nCREATE TABLE t (\n  id INT, -- key\n  {column} -- it\n);\n"
    project = sqlite_project(f"CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE t (id INT, {kept})")
    [change] = project.check(text).changes
    fixed, _ = project.fix(text, change.id)
    assert fixed == text.replace(column, kept)


@pytest.mark.parametrize("file, db, expected", [
    ("  CHECK (a < b)     -- ordered", "CHECK (a <= b)", "  CHECK (a <= b)     -- ordered"),
    ("  b INT CHECK (b > 0) -- second", "CHECK (b > 1)", None),
])
def test_sqlite_check_whose_expression_differs(sqlite_project, file: str, db: str, expected: str | None) -> None:
    text = f"CREATE TABLE t (\n  a INT,            -- first\n{file}\n);\n"
    if "b INT" not in file:
        text = text.replace("-- first\n", "-- first\n  b INT,\n")
    project = sqlite_project(f"CREATE TABLE t (a INT, b INT, {db})")
    for change in project.check(text).changes:  # either half of the pair fixes both
        fixed, _ = project.fix_many(text, change.id)
        if expected is not None:
            assert changed_lines(text, fixed) == ([file], [expected])
        else:
            assert changed_lines(text, fixed) == ([file], ["  b INT, -- second", f"  {db}"])


def test_sqlite_key_a_foreign_key_points_at_is_left_alone(sqlite_project) -> None:
    """SQLite lets a database's foreign key point at a column without a key, the schema
    file source does not: neither cutting the clause nor rewriting the table is safe."""
    text = ("CREATE TABLE teams (id INTEGER, code TEXT UNIQUE);\n"
            "CREATE TABLE users (team TEXT REFERENCES teams (code));\n")
    project = sqlite_project("CREATE TABLE teams (id INTEGER, code TEXT);"
                             "CREATE TABLE users (team TEXT REFERENCES teams (code));")
    result = project.check(text)
    [change] = result.changes
    assert update_from_database(result, change) is None


# --- PostgreSQL --------------------------------------------------------------------------

PG_USERS = """CREATE TABLE teams (id integer PRIMARY KEY);

-- people who sign in
CREATE TABLE users (
    id integer PRIMARY KEY,   -- surrogate key
    email text NOT NULL,      -- 📧 unique in practice
    team_id integer           -- owner
);
"""
PG_USERS_DB = "CREATE TABLE teams (id integer PRIMARY KEY); CREATE TABLE users (id integer PRIMARY KEY, " \
              "email text NOT NULL, team_id integer{})"


@pytest.mark.parametrize("constraint, written", [
    ("UNIQUE (email)", "UNIQUE (email)"),
    ("CHECK (length(email) > 3)", "CHECK (length(email) > 3)"),
    ("FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL",
     "FOREIGN KEY (team_id) REFERENCES public.teams (id) ON DELETE SET NULL"),
    ("CONSTRAINT one_per_team UNIQUE (team_id, email)", "CONSTRAINT one_per_team UNIQUE (team_id, email)"),
])
def test_pg_database_constraint_goes_at_the_end_of_a_commented_table(pg_project, constraint: str,
                                                                      written: str) -> None:
    project = pg_project(PG_USERS_DB.format(", " + constraint))
    [change] = project.check(PG_USERS).changes
    fixed, _ = project.fix(PG_USERS, change.id)
    assert changed_lines(PG_USERS, fixed) == (["    team_id integer           -- owner"],
                                              ["    team_id integer,           -- owner", f"    {written}"])


def test_pg_database_primary_key_on_a_one_line_table(pg_project) -> None:
    text = "CREATE TABLE t (a int NOT NULL, b text); -- the t\n"
    fixed, _ = pg_project("CREATE TABLE t (a int, b text, PRIMARY KEY (a))").fix(text, "drop_constraint:public.t.t_pkey")
    assert fixed == "CREATE TABLE t (a int NOT NULL, b text, PRIMARY KEY (a)); -- the t\n"


PG_CONSTRAINED = """CREATE TABLE t (
    a int,                         -- first
    b int,                         -- second
    CONSTRAINT pair UNIQUE (a, b), -- pairs
    CHECK (a < b),                 -- ordered
    CHECK (b < 100)                -- small
);
"""


@pytest.mark.parametrize("db, change_id, line", [
    ("CHECK (a < b), CHECK (b < 100)", "add_constraint:public.t.pair", "    CONSTRAINT pair UNIQUE (a, b), -- pairs\n"),
    ("CONSTRAINT pair UNIQUE (a, b), CHECK (b < 100)", "add_constraint:public.t.t_check",
     "    CHECK (a < b),                 -- ordered\n"),
])
def test_pg_file_only_table_constraint_in_the_middle(pg_project, db: str, change_id: str, line: str) -> None:
    fixed, _ = pg_project(f"CREATE TABLE t (a int, b int, {db})").fix(PG_CONSTRAINED, change_id)
    assert fixed == PG_CONSTRAINED.replace(line, "")


def test_pg_file_only_last_table_constraint_takes_the_comma_before_it(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int, b int, CONSTRAINT pair UNIQUE (a, b), CHECK (a < b))")
    [change] = project.check(PG_CONSTRAINED).changes
    fixed, _ = project.fix(PG_CONSTRAINED, change.id)
    assert changed_lines(PG_CONSTRAINED, fixed) == (
        ["    CHECK (a < b),                 -- ordered", "    CHECK (b < 100)                -- small"],
        ["    CHECK (a < b)                 -- ordered"])


@pytest.mark.parametrize("column, kept", [
    ("email text UNIQUE", "email text"),
    ("email text UNIQUE NOT NULL", "email text NOT NULL"),
    ("email text CONSTRAINT one UNIQUE DEFERRABLE INITIALLY DEFERRED DEFAULT 'x'", "email text DEFAULT 'x'"),
    ("x int CHECK (x > 0)", "x int"),
    ("x int NOT NULL CHECK (x > 0) COLLATE \"C\"", "x int NOT NULL COLLATE \"C\""),
    ("user_id int REFERENCES users (id) ON DELETE CASCADE", "user_id int"),
])
def test_pg_file_only_inline_constraint_leaves_its_column(pg_project, column: str, kept: str) -> None:
    if "COLLATE" in column:
        column, kept = column.replace("int", "text"), kept.replace("int", "text")
    text = f"CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE t (\n    id int, -- key\n    {column} -- it\n);\n"
    project = pg_project(f"CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE t (id int, {kept})")
    [change] = project.check(text).changes
    fixed, _ = project.fix(text, change.id)
    assert fixed == text.replace(column, kept)


def test_pg_check_whose_expression_differs_is_replaced_in_place(pg_project) -> None:
    text = "CREATE TABLE t (\n    a int, -- first\n    b int, -- second\n    CHECK (a < b) -- ordered\n);\n"
    project = pg_project("CREATE TABLE t (a int, b int, CHECK (a <= b))")
    changes = project.check(text).changes
    assert sorted(c.kind for c in changes) == ["add_constraint", "drop_constraint"]
    for change in changes:
        fixed, _ = project.fix_many(text, change.id)
        assert fixed == text.replace("CHECK (a < b)", "CHECK (a <= b)")


def test_pg_named_constraint_keeps_its_name_and_inline_one_moves_to_the_list(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int CONSTRAINT positive CHECK (a > 1), b int)")
    text = "CREATE TABLE t (\n    a int CONSTRAINT positive CHECK (a > 0), -- first\n    b int -- second\n);\n"
    fixed, _ = project.fix_many(text, "drop_constraint:public.t.positive")
    assert fixed == ("CREATE TABLE t (\n    a int, -- first\n    b int, -- second\n"
                     "    CONSTRAINT positive CHECK (a > 1)\n);\n")


def test_pg_constraint_added_by_alter_table(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int, b int)")
    text = "CREATE TABLE t (\n    a int,\n    b int\n);\nALTER TABLE t ADD CONSTRAINT a_first CHECK (a < b); -- later\n"
    fixed, _ = project.fix(text, "add_constraint:public.t.a_first")
    assert fixed == "CREATE TABLE t (\n    a int,\n    b int\n);\n"
    with psycopg.connect(project.url, autocommit=True) as conn:
        conn.execute("ALTER TABLE t ADD CONSTRAINT a_first CHECK (a <= b)")
    fixed, _ = project.fix_many(text, "add_constraint:public.t.a_first")
    assert fixed == text.replace("(a < b)", "(a <= b)")


def test_pg_constraint_another_statement_names_is_left_alone(pg_project) -> None:
    project = pg_project("CREATE TABLE t (a int)")
    text = ("CREATE TABLE t (\n    a int,\n    CONSTRAINT pos CHECK (a > 0) NOT VALID\n);\n"
            "ALTER TABLE t VALIDATE CONSTRAINT pos;\n")
    result = project.check(text)
    [change] = result.changes
    assert update_from_database(result, change) is None  # neither cut out nor rewritten away


# --- over the protocol -------------------------------------------------------------------


async def test_update_a_constraint_from_the_database_over_the_protocol(client, project: Path) -> None:
    text = ("CREATE TABLE users (\n"
            "  id INTEGER PRIMARY KEY, -- 🔑 the rowid\n"
            "  email TEXT NOT NULL     -- unique in practice\n"
            ");\n")
    db_sql = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, UNIQUE (email));"
    _, schema, _ = await setup(client, project, db_sql, text)
    [extra] = by_code(client, schema, "extra-constraint")
    [update] = [a for a in await actions(client, schema, [extra])
                if a.title.startswith("Update schema file from database")]

    fixed = apply(text, update.edit)
    assert fixed == text.replace("NOT NULL     -- unique", "NOT NULL,     -- unique").replace(
        "practice\n", "practice\n  UNIQUE (email)\n")
    status = await save_file(client, schema, fixed)
    assert status.state == "in-sync", diagnostics(client, schema)


# --- property: any layout, any single constraint change (SQLite) ----------------------

CONSTRAINT = st.tuples(st.sampled_from(["check", "unique"]), st.integers(0, 3), st.integers(0, 3), st.booleans())


def _clause(kind: str, column: int, bound: int, inline: bool) -> str:
    body = f"CHECK (c{column} > {bound})" if kind == "check" else "UNIQUE" + ("" if inline else f" (c{column})")
    return body


def _layout(columns: int, constraints: list[tuple[str, int, int, bool]], one_line: bool) -> str:
    defs = [f"c{i} INT" + "".join(f" {_clause(k, c, b, True)}" for k, c, b, inline in constraints
                                  if inline and c == i) for i in range(columns)]
    defs += [_clause(k, c, b, False) for k, c, b, inline in constraints if not inline]
    if one_line:
        return f"CREATE TABLE t ({', '.join(defs)}); -- t\n"
    lines = [f"  {d}{',' if i + 1 < len(defs) else ''} -- note {i}" for i, d in enumerate(defs)]
    return "-- the table\nCREATE TABLE t (\n" + "\n".join(lines) + "\n);\n"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.integers(2, 4), constraints=st.lists(CONSTRAINT, max_size=3), extra=CONSTRAINT,
       kind=st.sampled_from(["insert", "remove", "replace"]), one_line=st.booleans(), data=st.data())
def test_sqlite_any_single_constraint_change_keeps_everything_else(tmp_path_factory, columns, constraints, extra,
                                                                    kind, one_line, data) -> None:
    def shape(c: tuple[str, int, int, bool]) -> tuple[str, int, int]:
        return c[0], c[1] % columns, c[2] if c[0] == "check" else 0

    constraints = list({shape(c): (*shape(c), c[3]) for c in constraints}.values())
    extra = (*shape(extra), extra[3])
    file_side, db_side = list(constraints), list(constraints)
    if kind == "insert":
        assume(shape(extra) not in map(shape, constraints))
        db_side.append(extra)
    elif kind == "remove":
        assume(shape(extra) not in map(shape, constraints))
        file_side.append(extra)
    else:
        checks = [c for c in constraints if c[0] == "check"]
        assume(checks)
        old = data.draw(st.sampled_from(checks))
        new = ("check", old[1], old[2] + 10, old[3])
        db_side = [new if c == old else c for c in constraints]
    folder = tmp_path_factory.mktemp("prop")
    db = folder / "app.db"
    conn = sqlite3.connect(db)
    conn.execute(_layout(columns, db_side, True).split(";")[0])
    conn.close()
    project = Project(folder, f"sqlite:///{db}")
    text = _layout(columns, file_side, one_line)
    changes = project.check(text).changes
    assert len(changes) == (2 if kind == "replace" else 1)
    fixed, _ = project.fix_many(text, changes[0].id)
    if one_line:
        assert len(fixed.split("\n")) == len(text.split("\n"))
        return
    ops = difflib.SequenceMatcher(None, text.split("\n"), fixed.split("\n")).get_opcodes()
    before = [line for tag, i, j, _, _ in ops if tag != "equal" for line in text.split("\n")[i:j]]
    after = [line for tag, _, _, i, j in ops if tag != "equal" for line in fixed.split("\n")[i:j]]
    # the element itself, a neighbour's comma, and the database's new last line
    assert len(before) <= 2 and len(after) <= 3, (before, after)
    gone = [line for line in before if line.strip().startswith(("CHECK", "UNIQUE")) and kind == "remove"]
    for note in re.findall(r"-- note \d+", text):
        assert note in fixed or any(note in line for line in gone)  # no other element's comment goes
