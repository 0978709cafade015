"""Renames ask (issue 14, item 9): a drop + add of the same shape is a question in a
terminal, and a refusal with the way to state it everywhere else, in push and generate."""

from __future__ import annotations

import re
from pathlib import Path

from tests.db.cli.conftest import Target, write
from tests.db.cli.terminal import Terminal, piped

RENAMED = r"renamed from name\? \[y/n\]: "


def renamed_column(target: Target, tmp_path: Path) -> Path:
    target.execute("CREATE TABLE users (id int PRIMARY KEY, name text)",
                   "INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace'), (3, NULL)")
    return write(tmp_path / "schema.sql", "CREATE TABLE users (\n  id int PRIMARY KEY,\n  full_name text\n);\n")


def test_push_asks_created_or_renamed_and_keeps_the_data(target: Target, tmp_path: Path) -> None:
    schema = renamed_column(target, tmp_path)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    before = term.read_until(RENAMED)
    assert f"column {target.schema}.users.name -> full_name" in before and "2 rows hold data" in before
    assert term.quiet_for(0.5).strip() == ""
    term.answer("y")
    code, after = term.finish()
    assert code == 0, term.seen
    assert f"rename column {target.schema}.users.name to full_name" in after   # the plan, then progress
    assert "[1/1]" in after
    assert "-- @renamed from=name" in after and "schema.sql:3" in after        # the hint for the schema file
    assert target.rows("SELECT id, full_name FROM users ORDER BY id") == [(1, "Ada"), (2, "Grace"), (3, None)]


def test_force_skips_the_data_loss_question_but_still_asks_about_renames(target: Target, tmp_path: Path) -> None:
    schema = renamed_column(target, tmp_path)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), "--force", cwd=tmp_path)
    term.read_until(RENAMED)
    term.answer("n")
    code, after = term.finish()
    assert code == 0 and "Execute them" not in term.seen, term.seen
    assert target.columns("users") == ["id", "full_name"]


def test_push_answered_created_drops_only_after_the_data_loss_question(target: Target, tmp_path: Path) -> None:
    schema = renamed_column(target, tmp_path)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    term.read_until(RENAMED)
    term.answer("n")
    before = term.read_until(r"Execute them\? \[y/N\]: ")
    assert f"drop column {target.schema}.users.name" in before
    term.answer("n")
    code, _ = term.finish()
    assert code == 1, term.seen
    assert target.columns("users") == ["id", "name"]


def test_push_asks_about_a_renamed_table(target: Target, tmp_path: Path) -> None:
    target.execute("CREATE TABLE users (id int PRIMARY KEY, name text)", "INSERT INTO users VALUES (1, 'Ada')")
    schema = write(tmp_path / "schema.sql", "CREATE TABLE people (id int PRIMARY KEY, name text);\n")
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    before = term.read_until(r"renamed from users\? \[y/n\]: ")
    assert f"table {target.schema}.users -> people" in before and "1 row hold" in before
    term.answer("y")
    code, after = term.finish()
    assert code == 0, term.seen
    assert target.tables() == ["people"] and target.rows("SELECT name FROM people") == [("Ada",)]


def test_piped_push_refuses_an_unanswered_rename_even_with_force(target: Target, tmp_path: Path) -> None:
    schema = renamed_column(target, tmp_path)
    for force in ([], ["--force"]):
        done = piped("push", "--db", target.url, "--schema", str(schema), *force, cwd=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "--rename users.name=full_name" in done.stderr
        assert "-- @renamed from=name" in done.stderr and "nothing was executed" in done.stderr
        assert target.columns("users") == ["id", "name"]
    done = piped("push", "--db", target.url, "--schema", str(schema), "--rename", "users.name=full_name", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.rows("SELECT full_name FROM users WHERE id = 1") == [("Ada",)]


def test_no_renames_says_these_are_drops(target: Target, tmp_path: Path) -> None:
    schema = renamed_column(target, tmp_path)
    done = piped("push", "--db", target.url, "--schema", str(schema), "--no-renames", cwd=tmp_path)
    assert done.returncode == 1 and "rerun with --force" in done.stderr   # the data loss still needs its yes
    done = piped("push", "--db", target.url, "--schema", str(schema), "--no-renames", "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.columns("users") == ["id", "full_name"]
    assert target.rows("SELECT count(full_name) FROM users") == [(0,)]


def generated(target: Target, tmp_path: Path) -> tuple[Path, Path]:
    schema = write(tmp_path / "schema.sql", "CREATE TABLE users (id int PRIMARY KEY, name text);\n")
    migrations = tmp_path / "migrations"
    for command in (["generate", "--schema", str(schema)], ["migrate"]):
        done = piped(*command, "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    target.execute("INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace')")
    write(schema, "CREATE TABLE users (\n  id int PRIMARY KEY,\n  full_name text\n);\n")
    return schema, migrations


def test_piped_generate_refuses_an_unanswered_rename_and_writes_nothing(target: Target, tmp_path: Path) -> None:
    schema, migrations = generated(target, tmp_path)
    done = piped("generate", "--db", target.url, "--schema", str(schema), "--migrations", str(migrations),
                 cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--rename users.name=full_name" in done.stderr and "-- @renamed from=name" in done.stderr
    assert [p.name[:5] for p in migrations.glob("*.sql")] == ["0000_", "0000_"]
    assert not list((migrations / "meta").glob("0001_*"))


def test_generate_asks_and_records_the_rename_in_the_migration(target: Target, tmp_path: Path) -> None:
    schema, migrations = generated(target, tmp_path)
    term = Terminal("generate", "--db", target.url, "--schema", str(schema), "--migrations", str(migrations),
                    cwd=tmp_path)
    before = term.read_until(RENAMED)
    assert f"column {target.schema}.users.name -> full_name" in before and "2 rows hold data" in before
    term.answer("y")
    code, after = term.finish()
    assert code == 0, term.seen
    assert "-- @renamed from=name" in after and "schema.sql:3" in after
    [up] = [p for p in migrations.glob("0001_*.sql") if not p.name.endswith(".down.sql")]
    text = up.read_text()
    assert re.search(r"RENAME COLUMN \"?name\"? TO \"?full_name\"?", text), text
    assert "DROP COLUMN" not in text
    assert f"-- renamed (answered at generate): column {target.schema}.users.name -> full_name" in text
    done = piped("migrate", "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.rows("SELECT full_name FROM users ORDER BY id") == [("Ada",), ("Grace",)]


def test_generate_answered_created_writes_the_drop_with_its_warning(target: Target, tmp_path: Path) -> None:
    schema, migrations = generated(target, tmp_path)
    term = Terminal("generate", "--db", target.url, "--schema", str(schema), "--migrations", str(migrations),
                    cwd=tmp_path)
    term.read_until(RENAMED)
    term.answer("n")
    code, _ = term.finish()
    assert code == 0, term.seen
    [up] = [p for p in migrations.glob("0001_*.sql") if not p.name.endswith(".down.sql")]
    assert "-- WARNING data loss: drops column" in up.read_text()
