"""migrate / status / rollback / resolve / reset against real PostgreSQL and SQLite,
with hand-written migration files (the engine's generate is tested separately)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from schemalens import history
from schemalens.config import Settings, load_settings
from schemalens.migrations.folder import Entry, Folder, Journal, chain_hash, checksum_text, now_iso
from schemalens.model import Column, PrimaryKey, Schema, Table

CLI = [sys.executable, "-m", "schemalens"]


# --- helpers shared by the test_migrate_* files ----------------------------------------


@pytest.fixture(params=["postgresql", "sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'app.db'}"


def make_settings(url: str, project: Path, schema: Path | None = None) -> Settings:
    overrides: dict[str, Any] = {"database_url": url, "migrations": str(project / "migrations")}
    if schema is not None:
        overrides["schema"] = [str(schema)]
    return load_settings(overrides, start=project, environ={})


def dialect_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def add_migration(settings: Settings, slug: str, sql: str, snapshot: Schema | None = None,
                  down: str | None = None) -> str:
    """Append a hand-written migration to the journal, as generate --custom + rehash would."""
    folder = Folder(settings.migrations)
    journal = folder.read_journal() if folder.exists() else Journal(settings.dialect)
    idx = len(journal.entries)
    tag = f"{idx:04d}_{slug}"
    folder.path.mkdir(parents=True, exist_ok=True)
    folder.up_path(tag).write_text(sql, encoding="utf-8")
    if down is not None:
        folder.down_path(tag).write_text(down, encoding="utf-8")
    if snapshot is not None:
        folder.write_snapshot(idx, snapshot)
    entry = Entry(idx, tag, checksum_text(sql), now_iso(), "")
    entry.hash = chain_hash(journal.head, entry)
    journal.entries.append(entry)
    folder.write_journal(journal)
    return tag


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def execute(url: str, sql: str) -> None:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript(sql)
        conn.close()
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        rows = query(url, "SELECT name FROM sqlite_schema WHERE type = 'table'")
    else:
        rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in rows} - {"schemalens_migrations"}


def recorded(url: str) -> list[str]:
    return [r[0] for r in query(url, "SELECT name FROM schemalens_migrations ORDER BY idx")]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def users_schema(dialect: str, *names: str) -> Schema:
    schema = "public" if dialect == "postgresql" else "main"
    type_ = "integer" if dialect == "postgresql" else "INTEGER"
    return Schema(dialect, tables=[Table(schema, n, [Column("id", type_, nullable=dialect == "sqlite")],
                                         primary_key=PrimaryKey(None, ["id"])) for n in names])


# --- happy path -------------------------------------------------------------------------


def test_applies_pending_in_order_once(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    add_migration(settings, "posts", "-- schemalens:statement\nCREATE TABLE posts (id integer PRIMARY KEY);\n"
                                     "-- schemalens:statement\nINSERT INTO posts VALUES (1);\n")
    result = history.migrate(settings)
    assert result.exit_code == 0 and [t for t, _ in result.applied] == ["0000_users", "0001_posts"]
    assert tables(db_url) == {"users", "posts"}
    assert recorded(db_url) == ["0000_users", "0001_posts"]
    again = history.migrate(settings)
    assert again.exit_code == 0 and again.applied == []
    assert query(db_url, "SELECT count(*) FROM posts") == [(1,)]
    states = history.status(settings).assessment.states
    assert [(s.tag, s.state) for s in states] == [("0000_users", "applied"), ("0001_posts", "applied")]
    add_migration(settings, "later", "CREATE TABLE later (id integer);")
    assert [(t) for t, _ in history.migrate(settings).applied] == ["0002_later"]


def test_cli_exit_codes_and_status_json(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    before = cli("status", "--db", db_url, "--json", cwd=tmp_path)
    assert before.returncode == 1, before.stderr  # pending
    assert [m["state"] for m in json.loads(before.stdout)["migrations"]] == ["pending"]
    done = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "applied 0000_users" in done.stderr  # a plain log when not on a terminal
    assert cli("migrate", "--db", db_url, cwd=tmp_path).returncode == 0
    (tmp_path / "garbage.db").write_bytes(b"not a database, not at all" * 100)
    bad_url = ("postgresql://nobody:secret@127.0.0.1:1/x" if dialect_of(db_url) == "postgresql"
               else f"sqlite:///{tmp_path / 'garbage.db'}")
    unreachable = cli("migrate", "--db", bad_url, "--dialect", dialect_of(db_url), cwd=tmp_path)
    assert unreachable.returncode == 2 and "secret" not in unreachable.stderr + unreachable.stdout


def test_wrong_dialect_is_refused(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    journal = json.loads(Folder(settings.migrations).journal_path.read_text())
    journal["dialect"] = "sqlite" if settings.dialect == "postgresql" else "postgresql"
    Folder(settings.migrations).journal_path.write_text(json.dumps(journal))
    result = history.migrate(settings)
    assert result.exit_code == 1 and "was written for" in (result.refused or "")
    assert tables(db_url) == set()


# --- failures ----------------------------------------------------------------------------


def test_failing_statement_rolls_back_that_migration_only(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    add_migration(settings, "broken", "-- header\n"
                                      "-- schemalens:statement\n"
                                      "CREATE TABLE posts (id integer PRIMARY KEY);\n"
                                      "-- schemalens:statement\n"
                                      "INSERT INTO posts VALUES (1);\n"
                                      "-- schemalens:statement\n"
                                      "INSERT INTO posts (id, nope) VALUES (2, 3);\n")
    result = history.migrate(settings)
    assert result.exit_code == 3 and [t for t, _ in result.applied] == ["0000_users"]
    failure = result.failure
    assert failure is not None and failure.migration.tag == "0001_broken"
    assert failure.location.startswith(str(settings.migrations / "0001_broken.sql") + ":7:")
    assert "nope" in failure.error.message
    assert tables(db_url) == {"users"}          # nothing of 0001 remains
    assert recorded(db_url) == ["0000_users"]
    if settings.dialect == "postgresql":          # the database's position inside the statement
        assert failure.location.endswith(":7:24")
    proc = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert proc.returncode == 3
    assert "0001_broken.sql:7:" in proc.stderr and "nothing of this migration remains" in proc.stderr
    # fixed file (pending, edited on purpose) + rehash: the rerun succeeds
    fixed = (settings.migrations / "0001_broken.sql").read_text().replace("(id, nope) VALUES (2, 3)", "VALUES (2)")
    (settings.migrations / "0001_broken.sql").write_text(fixed)
    assert history.migrate(settings).exit_code == 1  # refused until the edit is recorded
    assert history.rehash(settings) == ["0001_broken"]
    assert history.migrate(settings).exit_code == 0
    assert query(db_url, "SELECT count(*) FROM posts") == [(2,)]


def test_edited_after_apply_is_refused(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    tag = add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    history.migrate(settings)
    (settings.migrations / f"{tag}.sql").write_text("CREATE TABLE users (id bigint PRIMARY KEY);")
    add_migration(settings, "posts", "CREATE TABLE posts (id integer);")
    result = history.migrate(settings)
    assert result.exit_code == 1 and "0000_users.sql: edited after it was applied" in (result.refused or "")
    assert "posts" not in tables(db_url)
    history.rehash(settings)  # rehash does not launder an applied file: the database has the truth
    assert history.migrate(settings).exit_code == 1
    proc = cli("migrate", "--db", db_url, cwd=tmp_path)
    assert proc.returncode == 1 and "0000_users.sql" in proc.stderr


def test_missing_file_is_reported(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    tag = add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    history.migrate(settings)
    (settings.migrations / f"{tag}.sql").unlink()
    result = history.migrate(settings)
    assert result.exit_code == 1 and "0000_users.sql: applied, but its file is gone" in (result.refused or "")
    state = {s.tag: s.state for s in history.status(settings).assessment.states}
    assert state == {"0000_users": "missing"}


def test_record_without_file_or_journal_entry_is_reported_and_resolvable(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    history.migrate(settings)
    other = make_settings(db_url, tmp_path / "other")
    (tmp_path / "other").mkdir()
    add_migration(other, "elsewhere", "CREATE TABLE t (id integer);")
    result = history.migrate(other)
    assert result.exit_code == 1 and "0000_users: applied to the database but not in the migrations folder" in (
        result.refused or "")
    assert history.resolve(other, rolled_back="0000_users").exit_code == 0
    assert history.migrate(other).exit_code == 0


def test_out_of_order_needs_the_flag(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "a", "CREATE TABLE a (id integer);")
    add_migration(settings, "c", "CREATE TABLE c (id integer);")
    history.migrate(settings)
    # a branch merge brings in a migration that sorts before the applied 0001_c
    folder = Folder(settings.migrations)
    journal = folder.read_journal()
    (settings.migrations / "0001_b.sql").write_text("CREATE TABLE b (id integer);")
    journal.entries[1:1] = [Entry(1, "0001_b", checksum_text("CREATE TABLE b (id integer);"), now_iso(), "")]
    journal.rechain()
    folder.write_journal(journal)
    result = history.migrate(settings)
    assert result.exit_code == 1 and "0001_b.sql: pending, but sorts before" in (result.refused or "")
    assert "b" not in tables(db_url)
    assert {s.tag: s.state for s in history.status(settings).assessment.states}["0001_b"] == "out-of-order"
    ok = history.migrate(settings, out_of_order=True)
    assert ok.exit_code == 0 and [t for t, _ in ok.applied] == ["0001_b"]


def test_broken_journal_chain_is_refused(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "a", "CREATE TABLE a (id integer);")
    data = json.loads(Folder(settings.migrations).journal_path.read_text())
    data["entries"][0]["tag"] = "0000_renamed"
    (settings.migrations / "0000_a.sql").rename(settings.migrations / "0000_renamed.sql")
    Folder(settings.migrations).journal_path.write_text(json.dumps(data))
    result = history.migrate(settings)
    assert result.exit_code == 1 and "hash chain breaks at 0000_renamed" in (result.refused or "")


def test_existing_relation_stops_before_executing_and_baseline_adopts(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    dialect = settings.dialect
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);", users_schema(dialect, "users"))
    add_migration(settings, "posts", "CREATE TABLE posts (id integer PRIMARY KEY);",
                  users_schema(dialect, "users", "posts"))
    execute(db_url, "CREATE TABLE users (id integer PRIMARY KEY)")  # pushed, or made by hand
    result = history.migrate(settings)
    assert result.exit_code == 1
    assert "0000_users.sql creates table" in (result.refused or "") and "--baseline" in (result.refused or "")
    assert tables(db_url) == {"users"}
    # baseline refuses while the database does not match the migrations' end state
    refused = history.migrate(settings, baseline=True)
    assert refused.exit_code == 1 and "does not match" in (refused.refused or "")
    # resolve the first one (the database matches the state after it), then apply the rest
    assert history.resolve(settings, applied="0000").exit_code == 0
    assert history.migrate(settings).applied[0][0] == "0001_posts"
    methods = query(db_url, "SELECT name, method FROM schemalens_migrations ORDER BY idx")
    assert methods == [("0000_users", "resolved"), ("0001_posts", "applied")]


def test_baseline_records_everything_when_the_database_matches(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);",
                  users_schema(settings.dialect, "users"))
    execute(db_url, "CREATE TABLE users (id integer PRIMARY KEY)")
    proc = cli("migrate", "--db", db_url, "--baseline", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "0000_users" in proc.stdout
    assert query(db_url, "SELECT method, execution_ms FROM schemalens_migrations") == [("baseline", 0)]
    assert history.migrate(settings).applied == []


def test_rollback_runs_the_down_file_and_refuses_irreversible(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);",
                  down="-- schemalens:irreversible drops the users' data\nDROP TABLE users;")
    add_migration(settings, "posts", "CREATE TABLE posts (id integer PRIMARY KEY);", down="DROP TABLE posts;")
    history.migrate(settings)
    result = history.rollback(settings)
    assert result.exit_code == 0 and result.rolled_back == "0001_posts"
    assert tables(db_url) == {"users"} and recorded(db_url) == ["0000_users"]
    refused = history.rollback(settings)
    assert refused.exit_code == 1 and "irreversible: drops the users' data" in (refused.refused or "")
    assert tables(db_url) == {"users"}
    assert cli("rollback", "--db", db_url, cwd=tmp_path).returncode == 1
    assert [t for t, _ in history.migrate(settings).applied] == ["0001_posts"]


def test_failing_down_file_leaves_the_migration_applied(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);",
                  down="DROP TABLE users;\nDROP TABLE not_there;")
    history.migrate(settings)
    result = history.rollback(settings)
    assert result.exit_code == 3 and result.failure is not None
    assert result.failure.location.startswith(str(settings.migrations / "0000_users.down.sql") + ":2:")
    assert tables(db_url) == {"users"} and recorded(db_url) == ["0000_users"]


def test_dry_run_reports_failures_and_keeps_nothing(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    add_migration(settings, "broken", "CREATE TABLE posts (id integer);\nSELECT * FROM nope;")
    result = history.migrate(settings, dry_run=True)
    assert result.exit_code == 3 and result.failure is not None
    assert result.failure.location.startswith(str(settings.migrations / "0001_broken.sql") + ":2:")
    assert tables(db_url) == set()
    Path(settings.migrations / "0001_broken.sql").write_text("CREATE TABLE posts (id integer);")
    history.rehash(settings)
    ok = cli("migrate", "--db", db_url, "--dry-run", cwd=tmp_path)
    assert ok.returncode == 0 and "dry run ok" in ok.stdout
    assert tables(db_url) == set()
    assert not history.status(settings).assessment.applied


def test_backup_is_written_before_applying(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    history.migrate(settings)
    execute(db_url, "INSERT INTO users VALUES (7)")
    add_migration(settings, "drop", "DROP TABLE users;")
    target = tmp_path / "backups" / "before.dump"
    result = history.migrate(settings, backup=target)
    assert result.exit_code == 0, result.refused
    assert target.stat().st_size > 0
    if settings.dialect == "sqlite":
        with sqlite3.connect(target) as conn:
            assert conn.execute("SELECT id FROM users").fetchall() == [(7,)]
    else:
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True)
        assert "TABLE public users" in listing.stdout


def test_backup_failure_stops_before_applying(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(pg_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump to be found
    result = history.migrate(settings, backup=tmp_path / "b.dump")
    assert result.exit_code == 1 and "pg_dump" in (result.refused or "")
    assert tables(pg_url) == set()


def test_reset_needs_force_then_rebuilds(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    add_migration(settings, "users", "CREATE TABLE users (id integer PRIMARY KEY);",
                  users_schema(settings.dialect, "users"))
    history.migrate(settings)
    execute(db_url, "INSERT INTO users VALUES (1)")
    refused = cli("reset", "--db", db_url, cwd=tmp_path)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert query(db_url, "SELECT count(*) FROM users") == [(1,)]
    done = cli("reset", "--db", db_url, "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert query(db_url, "SELECT count(*) FROM users") == [(0,)]
    assert recorded(db_url) == ["0000_users"]


def test_statements_outside_the_transaction_are_reported_when_a_later_one_fails(pg_url: str, tmp_path: Path) -> None:
    settings = make_settings(pg_url, tmp_path)
    add_migration(settings, "mood", "CREATE TYPE mood AS ENUM ('sad');")
    sql = ("-- schemalens:statement\n-- schemalens:no-transaction\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';\n"
           "-- schemalens:statement\nCREATE TABLE t (m mood DEFAULT 'happy');\n"
           "-- schemalens:statement\nSELECT nope FROM t;\n")
    tag = add_migration(settings, "happy", sql)
    result = history.migrate(settings)
    assert result.exit_code == 3 and result.failure is not None
    assert [p.line for p in result.failure.partial] == [3]       # the enum value stayed, committed
    assert "t" not in tables(pg_url) and recorded(pg_url) == ["0000_mood"]
    proc = cli("migrate", "--db", pg_url, cwd=tmp_path)
    assert proc.returncode == 3 and "had already committed and stay (line 3)" in proc.stderr
    (settings.migrations / f"{tag}.sql").write_text(sql.replace("SELECT nope FROM t", "SELECT m FROM t"))
    history.rehash(settings)
    assert history.migrate(settings).exit_code == 0             # IF NOT EXISTS makes the rerun safe
    assert query(pg_url, "SELECT enum_range(NULL::mood)::text") == [("{sad,happy}",)]
