"""Column collations against the server: a file's COLLATE, however written, makes the
database push makes and reads back as no drift on the file's own database ("default" is
the collation the catalog names for no column)."""

from __future__ import annotations

import pytest

from tests.db.dialects.postgresql.test_expressions import assert_push_makes_the_files_database

COLLATIONS = ['"default"', 'pg_catalog."default"', '"C"', 'pg_catalog."C"', '"POSIX"', '"ucs_basic"',
              '"und-x-icu"', '"en-US-x-icu"']


@pytest.mark.parametrize("collation", COLLATIONS)
@pytest.mark.parametrize("type_", ["varchar", "text", "character(3)", "text[]"])
def test_a_column_collation_makes_the_files_database(pg_server_url: str, collation: str, type_: str) -> None:
    assert_push_makes_the_files_database(
        pg_server_url, f"CREATE TABLE t (id integer, c {type_} COLLATE {collation} NOT NULL);\n")
