"""Names PostgreSQL gives what a file leaves unnamed, as they were when each object was
made (files/creation_names.py): kept through later renames and drops, and usable by name."""

from __future__ import annotations

from schemalens.dialects.postgresql.names import generated_names
from tests.unit.dialects.postgresql.files.helpers import codes, ok, parse, table


def test_a_renamed_tables_keys_keep_their_first_names() -> None:
    schema = ok("""CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int CHECK (b > 0), r int REFERENCES t (id));
ALTER TABLE t RENAME TO t2;
ALTER TABLE t2 RENAME COLUMN a TO aa;
CREATE TABLE t (id int PRIMARY KEY);""")
    old, new = table(schema, "t2"), table(schema, "t")
    assert (old.primary_key.name, old.uniques[0].name, old.checks[0].name, old.foreign_keys[0].name) == \
        ("t_pkey", "t_a_key", "t_b_check", "t_r_fkey")
    assert new.primary_key.name is None
    assert generated_names(schema)[id(new.primary_key)] == "t_pkey1"  # t_pkey was taken


def test_names_stay_unnamed_where_the_final_schema_gives_them_anyway() -> None:
    schema = ok("""CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE);
CREATE TABLE u (id int);
DROP TABLE u;""")
    t = table(schema, "t")
    assert (t.primary_key.name, t.uniques[0].name) == (None, None)


def test_statements_may_name_what_postgresql_named() -> None:
    schema = ok("""CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int CHECK (b > 0), c int);
CREATE INDEX ON t (c);
ALTER TABLE t DROP CONSTRAINT t_a_key;
ALTER TABLE t RENAME CONSTRAINT t_b_check TO positive_b;
ALTER INDEX t_pkey RENAME TO t_primary;
DROP INDEX t_c_idx;
COMMENT ON CONSTRAINT positive_b ON t IS 'b';""")
    t = table(schema, "t")
    assert t.uniques == [] and t.indexes == []
    assert (t.primary_key.name, t.checks[0].name, t.checks[0].comment) == ("t_primary", "positive_b", "b")


def test_an_unknown_name_is_still_an_error() -> None:
    result = parse("CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t DROP CONSTRAINT t_id_key;")
    assert codes(result, "error") == ["unknown-constraint"]


def test_an_identity_sequence_keeps_the_name_it_was_made_with() -> None:
    schema = ok("""CREATE TABLE jobs (id int GENERATED ALWAYS AS IDENTITY, n int);
ALTER SEQUENCE jobs_id_seq INCREMENT BY 5;
ALTER TABLE jobs RENAME TO old_jobs;
CREATE TABLE jobs (id int GENERATED ALWAYS AS IDENTITY);
CREATE TABLE named (id int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME my_seq));
CREATE TABLE plain (id int GENERATED ALWAYS AS IDENTITY);""")
    old = table(schema, "old_jobs").columns[0].identity
    assert (old.sequence_name, old.increment) == ("jobs_id_seq", 5)
    assert table(schema, "jobs").columns[0].identity.sequence_name == "jobs_id_seq1"
    assert table(schema, "named").columns[0].identity.sequence_name == "my_seq"
    assert table(schema, "plain").columns[0].identity.sequence_name is None


def test_an_identity_sequence_is_a_relation() -> None:
    result = parse("""CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY);
CREATE SEQUENCE t_id_seq;
DROP SEQUENCE t_id_seq;""")
    assert codes(result, "error") == ["duplicate-name", "dependent-objects"]
