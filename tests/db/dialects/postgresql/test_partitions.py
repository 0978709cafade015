"""The oracle on partitioned tables (issue 12): a table PARTITION BY RANGE/LIST/HASH of plain
columns is managed. A database made by `psql -f F` and one made by push of F dump alike,
check is clean on both and a second push plans nothing; changing PARTITION BY is refused
(it needs a rebuild that would lose the rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.db.oracle_contract import judge, transition

FILES = [
    "CREATE TABLE m (id int NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at);",
    "CREATE TABLE m (id int, kind text, PRIMARY KEY (id, kind)) PARTITION BY LIST (kind);\n"
    "CREATE INDEX m_id ON m (id);",
    'CREATE TABLE "M x" ("Id" bigint, b int) PARTITION BY HASH ("Id", b);',
]


@pytest.mark.parametrize("sql", FILES)
def test_partitioned_table_oracle(sql: str, pg_server_url: str, tmp_path: Path) -> None:
    verdicts = judge("postgresql", sql, pg_server_url, tmp_path)
    assert {k: v for k, v in verdicts.items() if v} == {}


def test_changing_partition_by_is_refused(pg_server_url: str, tmp_path: Path) -> None:
    failed = transition("postgresql", "CREATE TABLE m (a int, b int) PARTITION BY RANGE (a);",
                        "CREATE TABLE m (a int, b int) PARTITION BY LIST (b);", pg_server_url, tmp_path)
    assert failed is not None and "PARTITION BY" in failed
