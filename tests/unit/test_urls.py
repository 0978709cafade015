"""URLs as text: masking (one rule, shared with the VS Code client), libpq's password, paths."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemalens.urls import ConnectError, libpq_password, mask_text, mask_url, split_password, sqlite_path

# The same table drives the VS Code client's tests (vscode-client/test/settings.test.ts).
CASES = json.loads((Path(__file__).parents[1] / "data" / "masking_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_mask_url(case: dict) -> None:
    masked = mask_url(case["text"])
    assert masked == case["masked"]
    assert case["secret"] is None or case["secret"] not in masked


@pytest.mark.parametrize("url, password", [
    ("postgresql://u:hunter2?x@h/db", "hunter2?x"),
    ("postgres://u:p%40ss@h/db", "p@ss"),
    ("postgresql://h/db?password=x%26y", "x&y"),
    ("host=h password='se cret'", "se cret"),
    ("postgresql://u:a/b@h/db", None),  # libpq reads u:a as host:port: no password (the text rule still masks it)
    ("postgresql://[::1", None),  # libpq cannot parse it
    ("sqlite:///x.db", None),
])
def test_the_password_is_the_one_libpq_would_send(url: str, password: str | None) -> None:
    assert libpq_password(url) == password


def test_mask_text_removes_the_password_wherever_it_appears() -> None:
    url = "postgresql://bob:hunter2@h/db"
    assert "hunter2" not in mask_text(f"failed for {url}; password hunter2 rejected", url)


@pytest.mark.parametrize("url", ["postgresql://u:hunter2?x@h/db", "postgres://u:hunter2%3Fx@h/db",
                                 "postgresql://h/db?password=hunter2%3Fx", "host=h password=hunter2?x"])
def test_mask_text_removes_raw_and_percent_encoded_forms(url: str) -> None:
    text = mask_text(f"error at {url}: hunter2?x / hunter2%3Fx / postgresql://u:hunter2?x@h/db", url)
    assert "hunter2" not in text


def test_split_password_keeps_it_out_of_the_conninfo() -> None:
    conninfo, password = split_password("postgresql://u:hunter2?x@h:5433/db")
    assert password == "hunter2?x" and "hunter2" not in conninfo
    assert "port=5433" in conninfo and "dbname=db" in conninfo


def test_cli_error_never_prints_a_password_with_a_question_mark(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text("CREATE TABLE t (id int);\n", encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": "", "PYTHONPATH": str(Path(__file__).parents[2] / "server")}
    done = subprocess.run([sys.executable, "-m", "schemalens", "check", "--db",
                           "postgresql://u:hunter2?x@127.0.0.1:1/db", "--schema", "s.sql"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "cannot connect to postgresql://u:***@127.0.0.1:1/db" in done.stderr + done.stdout
    assert "hunter2" not in done.stdout and "hunter2" not in done.stderr


def test_sqlite_paths() -> None:
    assert sqlite_path("sqlite:///rel/x.db") == "rel/x.db"
    assert sqlite_path("sqlite:////abs/x.db") == "/abs/x.db"
    with pytest.raises(ConnectError, match="sqlite:///path"):
        sqlite_path("sqlite:/x.db")


def test_redact_hides_a_remembered_password_in_any_case_and_spelling() -> None:
    """A keyword string was echoed lower-cased ("cannot tell the dialect of a 'host=...
    password=s3cretpw' URL"): the text rule saw no `password=` of that case and shape."""
    from schemalens.urls import redact, remember

    remember("postgresql://u:Ab%2Fc9-zz@[::1/sec")
    remember("host=h user=u password='Kw-7 x'")
    text = redact("'ab/c9-zz' and AB%2FC9-ZZ; kw-7 X then postgresql://v:other@h/db")
    assert text == "'***' and ***; *** then postgresql://v:***@h/db"


@pytest.mark.parametrize("text, masked_tail", [
    ('table "' + "x" * 200_000 + '" is not in the database', "database"),  # a huge identifier quoted
    ("a://b:" * 30_000 + "@h", "a://b:***@h"),  # many schemes before an @
    ("@" + "a://b:" * 30_000, "a://b:"),  # many schemes after the last @
    ("1postgres://u:pw@h and " + "9" * 100_000 + "x://u:pw@h", "x://u:***@h"),
], ids=["huge-identifier", "schemes-then-at", "at-then-schemes", "digits-before-scheme"])
def test_masking_is_linear_in_the_text(text: str, masked_tail: str) -> None:
    """Every output passes the rule (redact): on a diagnostic that quoted a 200k-character
    identifier it ran for minutes, tried at every letter, and the language server answered
    nothing meanwhile. In a child with a generous deadline (a hang guard, not a timing)."""
    code = ("import sys; from schemalens.urls import redact; "
            "sys.stdout.write(redact(sys.stdin.read())[-40:])")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, timeout=60,
                          env=os.environ | {"PYTHONPATH": str(Path(__file__).parents[2] / "server")})
    assert done.stdout.endswith(masked_tail) and "pw" not in done.stdout
