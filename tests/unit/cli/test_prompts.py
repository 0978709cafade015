"""The hints a refused rename prints are what the CLI and the files read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from schemalens.changes import Change, Hazard, Statement
from schemalens.cli.output import SUMMARY_ABOVE, change_table, renames_from
from schemalens.cli.prompts import Session, directive_hint, rename_flag
from schemalens.config import load_settings
from schemalens.model import Span
from schemalens.workflows import RenameCandidate, with_renames


def test_the_rename_flag_printed_is_read_back_as_the_same_rename(tmp_path: Path) -> None:
    settings = load_settings({"database_url": "postgresql://x/y"}, start=tmp_path, environ={})
    for candidate in (RenameCandidate("public", "users", "name", "full_name"),
                      RenameCandidate("app", "users", "name", "full_name"),
                      RenameCandidate("public", None, "users", "people"),
                      RenameCandidate("app", None, "users", "people")):
        stated = renames_from([rename_flag(candidate, "public")], settings)
        assert stated == with_renames(renames_from([], settings), [candidate]), candidate


def test_the_directive_printed_is_read_back_with_its_line(tmp_path: Path) -> None:
    candidate = RenameCandidate("public", "users", "Old Name", "full_name", span=Span(str(tmp_path / "s.sql"), 2, 2, 2, 9))
    hint = directive_hint(candidate)
    assert hint.startswith('`-- @renamed from="Old Name"` on column full_name\'s line') and hint.endswith("s.sql:3)")
    models = RenameCandidate("public", None, "users", "people", span=Span(str(tmp_path / "models.py"), 0, 0, 0, 5))
    assert directive_hint(models).startswith("`# @renamed from=users`")


def test_progress_of_a_long_run_is_shown_now_and_then_and_for_the_last_statement(capsys: Any) -> None:
    session = Session()
    session.draws = False
    total = 5000
    for i in range(total):
        session.progress(i, total, Statement(f"CREATE TABLE t{i} (id int)"))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "[1/5000] CREATE TABLE t0 (id int)" and lines[-1] == "[5000/5000] CREATE TABLE t4999 (id int)"
    assert len(lines) < total


def test_a_plan_above_the_summary_size_shows_counts_and_every_risky_change() -> None:
    hazard = Hazard("data-loss", "public.t.b", "drops column t.b")
    changes = ([Change("create_table", "public", f"t{i}", f"t{i}", description=f"create table t{i}")
                for i in range(SUMMARY_ABOVE)]
               + [Change("drop_column", "public", "t", "b", hazards=(hazard,), description="drop column t.b")])
    console = Console(width=200, record=True)
    console.print(change_table(changes))
    shown = console.export_text()
    assert f"{SUMMARY_ABOVE + 1} changes, 1 with a risk" in shown
    assert f"{SUMMARY_ABOVE}  create table" in shown and "create table t5" not in shown
    assert f"{SUMMARY_ABOVE + 1}  drop column t.b  data loss: drops column t.b" in shown
    console.print(change_table(changes[-SUMMARY_ABOVE:]))
    assert "create table t5" in console.export_text()
