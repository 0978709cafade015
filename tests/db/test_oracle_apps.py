"""Issue 11's contract on real application schemas (tests/data/apps, see its README): the
database the file makes and the one push makes dump identically, check is clean on both,
a second push is a no-op, and a push onto the file's own database changes nothing.

Open failures are listed per class in tests/db/oracle_gaps/ (`<app> <contract>` lines): a
listed verdict that now passes fails the test, so the lists shrink as fixes land.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

from tests.db.oracle_contract import CONTRACTS, gaps, judge

APPS = Path(__file__).resolve().parents[1] / "data" / "apps"
# The roles an app's file grants to: its installer creates them first.
ROLES = {("postgresql", "pmacct"): ("pmacct",)}

CASES = [(dialect, file.stem, contract)
         for dialect in ("postgresql", "sqlite")
         for file in sorted((APPS / dialect).glob("*.sql"))
         for contract in CONTRACTS]


@functools.cache
def verdicts(dialect: str, app: str, server_url: str) -> dict[str, str | None]:
    sql = (APPS / dialect / f"{app}.sql").read_text(encoding="utf-8")
    return judge(dialect, sql, server_url, Path(tempfile.mkdtemp(prefix=f"app-{app}-")),
                 ROLES.get((dialect, app), ()))


@pytest.mark.parametrize(("dialect", "app", "contract"), CASES, ids=[f"{d}/{a}/{c}" for d, a, c in CASES])
def test_app_schema_meets_the_contract(dialect: str, app: str, contract: str, pg_server_url: str) -> None:
    failure = verdicts(dialect, app, pg_server_url)[contract]
    listed = gaps(dialect).get((app, contract))
    if listed:  # an open gap: it must still fail, so that a fix shortens the list
        assert failure is not None, f"{app} {contract} is listed in tests/db/oracle_gaps/ but now passes: remove it ({listed})"
    else:
        assert failure is None, f"{dialect}/{app}: {contract}:\n{failure}"


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    counts = {d: len(list((APPS / d).glob("*.sql"))) for d in ("postgresql", "sqlite")}
    assert counts["postgresql"] >= 20 and counts["sqlite"] >= 10, counts
    readme = (APPS / "README.md").read_text(encoding="utf-8")
    missing = [f"{d}/{f.stem}" for d in counts for f in (APPS / d).glob("*.sql") if f"| {d} | {f.stem} |" not in readme]
    assert not missing, f"apps without provenance and licence in tests/data/apps/README.md: {missing}"


def test_every_gap_names_a_known_app_and_contract() -> None:
    for dialect in ("postgresql", "sqlite"):
        for (subject, what), reason in gaps(dialect).items():
            if subject == "feature":
                continue
            assert (APPS / dialect / f"{subject}.sql").exists(), f"{dialect}: no app {subject} ({reason})"
            assert what in CONTRACTS, f"{dialect}: {subject}: no contract {what}"
