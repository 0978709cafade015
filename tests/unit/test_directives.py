"""The one `@renamed` grammar every reader uses, case by case, and its writer."""

from __future__ import annotations

import pytest

from schemalens import directives
from schemalens.directives import Renamed

CASES = [
    # (comment text, old name, quoted) — None: no directive
    ("-- @renamed from=users", "users", False),
    ("-- @renamed from = users", "users", False),
    ("-- @renamed from =users", "users", False),
    ("-- @renamed from=\tusers", "users", False),
    ("-- @renamed   from=users", "users", False),
    ("-- @renamed from=Users", "Users", False),
    ("-- @renamed from=users, then more", "users", False),
    ("/* @renamed from=old_users */", "old_users", False),
    ("/* @renamed from=old_users*/", "old_users", False),
    ("-- @renamed from=o'brien", "o'brien", False),
    ('-- @renamed from="users"', "users", True),
    ('-- @renamed from="User Accounts"', "User Accounts", True),
    ('-- @renamed from="say ""hi"""', 'say "hi"', True),
    ("-- @renamed from='users'", "users", True),
    ("-- @renamed from = 'it''s'", "it's", True),
    ("-- @renamed from=`users`", "users", True),
    ("-- @renamed from=`a``b`", "a`b", True),
    ("-- @renamed from=[user accounts]", "user accounts", True),
    ("/* @renamed from=\"a*/b\" */", "a*/b", True),
    ("# @renamed from=users", "users", False),
    ("-- @renamed from=", None, None),
    ('-- @renamed from="unterminated', None, None),
    ("-- @renamed users", None, None),
    ("-- @renamed\nfrom=users", None, None),
    ("-- @renamed from\n= users", None, None),
    ("-- renamed from=users", None, None),
]


@pytest.mark.parametrize(("text", "old", "quoted"), CASES)
def test_the_grammar(text: str, old: str | None, quoted: bool | None) -> None:
    found = directives.find(text)
    if old is None:
        assert found is None
    else:
        assert found == Renamed(text.index("@renamed"), old, quoted)  # type: ignore[arg-type]


def test_find_all_gives_each_directive_with_its_place() -> None:
    text = "a -- @renamed from=x\nb /* @renamed from = \"Y\" */"
    assert directives.find_all(text) == [Renamed(5, "x", False), Renamed(26, "Y", True)]
    assert directives.find_all("no directive") == []


@pytest.mark.parametrize("old", ["users", "user_2", "Users", "user accounts", 'say "hi"', "it's",
                                 "[x]", "a*b", "a,b", "`x`", "x)", "café", "note\n"])
def test_what_declare_writes_reads_back_as_the_name_in_every_reader(old: str) -> None:
    written = directives.declare(old)
    found = directives.find("-- " + written)
    assert found is not None and found.old == old
    # PostgreSQL folds a bare name: only one it leaves alone is written bare
    assert found.quoted or found.old == found.old.lower()
