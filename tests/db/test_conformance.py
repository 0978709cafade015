"""The conformance corpus: every in-scope case must pass, or be listed in KNOWN_GAPS
with the argument for why it is out of scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from schemalens.sources.sql import parse_texts
from tests.db.corpus import Case, load_cases, run_case, run_strict

# case name -> why it cannot pass (each one a decision recorded in the issue notes)
KNOWN_GAPS: dict[str, str] = {}


def _run_all(cases: list[Case], server_url: str, tmp: Path,
             run: Callable[[Case, str, Path], str | None] = run_case) -> dict[str, str]:
    failures = {}
    for case in cases:
        try:
            reason = run(case, server_url, tmp)
        except Exception as e:  # a crash is a failure of the case, reported with the others
            reason = f"crashed: {type(e).__name__}: {e}"
        if reason:
            failures[case.name] = reason
    return failures


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_in_scope_cases_round_trip(dialect: str, pg_server_url: str, tmp_path: Path) -> None:
    cases = [c for c in load_cases(dialect) if c.in_scope]
    failures = _run_all(cases, pg_server_url, tmp_path)
    passed = len(cases) - len(failures)
    print(f"\nconformance {dialect}: {passed} passed, {len(failures)} failed of {len(cases)} in-scope cases")
    unexpected = {k: v for k, v in failures.items() if k not in KNOWN_GAPS}
    for name, reason in sorted(unexpected.items()):
        print(f"  FAIL {name}: {reason[:300]}")
    names = {c.name for c in cases}
    fixed = sorted(k for k in KNOWN_GAPS if k in names and k not in failures)
    assert not unexpected, f"{len(unexpected)} in-scope case(s) fail"
    assert not fixed, f"listed as known gaps but now pass (remove them): {fixed}"


STRICT_GAPS = Path(__file__).resolve().parent / "strict_gaps"


def strict_gaps(dialect: str) -> dict[str, str]:
    """case name -> the open class of failure it belongs to: one file per class in
    strict_gaps/, whose first line says what is missing; a fix empties its file."""
    gaps = {}
    for file in sorted(STRICT_GAPS.glob(f"{dialect}-*.txt")):
        lines = file.read_text(encoding="utf-8").splitlines()
        gaps.update({line: f"{file.stem}: {lines[0]}" for line in lines[1:] if line.strip()})
    return gaps


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_push_makes_the_files_own_database(dialect: str, pg_server_url: str, tmp_path: Path) -> None:
    cases = [c for c in load_cases(dialect) if c.in_scope]
    failures = _run_all(cases, pg_server_url, tmp_path, run_strict)
    gaps = strict_gaps(dialect)
    print(f"\nstrict {dialect}: {len(cases) - len(failures)} of {len(cases)} in-scope cases dump identically")
    unexpected = {k: v for k, v in failures.items() if k not in gaps}
    for name, reason in sorted(unexpected.items()):
        print(f"  FAIL {name}: {reason[:600]}")
    fixed = sorted(k for k in gaps if k not in failures)
    assert not unexpected, f"{len(unexpected)} in-scope case(s) differ from the file's own database"
    assert not fixed, f"listed in strict_gaps/ but now pass (remove them): {fixed}"


# SQL of what each dialect does not manage yet (SQLite manages its views and triggers)
_UNMANAGED_SQL = {
    "postgresql": re.compile(
        r"\bCREATE\s+(OR\s+REPLACE\s+)?(VIEW|MATERIALIZED|FUNCTION|PROCEDURE|TRIGGER|POLICY|DOMAIN|COLLATION|"
        r"RULE|AGGREGATE)\b|\bGRANT\b|\bREVOKE\b|\bOWNER\s+TO\b|\bPARTITION\s+OF\b|\bINHERITS\b|"
        r"\bEXCLUDE\b", re.I),
    "sqlite": re.compile(r"\bCREATE\s+VIRTUAL\s+TABLE\b", re.I),
}


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_out_of_scope_objects_are_reported_as_not_managed(dialect: str) -> None:
    cases = [c for c in load_cases(dialect) if not c.in_scope]
    silent = []
    for case in cases:
        if not _UNMANAGED_SQL[dialect].search(case.desired):
            continue  # the out-of-scope object is only in the starting database
        result = parse_texts([("schema.sql", case.desired)], dialect)
        codes = {p.code for p in result.problems}
        if not codes & {"unmanaged", "skipped-statement"}:
            silent.append(case.name)
    print(f"\nout of scope {dialect}: {len(cases) - len(silent)} of {len(cases)} report what is not managed")
    assert not silent, f"out-of-scope objects passed over in silence: {silent[:20]}"
