"""The order a person sees in a terminal: the plan, then the question, then progress
(issue 14, item 1); piped, nothing is asked."""

from __future__ import annotations

from pathlib import Path

from tests.db.cli.conftest import Target, write
from tests.db.cli.terminal import Terminal, piped

QUESTION = r"Execute them\? \[y/N\]: "


def dropping_a_column(target: Target, tmp_path: Path) -> Path:
    target.execute("CREATE TABLE keep (id int PRIMARY KEY, note text)",
                   "INSERT INTO keep VALUES (1, 'precious'), (2, NULL)")
    return write(tmp_path / "schema.sql", "CREATE TABLE keep (id int PRIMARY KEY);\nCREATE TABLE other (id int);\n")


def test_push_shows_the_plan_before_the_question_and_progress_after(target: Target, tmp_path: Path) -> None:
    schema = dropping_a_column(target, tmp_path)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    before = term.read_until(QUESTION)
    assert f"drop column {target.schema}.keep.note" in before     # the plan's table
    assert f"create table {target.schema}.other" in before
    assert "(1 row hold data)" in before                           # the rows at risk
    assert "[1/" not in before                                     # nothing ran yet
    assert term.quiet_for(1.0).strip() == ""                       # no spinner drawn over the question
    term.answer("y")
    code, after = term.finish()
    assert code == 0, term.seen
    assert "[1/" in after and "done" in after
    assert target.columns("keep") == ["id"] and "other" in target.tables()


def test_push_answered_no_executes_nothing(target: Target, tmp_path: Path) -> None:
    schema = dropping_a_column(target, tmp_path)
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    term.read_until(QUESTION)
    term.answer("n")
    code, after = term.finish()
    assert code == 1 and "nothing was executed" in after, term.seen
    assert "[1/" not in term.seen
    assert target.columns("keep") == ["id", "note"] and "other" not in target.tables()


def test_piped_push_asks_nothing_and_lists_each_statement(target: Target, tmp_path: Path) -> None:
    schema = dropping_a_column(target, tmp_path)
    done = piped("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    assert done.returncode == 1 and "rerun with --force" in done.stderr
    assert target.columns("keep") == ["id", "note"]
    done = piped("push", "--db", target.url, "--schema", str(schema), "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "[1/" in done.stderr and "Execute them" not in done.stderr
    assert target.columns("keep") == ["id"]


def test_a_long_push_shows_a_progress_bar(target: Target, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(40)))
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    code, after = term.finish()
    assert code == 0, term.seen
    assert "40/40" in after and "done" in after
    assert len(target.tables()) == 40


def migrated(target: Target, tmp_path: Path) -> Path:
    schema = write(tmp_path / "schema.sql", "CREATE TABLE notes (id int PRIMARY KEY, body text);\n")
    migrations = tmp_path / "migrations"
    for command in (["generate", "--schema", str(schema)], ["migrate"]):
        done = piped(*command, "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    target.execute("INSERT INTO notes VALUES (1, 'keep me?')")
    return migrations


def test_reset_asks_in_a_terminal_before_it_drops_anything(target: Target, tmp_path: Path) -> None:
    migrations = migrated(target, tmp_path)
    term = Terminal("reset", "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
    before = term.read_until(r"\[y/N\]: ")
    assert "all their data" in before and target.url.rsplit("/", 1)[-1] in before
    assert term.quiet_for(1.0).strip() == ""
    term.answer("n")
    code, _ = term.finish()
    assert code == 1, term.seen
    assert target.rows("SELECT count(*) FROM notes") == [(1,)]

    term = Terminal("reset", "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
    term.read_until(r"\[y/N\]: ")
    term.answer("y")
    code, after = term.finish()
    assert code == 0 and "reset" in after, term.seen
    assert target.rows("SELECT count(*) FROM notes") == [(0,)]


def test_piped_reset_still_needs_force(target: Target, tmp_path: Path) -> None:
    migrations = migrated(target, tmp_path)
    done = piped("reset", "--db", target.url, "--migrations", str(migrations), cwd=tmp_path)
    assert done.returncode == 1 and "--force" in done.stderr
    assert target.rows("SELECT count(*) FROM notes") == [(1,)]
    done = piped("reset", "--db", target.url, "--migrations", str(migrations), "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.rows("SELECT count(*) FROM notes") == [(0,)]


def test_a_big_plan_is_summed_up_by_kind_with_its_risky_changes_listed(target: Target, tmp_path: Path) -> None:
    schema = dropping_a_column(target, tmp_path)
    tables = "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(120))
    schema.write_text(schema.read_text() + tables, encoding="utf-8")
    term = Terminal("push", "--db", target.url, "--schema", str(schema), cwd=tmp_path)
    before = term.read_until(QUESTION)
    assert "122 changes, 1 with a risk, listed below" in before, before
    assert "121  create table" in before and "1  drop column" in before       # counts per kind
    assert f"drop column {target.schema}.keep.note  data loss" in before      # the risky one, in full
    assert "create table t7" not in before and f"create table {target.schema}.t7" not in before
    term.answer("y")
    code, after = term.finish()
    assert code == 0, term.seen
    assert "done" in after and len(target.tables()) == 122


def test_a_long_piped_push_shows_its_last_statement(target: Target, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(40)))
    done = piped("push", "--db", target.url, "--schema", str(schema), "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert lines[0].startswith("[1/40] ") and lines[-1].startswith("[40/40] CREATE TABLE"), lines


def test_a_short_piped_push_lists_every_statement(target: Target, tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.sql", "".join(f"CREATE TABLE t{i} (id int PRIMARY KEY);\n" for i in range(5)))
    done = piped("push", "--db", target.url, "--schema", str(schema), "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line[:5] for line in done.stderr.splitlines() if line.startswith("[")] == [f"[{i}/5]" for i in range(1, 6)]
