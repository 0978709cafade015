"""Table and index properties read from files: storage parameters as PostgreSQL keeps them,
UNLOGGED, replica identity, the row level security flags; and what is left unmanaged is said."""

from __future__ import annotations

from tests.unit.dialects.postgresql.files.helpers import codes, ok, parse, table


def test_storage_parameters_are_kept_as_postgresql_stores_them() -> None:
    schema = ok("""CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY WITH (fillfactor=80), a text)
WITH (fillfactor='070', autovacuum_enabled, toast.autovacuum_enabled=false, x=0.20, y=off, oids=false);
CREATE INDEX i ON t (a) WITH (deduplicate_items=ON, fillfactor=50);""")
    t = table(schema, "t")
    assert t.storage == {"fillfactor": "070", "autovacuum_enabled": "true", "toast.autovacuum_enabled": "false",
                         "x": "0.20", "y": "off"}
    assert t.primary_key.storage == {"fillfactor": "80"}
    assert t.indexes[0].storage == {"deduplicate_items": "on", "fillfactor": "50"}


def test_set_moves_an_option_to_the_end_and_reset_removes_it() -> None:
    schema = ok("""CREATE TABLE t (id int, CONSTRAINT t_u UNIQUE (id)) WITH (fillfactor=70, parallel_workers=2);
CREATE INDEX i ON t (id);
ALTER TABLE t SET (fillfactor=60), RESET (parallel_workers);
ALTER TABLE t SET (autovacuum_enabled=false, fillfactor=50);
ALTER INDEX i SET (fillfactor=40);
ALTER INDEX t_u SET (fillfactor=30);
ALTER INDEX i RESET (fillfactor);""")
    t = table(schema, "t")
    assert list(t.storage.items()) == [("autovacuum_enabled", "false"), ("fillfactor", "50")]
    assert t.indexes[0].storage == {}
    assert t.uniques[0].storage == {"fillfactor": "30"}


def test_alter_index_on_an_index_the_files_do_not_define_is_reported() -> None:
    result = parse("CREATE TABLE t (id int PRIMARY KEY);\nALTER INDEX elsewhere SET (fillfactor=40);")
    assert codes(result) == ["unmanaged"]
    assert "change to index elsewhere" in result.problems[0].message


def test_alter_index_finds_a_key_by_the_name_postgresql_gave_it() -> None:
    schema = ok("CREATE TABLE t (id int PRIMARY KEY);\nALTER INDEX t_pkey SET (fillfactor=40);")
    assert table(schema, "t").primary_key.storage == {"fillfactor": "40"}
    assert table(schema, "t").primary_key.name is None  # still unnamed: t_pkey is what it gets


def test_index_statistics_are_kept_by_column_number() -> None:
    schema = ok("""CREATE TABLE t (a text, b int);
CREATE INDEX i ON t (lower(a), b, (b + 1));
ALTER INDEX i ALTER COLUMN 3 SET STATISTICS 50;
ALTER INDEX i ALTER COLUMN 1 SET STATISTICS 300;
ALTER INDEX i ALTER COLUMN 3 SET STATISTICS -1;""")
    assert table(schema, "t").indexes[0].statistics == {1: 300}


def test_index_statistics_on_a_plain_column_are_refused_as_postgresql_does() -> None:
    result = parse("""CREATE TABLE t (id int PRIMARY KEY, a text);
CREATE INDEX i ON t (a, lower(a));
ALTER INDEX i ALTER COLUMN 1 SET STATISTICS 5;
ALTER INDEX i ALTER COLUMN 9 SET STATISTICS 5;
ALTER INDEX t_pkey ALTER COLUMN 1 SET STATISTICS 5;""")
    assert codes(result, "error") == ["invalid-statistics"] * 3
    assert [p.span.start_line for p in result.problems] == [2, 3, 4]  # 0-based


def test_unlogged_replica_identity_and_row_security() -> None:
    schema = ok("""CREATE UNLOGGED TABLE t (id int CONSTRAINT t_pk PRIMARY KEY);
CREATE TABLE u (id int);
ALTER TABLE t REPLICA IDENTITY USING INDEX t_pk, ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE u SET UNLOGGED, REPLICA IDENTITY FULL, FORCE ROW LEVEL SECURITY;
ALTER TABLE u SET LOGGED, NO FORCE ROW LEVEL SECURITY, ENABLE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY;""")
    t, u = table(schema, "t"), table(schema, "u")
    assert (t.unlogged, t.replica_identity, t.replica_index, t.row_security, t.force_row_security) == (
        True, "index", "t_pk", True, True)
    assert (u.unlogged, u.replica_identity, u.replica_index, u.row_security, u.force_row_security) == (
        False, "full", None, False, False)


def test_comments_on_indexes_and_constraints() -> None:
    schema = ok("""CREATE TABLE s (id int CONSTRAINT "my.pk" PRIMARY KEY, b int CONSTRAINT c CHECK (b > 0));
CREATE INDEX i ON s (b);
COMMENT ON INDEX i IS 'it''s
an index';
COMMENT ON CONSTRAINT "my.pk" ON s IS 'key';
COMMENT ON CONSTRAINT c ON public.s IS 'check';
COMMENT ON CONSTRAINT c ON s IS NULL;""")
    s = table(schema, "s")
    assert s.indexes[0].comment == "it's\nan index"
    assert s.primary_key.comment == "key"
    assert s.checks[0].comment is None


def test_comments_the_model_cannot_hold_are_reported() -> None:
    result = parse("""CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, d int, CONSTRAINT x EXCLUDE (d WITH =));
COMMENT ON INDEX t_pk IS 'the key''s own index';
COMMENT ON CONSTRAINT x ON t IS 'exclusion';
COMMENT ON CONSTRAINT t_d_check ON t IS 'a name the database would choose';""")
    assert codes(result) == ["unmanaged"] * 4
    assert [u.kind for u in result.unmanaged] == [
        "exclusion constraint", "comment on index", "comment on constraint", "comment on constraint"]


def test_exclusion_constraints_are_reported_wherever_they_are_added() -> None:
    result = parse("CREATE TABLE t (d int);\nALTER TABLE t ADD CONSTRAINT x EXCLUDE USING btree (d WITH =);")
    assert [(u.kind, u.name) for u in result.unmanaged] == [("exclusion constraint", "x on public.t")]
    assert result.unmanaged[0].span.start_line == 1


def test_tablespaces_and_access_methods_are_reported() -> None:
    result = parse("""CREATE TABLE t (id int, CONSTRAINT k UNIQUE (id) USING INDEX TABLESPACE pg_default)
USING heap TABLESPACE pg_default;
CREATE INDEX i ON t (id) TABLESPACE pg_default;""")
    assert codes(result) == ["unmanaged"] * 3


def test_column_statistics_are_kept_as_postgresql_stores_them() -> None:
    result = parse("""CREATE TABLE t (a int, b int, c int);
ALTER TABLE t ALTER COLUMN a SET STATISTICS 1000, ALTER COLUMN b SET STATISTICS 0;
ALTER TABLE ONLY t ALTER COLUMN b SET (n_distinct=-0.50, n_distinct_inherited=3), ALTER COLUMN c SET (n_distinct=7);
ALTER TABLE t ALTER COLUMN b SET (n_distinct=-1), ALTER COLUMN c RESET (n_distinct);
ALTER TABLE t ALTER COLUMN a SET STATISTICS -1, ALTER COLUMN c SET STATISTICS 5;""")
    assert codes(result) == []
    a, b, c = table(result.schema, "t").columns
    assert (a.statistics, a.statistics_options) == (None, {})
    assert b.statistics == 0 and list(b.statistics_options.items()) == [("n_distinct_inherited", "3"),
                                                                        ("n_distinct", "-1")]
    assert (c.statistics, c.statistics_options) == (5, {})


def test_statistics_of_an_unknown_column_are_an_error() -> None:
    assert codes(parse("CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN x SET STATISTICS 10;")) == [
        "unknown-column"]
