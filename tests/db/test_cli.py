"""The CLI's contract: exit codes, refusals that change nothing, errors without tracebacks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from tests.cli_runner import invoke


def run(*args: str, cwd: Path | None = None, input: str | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process from `cwd` (config is found from the working directory)."""
    import os

    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = invoke(list(args), input=input, env={"DATABASE_URL": ""})
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def pg_rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_check_push_check_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", """
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE,
                            mood mood DEFAULT 'ok', created timestamptz DEFAULT now());
        CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            author int REFERENCES users(id) ON DELETE CASCADE,
                            title text CHECK (length(title) > 0));
        CREATE INDEX ON posts (lower(title)) WHERE author IS NOT NULL;
    """)
    code, out, _ = run("check", "--db", pg_url, "--schema", str(schema))
    assert code == 1 and "users" in out
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema))
    assert code == 0, out + err
    code, out, _ = run("check", "--db", pg_url, "--schema", str(schema))
    assert code == 0, out
    code, out, _ = run("push", "--db", pg_url, "--schema", str(schema))
    assert code == 0 and "nothing to do" in out


def test_push_refuses_data_loss_without_confirmation_and_changes_nothing(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE keep (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO keep VALUES (1, 'precious'), (2, NULL)")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE keep (id int PRIMARY KEY);")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), input="n\n")
    assert code == 1, out + err
    assert "note" in err and "1 row" in err
    # the line the editor's question shows too
    assert "  - drops column public.keep.note and its values (1 row hold data)" in err
    assert pg_rows(pg_url, "SELECT id, note FROM keep ORDER BY id") == [(1, "precious"), (2, None)]
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 0, out + err
    assert pg_rows(pg_url, "SELECT count(*) FROM information_schema.columns WHERE table_name='keep'") == [(1,)]


def test_stated_rename_keeps_the_data(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE users (id int PRIMARY KEY, name text)")
        conn.execute("INSERT INTO users VALUES (1, 'Ada')")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE users (id int PRIMARY KEY, full_name text);")
    code, out, err = run("check", "--db", pg_url, "--schema", str(schema))
    assert code == 1 and "rename" in out
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--rename", "users.name=full_name")
    assert code == 0, out + err
    assert pg_rows(pg_url, "SELECT full_name FROM users") == [("Ada",)]


def test_failed_push_rolls_back_everything(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, code text)")
        conn.execute("INSERT INTO t VALUES (1, 'x'), (2, 'x')")
    schema = write(tmp_path / "schema.sql",
                   "CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE);\nCREATE TABLE other (id int);")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 3, out + err
    assert "rolled back" in err and "Traceback" not in err
    assert pg_rows(pg_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'other'") == [(0,)]


def test_database_kept_by_migrations_needs_force(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE schemalens_migrations (name text)")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE a (id int);")
    code, _, err = run("push", "--db", pg_url, "--schema", str(schema))
    assert code == 1 and "migrations" in err
    assert pg_rows(pg_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'a'") == [(0,)]
    code, _, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 0, err


@pytest.mark.parametrize("args, message", [
    (["--db", "postgresql://bob:hunter2@127.0.0.1:1/x"], "bob:***@127.0.0.1:1"),
    (["--db", "mysql://x/y"], "cannot tell the dialect"),
    (["--schema", "/nonexistent/schema.sql"], "does not exist"),
])
def test_usage_and_connection_errors_exit_2_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    for command in ("check", "push", "diff"):
        code, out, err = run(command, *args, cwd=tmp_path)
        assert code == 2, (command, out, err)
        assert message in err and "Traceback" not in err and "hunter2" not in out + err


def test_wrong_password_is_masked(pg_server_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS pwuser")
        conn.execute("CREATE ROLE pwuser LOGIN PASSWORD 'right'")
    # The test server trusts every local connection, so a wrong password still logs in;
    # what matters is that it never shows, whatever the outcome.
    url = pg_server_url.replace("postgres@", "pwuser:wr0ng-secret@")
    code, out, err = run("check", "--db", url, "--schema", str(write(tmp_path / "s.sql", "")))
    assert "wr0ng-secret" not in out + err


def test_malformed_schema_file_is_exit_2_and_database_untouched(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (id int)")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE t (id int,, name text);\n")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 2 and "schema.sql:1" in err and "Traceback" not in err
    assert pg_rows(pg_url, "SELECT count(*) FROM pg_tables WHERE tablename='t'") == [(1,)]


def test_read_only_user_gets_a_clear_failure(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS reader")
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute("CREATE TABLE t (id int)")
        conn.execute("GRANT SELECT ON t TO reader")
    url = pg_url.replace("postgres@", "reader@")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE t (id int, extra text);")
    code, out, err = run("push", "--db", url, "--schema", str(schema), "--force")
    assert code == 3, out + err
    assert "must be owner" in err or "permission denied" in err
    assert pg_rows(pg_url, "SELECT count(*) FROM information_schema.columns WHERE table_name='t'") == [(1,)]


def test_sqlite_default_project_needs_no_configuration(tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    code, out, err = run("push", cwd=tmp_path)
    assert code == 0, out + err
    db = tmp_path / ".schemalens" / "dev.db"
    assert sqlite3.connect(db).execute("SELECT name FROM sqlite_schema WHERE type='table'").fetchall() == [("notes",)]
    assert run("check", cwd=tmp_path)[0] == 0


def test_pull_round_trips(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("""
            CREATE SCHEMA app;
            CREATE TYPE app.state AS ENUM ('a', 'b');
            CREATE TABLE app.parent (id bigserial PRIMARY KEY, s app.state NOT NULL DEFAULT 'a',
                                     label varchar(20) UNIQUE CHECK (label <> ''));
            CREATE TABLE app.child (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                                    parent_id bigint REFERENCES app.parent ON DELETE SET NULL,
                                    at timestamp(3) DEFAULT CURRENT_TIMESTAMP);
            CREATE INDEX child_parent ON app.child (parent_id DESC NULLS LAST) WHERE parent_id IS NOT NULL;
            COMMENT ON TABLE app.child IS 'the child''s table';
        """)
    out_file = tmp_path / "pulled.sql"
    code, _, err = run("pull", "--db", pg_url, "--output", str(out_file))
    assert code == 0, err
    code, out, err = run("check", "--db", pg_url, "--schema", str(out_file))
    assert code == 0, out + err + out_file.read_text()


def test_console_script_runs_as_a_module(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "schemalens", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "push" in done.stdout


def test_an_edited_schema_file_is_read_again_not_served_from_the_cache(tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);")
    assert run("push", cwd=tmp_path)[0] == 0
    assert run("check", cwd=tmp_path)[0] == 0
    assert list((tmp_path / ".schemalens" / "cache").glob("*.pickle"))
    write(schema, "CREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT);")
    code, out, _ = run("check", cwd=tmp_path)
    assert code == 1 and "note" in out


def test_unknown_type_is_warned_then_refused_by_the_database_leaving_it_unchanged(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE keep (id int)")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE keep (id int);\nCREATE TABLE t (id int, name citext);\n")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert "citext" in err  # the parser's warning, before anything runs
    assert code == 3 and 'citext" does not exist' in err and "Traceback" not in err
    assert pg_rows(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") == [("keep",)]


def test_extensions_only_in_the_database_are_left_alone(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE EXTENSION hstore")
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, attrs hstore)")
    schema = write(tmp_path / "schema.sql", "CREATE EXTENSION IF NOT EXISTS citext;\n"
                                            "CREATE TABLE t (id int PRIMARY KEY, attrs hstore);\n")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 0, out + err
    assert pg_rows(pg_url, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1") == [
        ("citext",), ("hstore",)]
    assert run("check", "--db", pg_url, "--schema", str(schema))[0] == 0


def test_extension_types_in_the_platforms_schema_are_not_drift(pg_server_url: str, pg_url: str, tmp_path: Path) -> None:
    """Supabase-style: extensions live in schema `extensions`, found through the search_path."""
    name = pg_url.rpartition("/")[2]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA extensions")
        conn.execute("CREATE EXTENSION citext SCHEMA extensions")
        conn.execute(f'ALTER DATABASE "{name}" SET search_path = public, extensions')
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, email citext)")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE t (id int PRIMARY KEY, email citext, alias citext);")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 0, out + err
    assert "email" not in out  # only the new column
    assert run("check", "--db", pg_url, "--schema", str(schema))[0] == 0


def test_push_names_the_unmanaged_object_a_failing_statement_needs(pg_url: str, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", """CREATE FUNCTION next_code() RETURNS text
LANGUAGE sql AS $$ SELECT 'c' || floor(random() * 1000)::text $$;

CREATE TABLE coupons (id int PRIMARY KEY, code text NOT NULL DEFAULT next_code());
""")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert "not managed" in err  # the function is reported when the file is read
    assert code == 3, out + err
    assert "next_code" in err and "schema.sql:1" in err and "create it in the database first" in err
    assert pg_rows(pg_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'coupons'") == [(0,)]


def test_database_messages_with_brackets_are_printed_as_text(pg_url: str, tmp_path: Path) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, code text)")
        conn.execute("INSERT INTO t VALUES (1, '[/red]'), (2, '[/red]')")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE);")
    code, out, err = run("push", "--db", pg_url, "--schema", str(schema), "--force")
    assert code == 3, out + err
    assert "[/red]" in err and "Traceback" not in err


def test_sqlite_text_spelled_otherwise_is_no_drift_and_a_real_change_still_is(tmp_path: Path) -> None:
    """SQLite stores CREATE statements as written: a database made by another tool (or a
    schema file run through a formatter) spells the same checks and defaults otherwise."""
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript("""CREATE TABLE t (id INTEGER PRIMARY KEY, Price INT CHECK(Price>0) DEFAULT(0),
        made TEXT DEFAULT(DATETIME('now')), kind TEXT CHECK(kind IN('a','b')), n INT DEFAULT -1);
        CREATE INDEX t_p ON t(lower(kind) DESC) WHERE Price>10;
        INSERT INTO t (Price, kind) VALUES (5, 'a');""")
    conn.close()
    schema = write(tmp_path / "schema.sql", """create table t (
      id integer primary key,
      Price int check (PRICE > 0) default (0),  -- any case names the column
      made text default (datetime( 'now' )),
      kind text check (kind in ('a', 'b')),
      n int default -1
    );
    create index t_p on t (LOWER(kind) desc) where price > 10;
    """)
    url = f"sqlite:///{db}"
    assert run("check", "--db", url, "--schema", str(schema))[0] == 0
    code, out, _ = run("push", "--db", url, "--schema", str(schema))
    assert code == 0 and ("nothing to do" in out.lower() or "in sync" in out.lower()), out
    assert sqlite3.connect(db).execute("SELECT Price, kind FROM t").fetchall() == [(5, "a")]
    write(schema, schema.read_text().replace("price > 10", "price > 11"))
    code, out, _ = run("check", "--db", url, "--schema", str(schema))
    assert code == 1 and "t_p" in out


def test_pushing_one_change_of_a_rebuilt_sqlite_table_never_loses_data_unasked(tmp_path: Path) -> None:
    """SQLite makes most table changes by rebuilding the table to its desired shape: the
    editor's "push this change" then carries the table's other changes too, and a drop
    among them is asked about like any other (it used to run unasked)."""
    from schemalens import workflows
    from schemalens.changes import Renames
    from schemalens.config import load_settings

    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, legacy TEXT);"
                       "INSERT INTO t VALUES (1, 5, 'keep me');")
    conn.close()
    write(tmp_path / "schema.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT CHECK (n > 0));\n")
    write(tmp_path / "schemalens.toml", f'database_url = "sqlite:///{db}"\n')
    settings = load_settings(start=tmp_path)
    plan = workflows.push(settings, Renames({}, {}), confirm=lambda _: False, dry_run=True).plan
    [check] = [c.id for c in plan.changes if c.kind == "add_constraint"]
    asked: list[object] = []
    declined = workflows.push(settings, Renames({}, {}), confirm=lambda losses: asked.append(losses) or False,
                              change_ids=[check])
    assert asked and not declined.executed
    assert sqlite3.connect(db).execute("SELECT * FROM t").fetchall() == [(1, 5, "keep me")]
    done = workflows.push(settings, Renames({}, {}), confirm=lambda _: True, change_ids=[check])
    assert done.executed and sorted(c.kind for c in done.changes) == ["add_constraint", "drop_column"]
    assert sqlite3.connect(db).execute("SELECT * FROM t").fetchall() == [(1, 5)]


def test_check_reports_a_foreign_key_without_an_index_in_text_and_json(tmp_path: Path) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'app.db'}"
    schema = write(tmp_path / "s.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                                       "CREATE TABLE posts (id INTEGER PRIMARY KEY,\n"
                                       "  author INTEGER REFERENCES users (id));\n")
    assert run("push", "--db", url, "--schema", str(schema))[0] == 0
    code, out, _ = run("check", "--db", url, "--schema", str(schema))
    assert code == 0, out  # lint informs; only drift fails the check
    assert "in sync" in out
    assert f"{schema}:3:18: info: foreign key main.posts (author) has no index on its columns" in out
    assert "[fk-without-index]" in out
    code, out, _ = run("check", "--db", url, "--schema", str(schema), "--json")
    report = json.loads(out)
    assert code == 0 and report["in_sync"]
    [finding] = report["lint"]
    assert finding == {"severity": "info", "code": "fk-without-index", "file": str(schema), "line": 3,
                       "column": 18, "end_line": 3, "end_column": 39, "change_id": None,
                       "message": "foreign key main.posts (author) has no index on its columns: deleting or "
                                  "updating a row of users scans all of posts"}


def test_check_json_lists_a_changes_hazards_and_its_lint(pg_url: str, tmp_path: Path) -> None:
    import json

    schema = write(tmp_path / "s.sql", "CREATE TABLE t (id int PRIMARY KEY, note text);\n")
    assert run("push", "--db", pg_url, "--schema", str(schema))[0] == 0
    write(schema, "CREATE TABLE t (id int PRIMARY KEY);\n")
    code, out, _ = run("check", "--db", pg_url, "--schema", str(schema), "--json")
    report = json.loads(out)
    assert code == 1
    [change] = report["changes"]
    assert change["data_loss"] == "drops column public.t.note and its values"
    assert change["hazards"] == [{"kind": "data-loss", "object": "public.t.note",
                                  "detail": "drops column public.t.note and its values"}]
    assert report["lint"] == [{"severity": "warning", "code": "data-loss", "file": str(schema), "line": 1,
                               "column": 14, "end_line": 1, "end_column": 15, "change_id": change["id"],
                               "message": "push would lose data: drops column public.t.note and its values"}]
