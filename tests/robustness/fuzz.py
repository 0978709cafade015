"""The readers' fuzz profile, run by hand: `python3 -m tests.robustness.fuzz [--long]`
(from the repository root, `server` on PYTHONPATH). Prints the figures table the
README's Reliability section shows; exits 1 when any input crashed or hung.

Bounded (default): 300 inputs per dialect. Long: 5,000 per dialect. `--seed N` starts
elsewhere; a failure names its seed, and `hostile(dialect, seed)` makes its input again.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from tests.robustness.harness import Worker
from tests.robustness.inputs import DIALECTS, hostile


def fuzz(dialect: str, count: int, first: int = 0) -> dict[str, object]:
    worker = Worker()
    kinds: Counter[str] = Counter()
    failures: list[str] = []
    peak = 0
    started = time.monotonic()
    try:
        for seed in range(first, first + count):
            mutation, text = hostile(dialect, seed)
            outcome = worker.run(dialect, text)
            kinds[outcome.kind] += 1
            peak = max(peak, outcome.peak_kb)
            if outcome.kind != "ok":
                failures.append(f"{dialect} seed {seed} ({mutation}): {outcome.kind}: {outcome.detail}")
    finally:
        worker.close()
    return {"dialect": dialect, "inputs": count, "crashes": kinds["crash"], "hangs": kinds["hang"],
            "peak_mb": peak / 1024, "seconds": time.monotonic() - started, "failures": failures}


def table(rows: list[dict[str, object]]) -> str:
    lines = ["| check | inputs | crashes | hangs | peak memory | time |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| fuzzed {r['dialect']} schema files | {r['inputs']:,} | {r['crashes']} | {r['hangs']} "
                     f"| {r['peak_mb']:.0f} MB | {r['seconds']:.0f} s |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="5,000 inputs per dialect instead of 300")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    count = 5_000 if args.long else 300
    rows = [fuzz(dialect, count, args.seed) for dialect in DIALECTS]
    print(table(rows))
    failures = [f for r in rows for f in r["failures"]]  # type: ignore[attr-defined]
    for failure in failures:
        print(failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
