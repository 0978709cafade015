"""Warnings before failures (issue 14, item 10): an added NOT NULL column without a
default cannot fill the rows a table has. Push says so with the count and refuses before
running anything; generate writes the warning into the migration."""

from __future__ import annotations

from pathlib import Path

from tests.db.cli.conftest import Target, write
from tests.db.cli.terminal import Terminal, piped

SCHEMA = "CREATE TABLE items (id int PRIMARY KEY, sku text NOT NULL);\nCREATE TABLE other (id int);\n"


def test_push_refuses_a_not_null_column_without_default_on_a_table_with_rows(target: Target, tmp_path: Path) -> None:
    target.execute("CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items VALUES (1), (2), (3)")
    schema = write(tmp_path / "schema.sql", SCHEMA)
    for force in ([], ["--force"]):
        done = piped("push", "--db", target.url, "--schema", str(schema), *force, cwd=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"{target.schema}.items.sku" in done.stderr and "3 rows" in done.stderr
        assert "DEFAULT" in done.stderr and "generate --custom" in done.stderr   # the fixes offered
        assert "nothing was executed" in done.stderr
        assert target.columns("items") == ["id"] and "other" not in target.tables()


def test_push_shows_the_warning_in_the_plan_in_a_terminal(target: Target, tmp_path: Path) -> None:
    target.execute("CREATE TABLE items (id int PRIMARY KEY)", "INSERT INTO items VALUES (1)")
    schema = write(tmp_path / "schema.sql", SCHEMA)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    code, shown = term.finish()
    assert code == 2, shown
    assert f"add column {target.schema}.items.sku" in shown and "1 row" in shown
    assert "[1/" not in shown and target.columns("items") == ["id"]


def test_push_adds_it_to_an_empty_table(target: Target, tmp_path: Path) -> None:
    target.execute("CREATE TABLE items (id int PRIMARY KEY)")
    schema = write(tmp_path / "schema.sql", SCHEMA)
    done = piped("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.columns("items") == ["id", "sku"]


def test_generate_writes_the_warning_into_the_migration(target: Target, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", "CREATE TABLE items (id int PRIMARY KEY);\n")
    migrations = tmp_path / "migrations"
    args = ["--db", target.url, "--schema", str(schema), "--migrations", str(migrations)]
    assert piped("generate", *args, cwd=tmp_path).returncode == 0
    write(schema, SCHEMA)
    done = piped("generate", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{target.schema}.items.sku" in done.stderr and "DEFAULT" in done.stderr
    [up] = [p for p in migrations.glob("0001_*.sql") if not p.name.endswith(".down.sql")]
    text = up.read_text()
    warning = next(line for line in text.splitlines() if "NOT NULL" in line and line.startswith("-- WARNING"))
    assert f"{target.schema}.items.sku" in warning and "DEFAULT" in warning
