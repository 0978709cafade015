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
    s = ok(f"""CREATE SEQUENCE t_id_seq;
CREATE TABLE t (id integer NOT NULL DEFAULT nextval('{name}'::regclass));
ALTER SEQUENCE t_id_seq OWNED BY t.id;""")
    assert s.sequences == []
    assert ok("CREATE SEQUENCE other_seq OWNED BY NONE;\nCREATE TABLE t (id int DEFAULT nextval('other_seq'));").sequences
