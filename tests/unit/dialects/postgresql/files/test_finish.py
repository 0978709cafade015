"""What is settled after the last statement: types resolved, references checked."""

from __future__ import annotations

import pytest

from tests.unit.dialects.postgresql.files.helpers import ok, parse


def test_reference_problems() -> None:
    result = parse("""CREATE TABLE a (id int PRIMARY KEY, x int);
CREATE TABLE b (
  aid int REFERENCES nowhere (id),
  bid int REFERENCES a (nope),
  cid int REFERENCES a (x)
);
CREATE INDEX bad ON a (missing);
ALTER TABLE ghost ADD COLUMN y int;
ALTER TABLE a ALTER COLUMN zz SET NOT NULL;
""")
    found = sorted((p.code, p.span.start_line, p.span.start_col, p.span.end_line, p.span.end_col)
                   for p in result.problems)
    assert found == [
        ("invalid-foreign-key", 4, 10, 4, 26),  # a.x is not unique: the constraint
        ("unknown-column", 3, 10, 3, 29),       # REFERENCES a (nope): the constraint
        ("unknown-column", 6, 0, 6, 31),        # CREATE INDEX bad ON a (missing): the statement
        ("unknown-column", 8, 0, 8, 42),        # ALTER COLUMN zz: the statement
        ("unknown-table", 2, 21, 2, 28),        # REFERENCES nowhere: the name
        ("unknown-table", 7, 12, 7, 17),        # ALTER TABLE ghost: the name
    ]
    assert all(p.severity == "error" for p in result.problems)


def test_unknown_type_is_a_warning_unless_an_extension_may_define_it() -> None:
    result = parse("CREATE TABLE t (a citext, b public.geometry, c int4, d text[]);")
    warnings = [(p.code, p.severity, p.span.start_col) for p in result.problems]
    assert warnings == [("unknown-type", "warning", 16), ("unknown-type", "warning", 26)]
    assert parse("CREATE EXTENSION citext; CREATE TABLE t (a citext);").problems == []


@pytest.mark.parametrize("name", ["t_id_seq", "public.t_id_seq", '"public"."t_id_seq"', '"public".t_id_seq',
                                  '"t_id_seq"'])
def test_a_sequence_owned_by_the_column_drawing_from_it_is_that_columns_serial_sequence(name: str) -> None:
    s = ok(f"""CREATE SEQUENCE t_id_seq AS integer;
CREATE TABLE t (id integer NOT NULL DEFAULT nextval('{name}'::regclass));
ALTER SEQUENCE t_id_seq OWNED BY t.id;""")
    assert s.sequences == []


@pytest.mark.parametrize("sequence, column", [
    ("CREATE SEQUENCE t_id_seq", "id integer NOT NULL"),  # AS bigint: not what serial makes
    ("CREATE SEQUENCE t_id_seq AS integer START 10", "id integer NOT NULL"),
    ("CREATE SEQUENCE t_id_seq AS integer CACHE 5", "id integer NOT NULL"),
    ("CREATE SEQUENCE t_id_seq AS integer", "id integer"),  # serial makes the column NOT NULL
    ("CREATE SEQUENCE t_id_seq AS smallint", "id integer NOT NULL"),
])
def test_an_owned_sequence_that_is_not_what_serial_makes_stays_listed(sequence: str, column: str) -> None:
    s = ok(f"""{sequence};
CREATE TABLE t ({column} DEFAULT nextval('t_id_seq'::regclass));
ALTER SEQUENCE t_id_seq OWNED BY t.id;""")
    assert [(q.name, q.owned_by) for q in s.sequences] == [("t_id_seq", ("public", "t", "id"))]


@pytest.mark.parametrize("after, listed", [
    ("ALTER SEQUENCE t_id_seq START 100", [("integer", 100, ("public", "t", "id"))]),
    ("ALTER SEQUENCE t_id_seq OWNED BY NONE", [("integer", None, None)]),
    ("ALTER SEQUENCE t_id_seq AS bigint", [("bigint", None, ("public", "t", "id"))]),
    ("ALTER TABLE t ALTER id TYPE bigint", [("integer", None, ("public", "t", "id"))]),
    ("ALTER TABLE t ALTER id DROP DEFAULT", [("integer", None, ("public", "t", "id"))]),
    ("ALTER TABLE t ALTER id DROP NOT NULL", [("integer", None, ("public", "t", "id"))]),
    ("ALTER SEQUENCE t_id_seq INCREMENT 1", []),  # still what serial makes
    ("ALTER TABLE t DROP id", []),                # the sequence goes with its column
])
def test_a_serials_sequence_is_listed_once_a_statement_makes_it_differ(after: str, listed: list) -> None:
    s = ok(f"CREATE TABLE t (id serial, x int);\n{after};")
    assert [(q.data_type, q.start, q.owned_by) for q in s.sequences] == listed


def test_renaming_a_serials_sequence_carries_the_default_along() -> None:
    s = ok("CREATE TABLE t (id serial);\nALTER SEQUENCE t_id_seq RENAME TO ids;")
    assert s.sequences == []
    assert s.tables[0].columns[0].default == "nextval('public.ids'::regclass)"
    assert ok("CREATE SEQUENCE other_seq OWNED BY NONE;\nCREATE TABLE t (id int DEFAULT nextval('other_seq'));").sequences
