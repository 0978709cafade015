"""Exit codes are the CLI's contract with scripts and CI; a refused command changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.db.cli.shell import cli, execute, tables, write

LEDGER = "schemalens_migrations"


def project(tmp_path: Path, schema: str, url: str = "") -> None:
    """A project whose commands use `url` (else the default SQLite file), with its first migration."""
    if url:
        write(tmp_path / "schemalens.toml", f'database_url = "{url}"\n')
    write(tmp_path / "schema.sql", schema)
    done = cli("generate", "--name", "init", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


# --- refusals change nothing -------------------------------------------------------------


def test_a_refused_baseline_leaves_no_ledger_and_push_still_works(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    execute(db_url, "CREATE TABLE other (id integer)")
    refused = cli("migrate", "--baseline", "--db", db_url, cwd=tmp_path)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "nothing was recorded" in refused.stderr
    assert tables(db_url) == {"other"}
    pushed = cli("push", "--force", "--no-renames", "--db", db_url, cwd=tmp_path)  # other is no old users
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "kept by migrations" not in pushed.stderr


def test_a_refused_resolve_leaves_no_ledger(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    applied = cli("resolve", "--applied", "0000", "--db", db_url, cwd=tmp_path)
    assert applied.returncode == 1 and "does not match" in applied.stderr
    forgotten = cli("resolve", "--rolled-back", "0000_init", "--db", db_url, cwd=tmp_path)
    assert forgotten.returncode == 1 and "is not recorded as applied" in forgotten.stderr
    assert tables(db_url) == set()


def test_a_migrate_refused_for_integrity_leaves_no_ledger(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    write(tmp_path / "migrations" / "0001_by_hand.sql", "CREATE TABLE t (id integer);")  # not in the journal
    refused = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert refused.returncode == 1 and "0001_by_hand" in refused.stderr
    assert tables(db_url) == set()


def test_a_failed_first_migration_leaves_no_ledger(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    execute(db_url, "CREATE TABLE keep (id integer)")
    write(tmp_path / "migrations" / "0000_init.sql", "CREATE TABLE users (id integer PRIMARY KEY);\n"
                                                     "-- schemalens:statement\nSELECT * FROM nowhere;\n")
    assert cli("rehash", cwd=tmp_path).returncode == 0
    failed = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    assert tables(db_url) == {"keep"}


def test_reset_without_force_changes_nothing(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    assert cli("migrate", "--db", db_url, cwd=tmp_path).returncode == 0
    execute(db_url, "INSERT INTO users VALUES (1)")
    reset = cli("reset", "--db", db_url, cwd=tmp_path)
    assert reset.returncode == 1 and "--force" in reset.stderr
    assert tables(db_url) == {"users", LEDGER}


def test_push_refused_on_a_migrations_database_changes_nothing(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    assert cli("migrate", "--db", db_url, cwd=tmp_path).returncode == 0
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE more (id integer);")
    refused = cli("push", "--db", db_url, cwd=tmp_path)
    assert refused.returncode == 1 and "kept by migrations" in refused.stderr
    assert tables(db_url) == {"users", LEDGER}


# --- check and status ----------------------------------------------------------------------


def test_check_with_a_folder_whose_journal_is_gone_is_an_error(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    assert cli("push", "--db", db_url, cwd=tmp_path).returncode == 0  # the database matches the files
    (tmp_path / "migrations" / "meta" / "_journal.json").unlink()
    for command in ("check", "status", "migrate"):
        done = cli(command, "--db", db_url, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "_journal.json does not exist" in done.stderr


def test_status_exit_codes(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);", db_url)
    assert cli("status", "--db", db_url, cwd=tmp_path).returncode == 1  # pending
    assert cli("migrate", "--db", db_url, cwd=tmp_path).returncode == 0
    assert cli("status", "--db", db_url, cwd=tmp_path).returncode == 0  # clean
    up = tmp_path / "migrations" / "0000_init.sql"
    up.write_text(up.read_text() + "\n-- edited after it was applied\n")
    edited = cli("status", "--db", db_url, cwd=tmp_path)
    assert edited.returncode == 4 and "edited after it was applied" in edited.stderr
    up.unlink()
    assert cli("status", "--db", db_url, cwd=tmp_path).returncode == 4  # missing
    assert cli("status", "--db", db_url, "--migrations", str(tmp_path / "nowhere"), cwd=tmp_path).returncode == 2


def test_out_of_order_is_status_4_and_migrate_refuses_changing_nothing(db_url: str, tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE a (id integer);", db_url)
    write(tmp_path / "schema.sql", "CREATE TABLE a (id integer);\nCREATE TABLE b (id integer);")
    assert cli("generate", "--name", "b", cwd=tmp_path).returncode == 0
    # 0001 recorded, 0000 not: what a branch merge leaves
    execute(db_url, "CREATE TABLE a (id integer)")
    assert cli("resolve", "--applied", "0000", "--db", db_url, cwd=tmp_path).returncode == 0
    execute(db_url, "CREATE TABLE b (id integer)")
    assert cli("resolve", "--applied", "0001", "--db", db_url, cwd=tmp_path).returncode == 0
    assert cli("resolve", "--rolled-back", "0000_init", "--db", db_url, cwd=tmp_path).returncode == 0
    done = cli("status", "--db", db_url, cwd=tmp_path)
    assert done.returncode == 4 and "out-of-order" in done.stdout, done.stdout + done.stderr
    refused = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert refused.returncode == 1 and "--out-of-order" in refused.stderr
    assert tables(db_url) == {"a", "b", LEDGER}
    assert cli("status", "--db", db_url, cwd=tmp_path).returncode == 4


# --- renames -------------------------------------------------------------------------------


@pytest.mark.parametrize("renames, missing", [
    (["usrs=people", "people.name=full_name"], "no table {s}.usrs in the database"),
    (["users=peeple", "people.name=full_name"], "no table {s}.peeple in the schema files"),
    (["users=people", "people.nme=full_name"], "no column nme of table {s}.people in the database"),
    (["users=people", "people.name=fullname"], "no column {s}.people.fullname in the schema files"),
])
def test_a_rename_naming_nothing_is_a_usage_error(db_url: str, tmp_path: Path, renames: list[str],
                                                  missing: str) -> None:
    execute(db_url, "CREATE TABLE users (id integer PRIMARY KEY, name text)")
    write(tmp_path / "schema.sql", "CREATE TABLE people (id integer PRIMARY KEY, full_name text);")
    schema = "main" if db_url.startswith("sqlite") else "public"
    flags = [part for rename in renames for part in ("--rename", rename)]
    for command in ("check", "diff", "push"):
        done = cli(command, "--db", db_url, *flags, *(["--force"] if command == "push" else []), cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert missing.format(s=schema) in done.stderr
    assert tables(db_url) == {"users"}


def test_a_rename_already_done_can_be_stated_again(db_url: str, tmp_path: Path) -> None:
    execute(db_url, "CREATE TABLE users (id integer PRIMARY KEY, name text)")
    write(tmp_path / "schema.sql", "CREATE TABLE people (id integer PRIMARY KEY, full_name text);")
    renames = ["--rename", "users=people", "--rename", "people.name=full_name"]
    assert cli("push", "--db", db_url, *renames, cwd=tmp_path).returncode == 0
    again = cli("push", "--db", db_url, *renames, cwd=tmp_path)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr


def test_generate_checks_renames_against_the_last_migration(tmp_path: Path) -> None:
    project(tmp_path, "CREATE TABLE users (id integer PRIMARY KEY);")
    write(tmp_path / "schema.sql", "CREATE TABLE people (id integer PRIMARY KEY);")
    done = cli("generate", "--rename", "usrs=people", cwd=tmp_path)
    assert done.returncode == 2 and "no table main.usrs in the last migration" in done.stderr


# --- configuration and SQLite ------------------------------------------------------------


def test_an_invalid_lock_timeout_is_a_configuration_error(pg_url: str, tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE a (id integer);")
    done = cli("push", "--db", pg_url, cwd=tmp_path, env={"SCHEMALENS_LOCK_TIMEOUT": "5 sec"})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "lock_timeout '5 sec' (from environment)" in done.stderr and "foreign key" not in done.stderr
    write(tmp_path / "schemalens.toml", 'lock_timeout = "5S"\n')
    done = cli("migrate", "--db", pg_url, cwd=tmp_path)
    assert done.returncode == 2 and "lock_timeout '5S' (from schemalens.toml)" in done.stderr
    assert tables(pg_url) == set()


def test_reading_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE a (id integer);")
    dev = tmp_path / ".schemalens" / "dev.db"
    for command in ("check", "diff"):
        done = cli(command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "dev.db does not exist" in done.stderr and "schemalens push" in done.stderr
        assert not dev.exists(), command
    assert cli("generate", cwd=tmp_path).returncode == 0
    for command in ("check", "status"):  # a database not created yet has every migration pending
        assert cli(command, cwd=tmp_path).returncode in (4, 1), command
        assert not dev.exists(), command
    for command in ("rollback", "resolve --applied 0000", "migrate --baseline"):
        assert cli(*command.split(), cwd=tmp_path).returncode == 2, command
        assert not dev.exists(), command
    assert cli("migrate", cwd=tmp_path).returncode == 0
    assert dev.exists()


def test_sqlite_rebuild_errors_name_the_users_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    execute(url, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, NULL);")
    write(tmp_path / "schema.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    done = cli("push", "--force", "--db", url, cwd=tmp_path)
    assert done.returncode == 3, done.stdout + done.stderr
    [failed] = [line for line in done.stderr.splitlines() if line.startswith("failed")]
    assert "NOT NULL constraint failed: notes.body" in failed and "_schemalens_old_" not in failed
    assert sqlite3.connect(tmp_path / "app.db").execute("SELECT * FROM notes").fetchall() == [(1, None)]
