"""The hints a refused rename prints are what the CLI and the files read back."""

from __future__ import annotations

from pathlib import Path

from schemalens.cli.output import renames_from
from schemalens.cli.prompts import directive_hint, rename_flag
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
