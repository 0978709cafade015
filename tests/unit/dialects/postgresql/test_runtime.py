"""PostgreSQL's runtime rules that need no server: the console's read/write classification."""

from __future__ import annotations

import pytest

from schemalens import dialects
from schemalens.dialects.base import SplitError, StatementDenied

runtime = dialects.get("postgresql").runtime


@pytest.mark.parametrize("sql", ["SELECT 1", "SELECT * FROM t WHERE a = 'x;y'", "SHOW search_path",
                                 "EXPLAIN SELECT 1", "TABLE t", "VALUES (1), (2)"])
def test_queries_are_reads(sql: str) -> None:
    assert runtime.may_write(sql) is False


@pytest.mark.parametrize("sql", [
    "SELECT * INTO newt FROM t",  # a field of SelectStmt, not a node: was classified as a read
    "SELECT * FROM t FOR UPDATE", "SELECT * FROM t FOR SHARE",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "SELECT pg_terminate_backend(123)",
    "SELECT set_config('a.b', 'c', false)", "EXPLAIN ANALYZE DELETE FROM t", "INSERT INTO t VALUES (1)",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "CREATE TABLE x (id int)", "TRUNCATE t",
    "VACUUM t", "LOCK TABLE t", "COPY t FROM '/tmp/x'", "DO $$ BEGIN DELETE FROM t; END $$", "CALL p()",
    "NOTIFY ch", "SET search_path = x", "REFRESH MATERIALIZED VIEW v", "SELECT lo_import('/etc/passwd')",
    "SELECT pg_advisory_lock_shared(1)", "SELECT pg_try_advisory_xact_lock_shared(1, 2)", "SELECT nextval('s')",
    "SELECT * FROM dblink_connect('x')", "SELECT pg_stat_reset_shared('io')", "SELECT setval('s', 1)",
])
def test_anything_that_may_write_is_a_write(sql: str) -> None:
    assert runtime.may_write(sql) is True


def test_transaction_control_and_bad_sql_are_refused() -> None:
    with pytest.raises(StatementDenied):
        runtime.may_write("BEGIN")
    with pytest.raises(SplitError):
        runtime.may_write("SELEC 1")
