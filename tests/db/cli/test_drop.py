"""`schemalens drop`: the last migration goes (files, snapshot, journal entry, chain head)
only when no database we can see has it applied; every refusal changes nothing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from schemalens import history
from schemalens.changes import Renames
from schemalens.config import Settings
from schemalens.migrations.folder import Folder
from tests.db.test_cli import run
from tests.db.test_migrate_apply import db_url, make_settings  # noqa: F401 (fixture)

NO_RENAMES = Renames({}, {})


def two_migrations(url: str, project: Path) -> Settings:
    """0000 creates users, 0001 adds a column; nothing is applied."""
    schema = project / "schema.sql"
    settings = make_settings(url, project, schema)
    schema.write_text("CREATE TABLE users (id integer PRIMARY KEY);", encoding="utf-8")
    history.generate(settings, NO_RENAMES, name="users")
    schema.write_text("CREATE TABLE users (id integer PRIMARY KEY, name text);", encoding="utf-8")
    history.generate(settings, NO_RENAMES, name="user names")
    return settings


def folder_state(settings: Settings) -> dict[str, bytes]:
    root = Path(settings.migrations)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def drop(settings: Settings, *args: str) -> tuple[int, str, str]:
    return run("drop", "--db", settings.database_url, "--migrations", str(settings.migrations), *args)


def test_drop_removes_the_last_pending_migration_and_mends_the_journal(db_url: str, tmp_path: Path) -> None:
    settings = two_migrations(db_url, tmp_path)
    folder = Folder(settings.migrations)
    assert history.migrate(settings).exit_code == 0
    settings.schema[0].write_text("CREATE TABLE users (id integer PRIMARY KEY, name text, bio text);")
    pending = history.generate(settings, NO_RENAMES, name="bios").tag
    before = folder.read_journal()
    code, out, err = drop(settings, "--yes")
    assert code == 0, out + err
    assert f"dropped {pending}" in out
    assert "checked schemalens_migrations" in err and "2 migration(s) recorded" in err
    assert sorted(folder_state(settings)) == ["0000_users.down.sql", "0000_users.sql", "0001_user_names.down.sql",
                                              "0001_user_names.sql", "meta/0000_snapshot.json",
                                              "meta/0001_snapshot.json", "meta/_journal.json"]
    journal = folder.read_journal()
    assert journal.entries == before.entries[:-1] and not journal.chain_breaks()
    assert json.loads(folder.journal_path.read_text())["head"] == before.entries[1].hash
    assert history.status(settings).assessment.problems == []
    assert history.generate(settings, NO_RENAMES, name="bios").tag == pending  # the number is free again


def test_drop_refuses_an_applied_migration_and_changes_nothing(db_url: str, tmp_path: Path) -> None:
    settings = two_migrations(db_url, tmp_path)
    assert history.migrate(settings).exit_code == 0
    kept = folder_state(settings)
    code, out, err = drop(settings, "--yes")
    assert code == 2
    assert "0001_user_names is applied" in err and "schemalens rollback" in err
    assert folder_state(settings) == kept
    assert history.rollback(settings).exit_code == 0  # the way out the message names
    assert drop(settings, "--yes")[0] == 0


def test_drop_without_a_readable_database_needs_force_and_says_the_risk(tmp_path: Path) -> None:
    settings = two_migrations("postgresql://nobody:secret@127.0.0.1:9/app", tmp_path)
    kept = folder_state(settings)
    code, out, err = drop(settings, "--yes")
    assert code == 2 and "cannot tell whether 0001_user_names is applied" in err and "--force" in err
    assert "secret" not in err
    assert folder_state(settings) == kept
    code, out, err = drop(settings, "--yes", "--force")
    assert code == 0, err
    assert "will report it missing" in err
    assert [e.tag for e in Folder(settings.migrations).read_journal().entries] == ["0000_users"]


def test_drop_checks_a_sqlite_file_that_does_not_exist_yet_without_creating_it(tmp_path: Path) -> None:
    settings = two_migrations(f"sqlite:///{tmp_path / 'never.db'}", tmp_path)
    code, out, err = drop(settings, "--yes")
    assert code == 0 and "does not exist yet" in err
    assert not (tmp_path / "never.db").exists()


def test_drop_refuses_when_not_a_terminal_without_yes(tmp_path: Path) -> None:
    settings = two_migrations(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)
    kept = folder_state(settings)
    code, out, err = drop(settings)
    assert code == 2 and "not a terminal" in err and "--yes" in err
    assert folder_state(settings) == kept


def test_drop_refuses_an_empty_journal(tmp_path: Path) -> None:
    settings = two_migrations(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)
    assert drop(settings, "--yes")[0] == 0 and drop(settings, "--yes")[0] == 0
    code, _, err = drop(settings, "--yes")
    assert code == 2 and "nothing to drop" in err


@pytest.mark.parametrize("answer, code", [("n", 1), ("y", 0)])
def test_drop_asks_in_a_terminal_after_showing_what_goes(tmp_path: Path, answer: str, code: int) -> None:
    settings = two_migrations(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)
    kept = folder_state(settings)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), DATABASE_URL="", NO_COLOR="1", COLUMNS="200")
    child = pexpect.spawn(sys.executable, ["-m", "schemalens", "drop", "--db", settings.database_url,
                                           "--migrations", str(settings.migrations)],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30)
    child.expect("dropping 0001_user_names, which removes:")
    child.expect("0001_user_names.down.sql")
    child.expect("0001_snapshot.json")
    child.expect(r"Drop 0001_user_names\? \[y/N\]")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code
    if answer == "n":
        assert folder_state(settings) == kept
    else:
        assert [e.tag for e in Folder(settings.migrations).read_journal().entries] == ["0000_users"]
