"""Which object a `@renamed` comment belongs to, and the grammar's spellings in a PostgreSQL file."""

from __future__ import annotations

import pytest

from tests.unit.dialects.postgresql.files.helpers import ok, table


def test_rename_directives_on_tables_and_columns() -> None:
    s = ok("""CREATE TABLE accounts ( -- @renamed from=old_accounts
  id bigint NOT NULL,
  user_name text, -- @renamed from=username
  "Email" text, -- @renamed from="E-Mail"
  age integer
);
CREATE TABLE new_users /* @renamed from=Old_Users */ (id int, n int -- @renamed from=m
);
CREATE TABLE plain (a int, b int);""")
    accounts = table(s, "accounts")
    assert accounts.renamed_from == "old_accounts"
    assert [c.renamed_from for c in accounts.columns] == [None, "username", "E-Mail", None]
    users = table(s, "new_users")
    assert users.renamed_from == "old_users"
    assert [c.renamed_from for c in users.columns] == [None, "m"]
    assert table(s, "plain").renamed_from is None


@pytest.mark.parametrize("directive", ["from = users", "from='users'", 'from = "users"', "from=USERS"])
def test_rename_directive_spellings_of_the_one_grammar(directive: str) -> None:
    s = ok(f"""CREATE TABLE people ( -- @renamed {directive}
  id int,
  full_name text -- @renamed {directive.replace("users", "name").replace("USERS", "NAME")}
);
CREATE INDEX people_idx ON people (id); -- @renamed {directive.replace("users", "old_idx").replace("USERS", "OLD_IDX")}""")
    people = table(s, "people")
    assert people.renamed_from == "users"
    assert people.column("full_name").renamed_from == "name"
    assert people.indexes[0].renamed_from == "old_idx"


def test_a_quoted_old_name_keeps_its_case_a_bare_one_folds() -> None:
    s = ok("""CREATE TABLE a ( -- @renamed from='Old A'
  x int);
CREATE TABLE b /* @renamed from=Old_B */ (x int);""")
    assert (table(s, "a").renamed_from, table(s, "b").renamed_from) == ("Old A", "old_b")


def test_rename_directives_on_indexes() -> None:
    s = ok("""CREATE TABLE t (a int, b int, c int);
CREATE INDEX new_a /* @renamed from="Old_A" */ ON t (a);
CREATE INDEX new_b ON t (b); -- @renamed from=old_b
CREATE INDEX c_idx ON t (c);
CREATE INDEX ON t (c) /* @renamed from=ignored_without_a_name */;""")
    assert [(i.name, i.renamed_from) for i in table(s, "t").indexes] == [
        ("new_a", "Old_A"), ("new_b", "old_b"), ("c_idx", None), (None, None)]


def test_a_qualified_bare_name_says_the_table_moves_from_that_schema() -> None:
    s = ok("""CREATE SCHEMA app;
CREATE TABLE app.orders ( -- @renamed from=Public.Orders
  id int);
CREATE TABLE app."dotted" ( -- @renamed from="old.name"
  id int);""")
    moved = table(s, "orders", "app")
    assert (moved.renamed_from_schema, moved.renamed_from) == ("public", "orders")
    dotted = table(s, "dotted", "app")
    assert (dotted.renamed_from_schema, dotted.renamed_from) == (None, "old.name")  # quoted: one name
