"""The migrations folder without a database: splitting, journal chain, integrity."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalens.history.state import EDITED, MISSING, MODIFIED, OUT_OF_ORDER, PENDING, UNJOURNALED, APPLIED, assess
from schemalens.migrations.folder import (
    Entry,
    Folder,
    Journal,
    MigrationsError,
    chain_hash,
    checksum_text,
    parse_migration,
    slugify,
)
from schemalens.migrations.ledger import Applied


def test_split_on_separator_keeps_file_lines() -> None:
    text = ("-- header\n"
            "-- schemalens:statement\n"
            "CREATE TABLE a (x int);\n"
            "\n"
            "-- schemalens:statement\n"
            "-- WARNING data loss: drops b\n"
            "DROP TABLE b;\n")
    m = parse_migration(text, Path("0001_x.sql"), "postgresql")
    assert [(p.sql, p.line, p.col) for p in m.pieces] == [("CREATE TABLE a (x int)", 3, 1), ("DROP TABLE b", 7, 1)]
    assert m.transactional


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_hand_written_block_with_tricky_semicolons_splits_safely(dialect: str) -> None:
    text = ("INSERT INTO t VALUES ('a;b');  -- c;\n"
            "/* x; */ UPDATE t SET v = 'it''s;';\n"
            "  SELECT 1")
    m = parse_migration(text, Path("0001_x.sql"), dialect)
    assert [(p.sql, p.line, p.col) for p in m.pieces] == [
        ("INSERT INTO t VALUES ('a;b')", 1, 1), ("UPDATE t SET v = 'it''s;'", 2, 10), ("SELECT 1", 3, 3)]


def test_postgresql_dollar_quotes_and_sqlite_triggers_stay_whole() -> None:
    pg = parse_migration("DO $$ BEGIN PERFORM 1; END $$;\nSELECT 2;", Path("0001_x.sql"), "postgresql")
    assert [p.sql for p in pg.pieces] == ["DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"]
    trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; DELETE FROM u; END;\nSELECT 2;"
    lite = parse_migration(trigger, Path("0001_x.sql"), "sqlite")
    assert len(lite.pieces) == 2 and lite.pieces[0].sql.endswith("END")


def test_markers() -> None:
    text = ("-- schemalens:statement\nCREATE TABLE a (x int);\n"
            "-- schemalens:statement\n-- schemalens:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);\n")
    m = parse_migration(text, Path("0001_x.sql"), "postgresql")
    assert [p.transactional for p in m.pieces] == [True, False]
    down = parse_migration("-- schemalens:irreversible drops data\n", Path("0001_x.down.sql"), "postgresql")
    assert down.irreversible == "drops data" and down.tag == "0001_x"


def test_sqlite_foreign_keys_pragma_becomes_the_marker() -> None:
    m = parse_migration("PRAGMA foreign_keys=OFF;\nDROP TABLE a;\nPRAGMA foreign_keys=ON;", Path("0001_x.sql"), "sqlite")
    assert m.foreign_keys_off and [p.sql for p in m.pieces] == ["DROP TABLE a"]


@pytest.mark.parametrize("sql", ["BEGIN;", "COMMIT;", "START TRANSACTION;", "ROLLBACK;"])
def test_transaction_control_is_refused_with_file_and_line(sql: str) -> None:
    with pytest.raises(MigrationsError, match=r"0001_x.sql:2:1: transaction control"):
        parse_migration(f"SELECT 1;\n{sql}", Path("0001_x.sql"), "postgresql")


def test_checksum_ignores_line_endings_but_not_content() -> None:
    assert checksum_text("a\r\nb") == checksum_text("a\nb")
    assert checksum_text("a\nb") != checksum_text("a\nc")


def test_slugify() -> None:
    assert slugify("Add Post table!") == "add_post_table"
    assert slugify("!!!") == "migration"


def test_slugify_cuts_between_words() -> None:
    name = "create index posts_author_idx on public.posts (author) and 1 more"
    assert slugify(name) == "create_index_posts_author_idx_on_public_posts_author_and_1"
    assert slugify("x" * 70) == "x" * 60
    assert slugify("add a column", limit=7) == "add_a"


def _entry(idx: int, tag: str, checksum: str, previous: str) -> Entry:
    entry = Entry(idx, tag, checksum, "2026-01-01T00:00:00Z", "")
    entry.hash = chain_hash(previous, entry)
    return entry


def _folder(tmp_path: Path, files: dict[str, str]) -> tuple[Folder, Journal]:
    folder = Folder(tmp_path / "migrations")
    folder.path.mkdir()
    journal = Journal("postgresql")
    for i, (tag, text) in enumerate(files.items()):
        folder.up_path(tag).write_text(text)
        journal.entries.append(_entry(i, tag, checksum_text(text), journal.head))
    folder.write_journal(journal)
    return folder, journal


def test_journal_round_trip_and_chain(tmp_path: Path) -> None:
    folder, journal = _folder(tmp_path, {"0000_a": "SELECT 1;", "0001_b": "SELECT 2;"})
    again = folder.read_journal()
    assert again == journal and not again.chain_breaks()
    again.entries[0].checksum = "0" * 64
    assert [e.tag for e in again.chain_breaks()] == ["0000_a"]
    again.rechain()
    assert not again.chain_breaks()


def test_two_branches_adding_the_same_number_change_the_head(tmp_path: Path) -> None:
    _, journal = _folder(tmp_path, {"0000_a": "SELECT 1;"})
    left = _entry(1, "0001_left", checksum_text("x"), journal.head)
    right = _entry(1, "0001_right", checksum_text("y"), journal.head)
    assert left.hash != right.hash


def test_conflicted_journal_is_a_clear_error(tmp_path: Path) -> None:
    folder, _ = _folder(tmp_path, {"0000_a": "SELECT 1;"})
    folder.journal_path.write_text("<<<<<<< HEAD\n{}\n=======\n")
    with pytest.raises(MigrationsError, match="merge conflict"):
        folder.read_journal()


def _applied(tag: str, idx: int, checksum: str) -> Applied:
    return Applied(idx, tag, checksum, "2026-01-01T00:00:00Z", 1, "applied")


def test_assess_every_state(tmp_path: Path) -> None:
    files = {"0000_a": "SELECT 1;", "0001_b": "SELECT 2;", "0002_c": "SELECT 3;", "0003_d": "SELECT 4;",
             "0004_e": "SELECT 5;"}
    folder, journal = _folder(tmp_path, files)
    folder.up_path("0001_b").write_text("SELECT 2; -- edited")    # applied, then edited
    folder.up_path("0002_c").unlink()                            # applied, then deleted
    folder.up_path("0007_stray").write_text("SELECT 9;")         # not in the journal
    applied = [_applied("0000_a", 0, checksum_text("SELECT 1;")), _applied("0001_b", 1, checksum_text("SELECT 2;")),
               _applied("0002_c", 2, checksum_text("SELECT 3;")), _applied("0004_e", 4, checksum_text("SELECT 5;")),
               _applied("0009_gone", 9, "x")]
    result = assess(folder, journal, applied)
    states = {s.tag: s.state for s in result.states}
    assert states == {"0000_a": APPLIED, "0001_b": EDITED, "0002_c": MISSING, "0003_d": OUT_OF_ORDER,
                      "0004_e": APPLIED, "0009_gone": MISSING, "0007_stray": UNJOURNALED}
    assert len(result.problems) == 5
    assert any("0001_b.sql: edited after it was applied" in p for p in result.problems)
    assert [e.tag for e in result.pending] == ["0003_d"]
    assert len(result.problems_except({OUT_OF_ORDER})) == 4


def test_assess_pending_and_modified(tmp_path: Path) -> None:
    folder, journal = _folder(tmp_path, {"0000_a": "SELECT 1;", "0001_b": "SELECT 2;"})
    assert [s.state for s in assess(folder, journal, []).states] == [PENDING, PENDING]
    folder.up_path("0001_b").write_text("SELECT 22;")
    result = assess(folder, journal, [])
    assert [s.state for s in result.states] == [PENDING, MODIFIED]
    assert "schemalens rehash" in result.problems[0]


def test_unsplittable_sql_points_at_file_and_line() -> None:
    with pytest.raises(MigrationsError, match=r"0001_x.sql:4:12: cannot split"):
        parse_migration("SELECT 1;\n-- schemalens:statement\n-- c\nDROP INDEX \"\";", Path("0001_x.sql"), "postgresql")


def test_example_ci_workflow_uses_real_commands_and_options() -> None:
    import re

    import yaml

    from schemalens.cli import COMMANDS
    from schemalens.cli.options import flags

    workflow = Path(__file__).resolve().parents[2] / "examples" / "ci" / "github-actions.yml"
    steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]
    invocations = [line.split("#")[0].split() for step in steps for line in step.get("run", "").splitlines()
                   if line.strip().startswith("schemalens ")]
    assert {words[1] for words in invocations} >= {"check", "migrate", "status"}
    for words in invocations:
        options = flags(COMMANDS[words[1]])
        for word in words[2:]:
            if re.match(r"^--", word):
                assert word in options, f"schemalens {words[1]} has no option {word}"
