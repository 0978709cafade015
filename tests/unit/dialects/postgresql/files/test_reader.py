"""The whole reader: files in order, duplicates, real input (the corpus, a pg_dump,
half-written files), and speed."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import pytest

from schemalens.dialects.postgresql.files import parse_postgresql
from schemalens.model import Identity, Span
from tests.unit.dialects.postgresql.files.helpers import codes, parse, table
from tests.data import CORPUS as CORPUS_FOLDER
from tests.data import OUT_OF_SCOPE as DIALECT_OUT_OF_SCOPE

ROOT = Path(__file__).resolve().parents[5]
CORPUS = CORPUS_FOLDER / "sqldef-postgresql.jsonl"
OUT_OF_SCOPE = DIALECT_OUT_OF_SCOPE["postgresql"]


def test_files_apply_in_order_and_keep_their_own_spans() -> None:
    result = parse_postgresql([("1.sql", "CREATE TABLE t (id int);"),
                               ("2.sql", "\nALTER TABLE t ADD COLUMN x int;")])
    t = table(result.schema, "t")
    assert t.span == Span("1.sql", 0, 13, 0, 14)
    assert t.column("x").span == Span("2.sql", 1, 25, 1, 30)


def test_duplicates_are_errors() -> None:
    result = parse("""CREATE TABLE t (id int, id text);
CREATE TABLE t (x int);
CREATE TABLE IF NOT EXISTS t (x int);
CREATE TABLE u (a int, CONSTRAINT c CHECK (a > 0), CONSTRAINT c UNIQUE (a));
CREATE INDEX i ON u (a);
CREATE INDEX i ON u (a);
CREATE INDEX IF NOT EXISTS i ON u (a);
""")
    assert sorted((p.code, p.span.start_line) for p in result.problems) == [
        ("duplicate-column", 0), ("duplicate-constraint", 3), ("duplicate-name", 1), ("duplicate-name", 5)]
    dup_col = next(p for p in result.problems if p.code == "duplicate-column")
    assert (dup_col.span.start_col, dup_col.span.end_col) == (24, 31)


def _in_scope_cases() -> list[dict]:
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    return [c for c in cases if c["current_ok"] and c["desired_ok"]
            and not set(c["features"]) & OUT_OF_SCOPE]


def test_every_in_scope_corpus_schema_parses_without_errors() -> None:
    cases = _in_scope_cases()
    assert len(cases) > 400
    failures = []
    for case in cases:
        for side in ("current", "desired"):
            result = parse(case[side])
            errors = [p for p in result.problems if p.severity == "error"]
            defines = "CREATE" in case[side].upper()
            s = result.schema
            empty = not (s.tables or s.enums or s.sequences or s.extensions or s.namespaces)
            if errors or (defines and empty and not result.unmanaged):
                failures.append((case["name"], side, errors[:1]))
    assert failures == []


def test_half_written_files_never_raise() -> None:
    """What an editor sends on every keystroke: each corpus file cut at a few places, and
    twice over (every object a duplicate). Problems are fine; exceptions are not."""
    rng = random.Random(7)
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    for case in cases:
        text = case["desired"]
        for variant in [text[:rng.randrange(len(text) + 1)] for _ in range(3)] + [text + "\n" + text]:
            result = parse(variant)
            assert "unsupported-statement" not in codes(result), (case["name"], variant)


def test_pg_dump_output_with_data_parses_to_the_dumped_schema() -> None:
    """pg_dump of a small database (with data, owners and \\restrict); see tests/db/sources
    for the same check against a live database."""
    dump = (Path(__file__).parent / "pg_dump_sample.sql").read_text()
    result = parse(dump, "dump.sql")
    assert [p for p in result.problems if p.severity == "error"] == []
    s = result.schema
    assert sorted(t.key for t in s.tables) == [("public", "notes"), ("shop", "customers"), ("shop", "orders")]
    orders = table(s, "orders", "shop")
    assert orders.column("id").default == "nextval('shop.orders_id_seq'::regclass)"
    assert orders.column("status").type == "shop.status"
    assert [q.name for q in s.sequences] == ["invoice_no"]  # orders_id_seq is the serial's own
    assert table(s, "customers", "shop").column("id").identity == Identity(always=True)
    assert orders.comment == "orders; with a semicolon"
    assert [(u.kind, u.name) for u in result.unmanaged] == [
        ("comment on extension", "pgcrypto"), ("view", "shop.big_orders")]
    skipped = [p.message for p in result.problems if p.code == "skipped-statement"]
    assert sum("COPY" in m for m in skipped) == 3
    assert sum("meta-command" in m for m in skipped) == 2


def test_a_thousand_table_schema_parses_fast(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate_schema import generate_schema  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    text = generate_schema(1000)
    best = best_cpu = float("inf")
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        result = parse_postgresql([("big.sql", text)])
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert len(result.schema.tables) == 1000
    assert not [p for p in result.problems if p.severity == "error"]
    with capsys.disabled():
        print(f"\nparse_postgresql: {text.count(chr(10))} lines, 1000 tables in {best:.3f} s "
              f"wall, {best_cpu:.3f} s CPU (best of 3)")
