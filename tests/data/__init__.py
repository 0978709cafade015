"""Test data kept with the tests, so that a clean checkout runs every test."""

from __future__ import annotations

from pathlib import Path

# The conformance corpus: cases from sqldef's test suite (MIT; see corpus/README.md).
CORPUS = Path(__file__).resolve().parent / "corpus"
