"""Bounded fuzz profile of the language server (the long one:
`python3 -m tests.robustness.lsp_fuzz --long`): one real server over stdio, hostile edits,
every request answered, no crash, no protocol error."""

from __future__ import annotations

from tests.robustness.lsp_fuzz import fuzz_server


async def test_hostile_edits_never_break_the_language_server(pg_url: str) -> None:
    figures = await fuzz_server(pg_url, edits=300)
    assert figures.edits == 300 and figures.requests == 900 + 3 * 2  # and the known inputs, per dialect
    assert figures.failures == []
