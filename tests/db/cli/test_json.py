"""`--json`: one shape per command, always printed, errors included, with the text mode's
exit code; and text mode never shows markup as text nor reads names as markup."""

from __future__ import annotations

from pathlib import Path

from tests.db.cli.shell import cli, cli_json, execute, write

CHECK_KEYS = {"exit_code", "in_sync", "gates", "changes", "sql", "problems", "lint"}
PLAN_KEYS = {"changes", "sql", "problems", "lint"}
UNREACHABLE = "postgresql://nobody:secret@127.0.0.1:1/x"


def test_check_has_one_shape_with_and_without_migrations(db_url: str, tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);")
    code, plain = cli_json("check", "--db", db_url, cwd=tmp_path)
    assert code == 1 and set(plain) == CHECK_KEYS and plain["exit_code"] == 1 and not plain["in_sync"]
    assert [g["gate"] for g in plain["gates"]] == ["database vs schema files"]
    assert [c["kind"] for c in plain["changes"]] == ["create_table"] and len(plain["sql"]) == 1
    assert cli("generate", "--name", "init", "--db", db_url, cwd=tmp_path).returncode == 0
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text);")
    code, gated = cli_json("check", "--db", db_url, cwd=tmp_path)
    assert code == 3 and set(gated) == CHECK_KEYS and gated["exit_code"] == 3 and not gated["in_sync"]
    assert [g["ok"] for g in gated["gates"]] == [True, False, False, True]
    assert [c["kind"] for c in gated["changes"]] == ["add_column"] and "name" in gated["sql"][0]


def test_errors_are_json_with_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);")
    for command in ("check", "diff", "push", "status", "migrate"):
        code, report = cli_json(command, "--db", UNREACHABLE, cwd=tmp_path)
        assert code == 2 and report["exit_code"] == 2, command
        assert report["error"]["code"] == "database-unreachable" or command in ("status", "migrate"), report
        assert "secret" not in report["error"]["message"]
    code, report = cli_json("check", "--db", UNREACHABLE, "--rename", "nonsense", cwd=tmp_path)
    assert code == 2 and report["error"]["code"] == "usage-error" and "--rename" in report["error"]["message"]
    code, report = cli_json("push", "--db", UNREACHABLE, cwd=tmp_path, env={"SCHEMALENS_LOCK_TIMEOUT": "soon"})
    assert code == 2 and report["error"]["code"] == "config-error"
    code, report = cli_json("status", "--db", UNREACHABLE, cwd=tmp_path)
    assert report["error"]["code"] == "migrations-problem"  # no journal: found before the database


def test_status_migrate_push_and_diff_json(db_url: str, tmp_path: Path) -> None:
    write(tmp_path / "schemalens.toml", f'database_url = "{db_url}"\n')
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);")
    assert cli("generate", "--name", "init", cwd=tmp_path).returncode == 0
    code, status = cli_json("status", cwd=tmp_path)
    assert code == 1 and status["exit_code"] == 1 and status["pending"] == ["0000_init"]
    assert set(status) == {"exit_code", "database", "pending", "problems", "migrations", "alembic"}
    assert status["alembic"] is None  # no alembic.ini in the project
    code, migrated = cli_json("migrate", cwd=tmp_path)
    assert code == 0 and [a["name"] for a in migrated["applied"]] == ["0000_init"]
    assert set(migrated) == {"exit_code", "database", "dry_run", "applied", "recorded", "refused", "failure",
                             "notes", "backup"}
    code, status = cli_json("status", cwd=tmp_path)
    assert code == 0 and status["pending"] == [] and status["migrations"][0]["state"] == "applied"
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE more (id integer);")
    code, diffed = cli_json("diff", cwd=tmp_path)
    assert code == 0 and set(diffed) == PLAN_KEYS | {"exit_code"} and len(diffed["sql"]) == 1
    code, pushed = cli_json("push", cwd=tmp_path)
    assert code == 1 and pushed["exit_code"] == 1 and not pushed["executed"]
    assert "kept by migrations" in pushed["refused"] and set(pushed) == PLAN_KEYS | {
        "exit_code", "executed", "refused", "failure", "warnings"}
    code, pushed = cli_json("push", "--force", cwd=tmp_path)
    assert code == 0 and pushed["executed"] and pushed["failure"] is None
    execute(db_url, "INSERT INTO more VALUES (1)")
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);\n"
                                   "CREATE TABLE more (id integer CHECK (id > 5));")
    code, pushed = cli_json("push", "--force", cwd=tmp_path)
    assert code == 3 and pushed["failure"]["statement"] and "failed" in pushed["failure"]["message"]
    up = tmp_path / "migrations" / "0000_init.sql"
    up.write_text(up.read_text() + "\n-- edited\n")
    code, migrated = cli_json("migrate", cwd=tmp_path)
    assert code == 1 and "edited after it was applied" in migrated["refused"]
    code, status = cli_json("status", cwd=tmp_path)
    assert code == 4 and status["exit_code"] == 4 and status["problems"]


def test_the_gate_prints_its_marks_not_markup(tmp_path: Path) -> None:
    write(tmp_path / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);")
    assert cli("generate", "--name", "init", cwd=tmp_path).returncode == 0
    done = cli("check", cwd=tmp_path)  # piped, as in CI
    assert done.returncode == 4, done.stdout + done.stderr
    assert "[green]" not in done.stdout and "[red]" not in done.stdout and "[/" not in done.stdout
    assert "ok   integrity:" in done.stdout and "FAIL pending:" in done.stdout


def test_names_with_brackets_are_printed_as_written(db_url: str, tmp_path: Path) -> None:
    write(tmp_path / "schemalens.toml", f'database_url = "{db_url}"\n')
    write(tmp_path / "schema.sql", 'CREATE TABLE "[red]x" (id integer PRIMARY KEY, "[bold]c" text);')
    done = cli("check", cwd=tmp_path)
    assert done.returncode == 1 and "[red]x" in done.stdout, done.stdout + done.stderr
    pushed = cli("push", cwd=tmp_path)
    assert pushed.returncode == 0 and '"[red]x"' in pushed.stderr, pushed.stdout + pushed.stderr  # progress
    write(tmp_path / "schema.sql", 'CREATE TABLE "[red]x" (id integer PRIMARY KEY);')
    done = cli("check", cwd=tmp_path)
    assert done.returncode == 1 and "[bold]c" in done.stdout, done.stdout
    assert cli("generate", "--name", "init", cwd=tmp_path).returncode == 0
    done = cli("check", cwd=tmp_path)
    assert "drop table" in done.stdout and "[red]x" in done.stdout, done.stdout  # the gate's drift detail
