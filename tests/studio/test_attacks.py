"""The studio attacks' bounded profile (issue 15): every attempt is refused. The long profile
and its figures table: `python3 -m tests.studio.attacks --long` (README, "Studio attacks")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.studio import attacks
from tests.studio.conftest import BROWSER

pytestmark = BROWSER


def test_no_studio_attack_gets_through(browser: Any, pg_server_url: str) -> None:
    tally = attacks.run(pg_server_url, browser)
    print("\n" + tally.table())
    assert set(tally.tried) == set(attacks.CATEGORIES) and all(tally.tried[c] > 0 for c in attacks.CATEGORIES)
    assert tally.breaches == [], "\n".join(tally.breaches)


def test_the_tally_counts_what_got_through() -> None:
    tally = attacks.Tally()
    tally.record(attacks.CATEGORIES[0], "refused", False)
    tally.record(attacks.CATEGORIES[0], "forged write", True)
    assert tally.tried[attacks.CATEGORIES[0]] == 2 and tally.succeeded[attacks.CATEGORIES[0]] == 1
    assert tally.breaches == [f"{attacks.CATEGORIES[0]}: forged write"]
    assert "| CSRF from another origin | 2 | 1 |" in tally.table()
