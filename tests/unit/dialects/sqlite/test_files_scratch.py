"""The scratch databases spread a file's tables over many schemas and connections (to keep
SQLite's catalog rescans bounded); what the reader makes of a file must be what one SQLite
database makes of it: the same schema, spans, problems (messages, file:line:column) and
unmanaged objects, whatever the spread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalens.dialects.sqlite.files import _Reader, _Scratch
from tests.data import CORPUS
from tests.ddl import sqlite as ddl
from tests.unit.dialects.sqlite.test_files import _ONE_DATABASE_SCRIPTS

APPS = Path(__file__).resolve().parents[3] / "data" / "apps" / "sqlite"


def read(files: list[tuple[str, str]], scratch: _Scratch) -> str:
    reader = _Reader(scratch)
    for path, text in files:
        reader.read(path, text)
    return repr(reader.result())  # repr, not ==: spans take no part in equality


def one_database() -> _Scratch:
    """Every object in one schema: SQLite's own behaviour, the reference."""
    return _Scratch(per_schema=10**9)


def spread_thin() -> _Scratch:
    """One table per schema and three schemas per connection: every statement that names
    two tables crosses schemas, most cross connections."""
    scratch = _Scratch(per_schema=1)
    scratch.attach_limit = 2
    return scratch


def assert_same(files: list[tuple[str, str]]) -> None:
    assert read(files, spread_thin()) == read(files, one_database())


def _corpus_texts() -> list[tuple[str, str]]:
    cases = [json.loads(line) for line in (CORPUS / "sqldef-sqlite.jsonl").read_text().splitlines() if line.strip()]
    return [(c["name"], c[side]) for c in cases for side in ("current", "desired") if c[side]]


def test_every_corpus_text_reads_as_in_one_database() -> None:
    texts = _corpus_texts()
    assert len(texts) > 100
    for name, text in texts:
        assert read([("s.sql", text)], spread_thin()) == read([("s.sql", text)], one_database()), name


@pytest.mark.parametrize("app", sorted(p.name for p in APPS.glob("*.sql")))
def test_application_schemas_read_as_in_one_database(app: str) -> None:
    assert_same([(app, (APPS / app).read_text())])


@pytest.mark.parametrize("script", _ONE_DATABASE_SCRIPTS)
def test_statements_spanning_tables_read_as_in_one_database(script: str) -> None:
    assert_same([("s.sql", script)])


def test_files_after_a_gather_read_as_in_one_database() -> None:
    """A rename gathers every object into one schema; the files after it keep adding there."""
    tables = "".join(f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, p int REFERENCES t{max(i - 1, 0)});\n"
                     f"CREATE INDEX t{i}_p ON t{i} (p);\n" for i in range(12))
    later = "CREATE TABLE t0 (x);\nCREATE INDEX t3_p ON t4 (p);\nCREATE TABLE u (q);\nDROP TABLE t5;\n"
    assert_same([("a.sql", tables + "ALTER TABLE t2 RENAME TO t2b;\n"), ("b.sql", later)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from(ddl.FEATURES), max_size=4), min_size=2, max_size=6).flatmap(
    lambda flags: st.tuples(*(ddl.models(frozenset(f)) for f in flags))))
def test_generated_schemas_read_as_in_one_database(models: tuple) -> None:
    """Several generated files in a row: names clash between them, so errors and
    IF NOT EXISTS duplicates are read across schemas and connections too."""
    assert_same([(f"f{i}.sql", ddl.render(model)) for i, model in enumerate(models)])
