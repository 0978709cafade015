"""Test data kept with the tests, so that a clean checkout runs every test."""

from __future__ import annotations

from pathlib import Path

# The conformance corpus: cases from sqldef's test suite (MIT; see corpus/README.md).
CORPUS = Path(__file__).resolve().parent / "corpus"

# Corpus features schemalens does not manage yet, by dialect: a case with one is out of
# scope (its objects are reported "not managed", which test_conformance checks).
_NOT_MANAGED = frozenset({
    "view", "materialized_view", "function", "procedure", "trigger", "policy", "privilege", "grant",
    "ownership", "domain", "collation", "partition", "inheritance", "session_set", "exclusion_constraint",
})
OUT_OF_SCOPE = {"postgresql": _NOT_MANAGED, "sqlite": _NOT_MANAGED - {"view", "trigger"}}
