"""Bounded fuzz profile of both schema readers (the long one: `python3 -m tests.robustness.fuzz --long`).

Hypothesis picks the hostile files (a corpus file and a mutation, see inputs.py); each is
read in a worker process with a deadline: no input may raise (bad input is a problem at
its place, never an exception) or fail to finish.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.harness import Worker
from tests.robustness.inputs import DIALECTS, MUTATIONS, corpus


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.close()


@st.composite
def hostile_files(draw: st.DrawFn, dialect: str) -> str:
    import random

    text = draw(st.sampled_from(corpus(dialect)))
    mutation = draw(st.sampled_from(sorted(MUTATIONS)))
    return MUTATIONS[mutation](text, random.Random(draw(st.integers(0, 2**32))))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_hostile_file_crashes_or_hangs_a_reader(worker: Worker, dialect: str) -> None:
    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(hostile_files(dialect))
    def reads(text: str) -> None:
        outcome = worker.run(dialect, text)
        assert outcome.kind == "ok", outcome.detail

    reads()


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("text", [
    "CREATE TABLE t (a integer NOT NULL DEFAULT",
    "CREATE TABLE t (a int, FOREIGN KEY((a) REFERENCES u(b))",
    "CREATE TABLE t (a int, FOREIGN KEY (a",
    "CREATE TABLE t (a int CHECK (" + "(" * 10_000,
    "CREATE TABLE t (a int CHECK (" + "(" * 10_000 + "a" + ")" * 10_000 + " > 0));",
    "\ufeffCREATE TABLE t (\r\n a int\r\n);\r\n",
    "CREATE TABLE t (a int);\x00CREATE TABLE u (b int);",
    "CREATE TABLE t (a int); -- \udcff",
    'CREATE TABLE "' + "x" * 100_000 + '" (a int);',
], ids=["unfinished-default", "fk-double-parens", "fk-unclosed", "deep-unclosed", "deep", "bom-crlf", "nul",
        "surrogate", "huge-identifier"])
def test_the_inputs_that_broke_a_reader(worker: Worker, dialect: str, text: str) -> None:
    outcome = worker.run(dialect, text)
    assert outcome.kind == "ok", outcome.detail
