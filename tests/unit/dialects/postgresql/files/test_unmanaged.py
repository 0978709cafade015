"""What is not modeled is reported, never half-modeled."""

from __future__ import annotations

from schemalens.model import Span
from tests.unit.dialects.postgresql.files.helpers import codes, parse, table


def test_unmanaged_objects_are_reported_never_modeled() -> None:
    result = parse("""CREATE TABLE t (id int, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE VIEW v AS SELECT * FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT 1;
CREATE INDEX mv_i ON mv (x);
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
CREATE TABLE parted (id int) PARTITION BY RANGE ((id + 1));
CREATE TABLE child () INHERITS (t);
CREATE TEMPORARY TABLE fast (id int);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE POLICY p ON t USING (true);
GRANT SELECT ON t TO public;
ALTER TABLE parted ADD PRIMARY KEY (id);
""")
    assert [t.name for t in result.schema.tables] == ["t"]
    assert table(result.schema, "t").column("during") is not None
    kinds = [(u.kind, u.name) for u in result.unmanaged]
    assert kinds[:4] == [("exclusion constraint", "(unnamed) on public.t"), ("view", "v"),
                         ("materialized view", "mv"), ("index", "mv_i")]
    assert {k for k, _ in kinds} >= {"function", "trigger", "table", "domain", "policy", "privilege"}
    assert all(p.severity == "warning" and p.code == "unmanaged" for p in result.problems)
    assert len(result.problems) == len(result.unmanaged) == 13
    view = next(p for p in result.problems if "view v " in p.message)
    assert view.message == "view v is not managed by schemalens: it is left as it is in the database"
    assert view.span == Span("schema.sql", 1, 0, 1, 32)


def test_a_table_partitioned_by_plain_columns_is_managed_one_by_an_expression_is_not() -> None:
    result = parse("""CREATE TABLE byday (id int, at date) PARTITION BY RANGE (at, id);
CREATE TABLE byexpr (id int) PARTITION BY LIST ((id % 2));""")
    assert [(t.name, t.partition_by) for t in result.schema.tables] == [("byday", "RANGE (at, id)")]
    assert [(u.kind, u.name) for u in result.unmanaged] == [("table", "byexpr")]


def test_types_defined_but_not_managed_are_not_unknown() -> None:
    result = parse("""CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE pair AS (a int, b int);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TABLE t (a posint, b pair[], c floatrange);""")
    assert codes(result) == ["unmanaged"] * 3
    assert [c.type for c in result.schema.tables[0].columns] == ["public.posint", "public.pair[]", "public.floatrange"]
