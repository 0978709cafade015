"""Issue 11's long run: the oracle contract (tests/db/oracle_contract.py) over many generated
schemas (tests/ddl), one feature flag at a time and then the suite's whole profile.

For each flag (and `base`, no flag), N examples of (before, after) files; each verdict that
fails is counted under the class its listing in tests/db/oracle_gaps/ names, or under
"unlisted" (a failure the suite would report). Prints one table per dialect, the numbers
bench/README.md records.

Run from the repository root:
  SCHEMALENS_TEST_PG_URL=postgresql://... python bench/oracle_long.py --examples 20 [--dialect sqlite]
(without the variable a throwaway PostgreSQL is started).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "server")]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.db.oracle_contract import gaps, profile, verdicts  # noqa: E402
from tests.ddl import FEATURES, transitions  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402


def classes(dialect: str, flags: frozenset[str], contract: str) -> list[str]:
    """The gap files that list this failure (by flag, `base`, or flag:contract)."""
    found = []
    for (subject, what), reason in gaps(dialect).items():
        listed, _, only = what.partition(":")
        if subject == "feature" and set(listed.split("+")) <= flags | {"base"} and only in ("", contract):
            found += re.findall(rf"\[({dialect}-[^\]]+)\]", reason)
    return sorted(set(found)) or ["unlisted"]


def run(dialect: str, flags: frozenset[str], examples: int, url: str) -> tuple[int, Counter[str], Counter[str]]:
    """(examples run, failures per contract, failures per class)."""
    contracts: Counter[str] = Counter()
    by_class: Counter[str] = Counter()
    count = 0

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(transitions(dialect, flags))
    def one(pair: tuple[str, str]) -> None:
        nonlocal count
        count += 1
        for contract, failure in verdicts(dialect, *pair, url).items():
            if failure:
                contracts[contract] += 1
                by_class.update(classes(dialect, flags, contract))
    one()
    return count, contracts, by_class


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20, help="examples per flag")
    parser.add_argument("--dialect", choices=sorted(FEATURES), action="append")
    args = parser.parse_args()
    server = None
    url = os.environ.get("SCHEMALENS_TEST_PG_URL")
    if not url:
        server = PgServer()
        server.start()
        url = server.url
    try:
        for dialect in args.dialect or sorted(FEATURES):
            started = time.monotonic()
            totals: Counter[str] = Counter()
            print(f"\n{dialect}: {args.examples} examples per flag\n")
            print("| flags | examples | failing verdicts (by contract) | by class |")
            print("| --- | ---: | --- | --- |")
            runs = [("base", frozenset())] + [(f, frozenset([f])) for f in FEATURES[dialect]]
            runs.append(("suite profile", profile(dialect, FEATURES[dialect])))
            for label, flags in runs:
                count, contracts, by_class = run(dialect, flags, args.examples, url)
                totals.update(by_class)
                show = lambda c: ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none"  # noqa: E731
                print(f"| {label} | {count} | {show(contracts)} | {show(by_class)} |", flush=True)
            print(f"\n{dialect} totals by class: {dict(sorted(totals.items()))} "
                  f"({time.monotonic() - started:.0f} s)")
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
