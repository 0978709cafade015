import json
import pickle

from hypothesis import given
from hypothesis import strategies as st

from schemalens.model import (Anchor, Check, Column, Enum, Extension, ForeignKey, Identity, Index, Namespace,
                              PrimaryKey, Schema, Sequence, Span, Table, Unique, from_json, to_json)

names = st.text(alphabet="abcxyz_É\"", min_size=1, max_size=6)
opt_names = st.none() | names
spans = st.none() | st.builds(Span, st.just("f.sql"), st.integers(0, 9), st.integers(0, 9),
                              st.integers(0, 9), st.integers(0, 9))
identities = st.none() | st.builds(Identity, st.booleans(), st.none() | st.integers(-5, 5))
columns = st.builds(Column, names, st.sampled_from(["integer", "text", "public.mood"]), st.booleans(),
                    st.none() | st.just("0"), identities, span=spans, renamed_from=opt_names)
tables = st.builds(
    Table, st.sampled_from(["public", "app"]), names, st.lists(columns, max_size=4),
    st.none() | st.builds(PrimaryKey, opt_names, st.lists(names, min_size=1, max_size=2)),
    st.lists(st.builds(Unique, opt_names, st.lists(names, min_size=1), st.booleans()), max_size=2),
    st.lists(st.builds(ForeignKey, opt_names, st.lists(names, min_size=1), st.just("public"), names,
                       st.lists(names, min_size=1)), max_size=2),
    st.lists(st.builds(Check, opt_names, st.just("(a > 0)")), max_size=2),
    st.lists(st.builds(Index, opt_names, st.lists(names, min_size=1), st.booleans(),
                       where=st.none() | st.just("(a IS NULL)")), max_size=2),
    comment=st.none() | names, span=spans,
)
schemas = st.builds(
    Schema, st.sampled_from(["postgresql", "sqlite"]), st.lists(st.builds(Namespace, names), max_size=2),
    st.lists(st.builds(Extension, names), max_size=2),
    st.lists(st.builds(Enum, st.just("public"), names, st.lists(names, max_size=3)), max_size=2),
    st.lists(st.builds(Sequence, st.just("public"), names,
                       owned_by=st.none() | st.tuples(st.just("public"), names, names)), max_size=2),
    st.lists(tables, max_size=3),
)


@given(schemas)
def test_canonical_json_round_trips_through_text(schema: Schema) -> None:
    data = json.loads(json.dumps(to_json(schema)))
    canonical = from_json(data)
    assert to_json(canonical) == data
    assert from_json(json.loads(json.dumps(to_json(canonical)))) == canonical
    assert len(canonical.tables) == len(schema.tables)
    for table in schema.tables:  # nothing lost: every table comes back equal
        assert table in canonical.tables or any(
            to_json(Schema("x", tables=[table])) == to_json(Schema("x", tables=[t])) for t in canonical.tables)


def test_canonical_json_is_independent_of_declaration_order_and_spans() -> None:
    a = Table("public", "a", [Column("id", "integer")], span=Span("x.sql", 1, 0, 1, 5))
    b = Table("public", "b", [Column("id", "integer")])
    first = to_json(Schema("postgresql", tables=[a, b]))
    second = to_json(Schema("postgresql", tables=[b, Table("public", "a", [Column("id", "integer")])]))
    assert first == second
    assert "span" not in json.dumps(first)


def test_column_order_is_kept() -> None:
    t = Table("public", "t", [Column("b", "text"), Column("a", "text")])
    assert [c["name"] for c in to_json(Schema("postgresql", tables=[t]))["tables"][0]["columns"]] == ["b", "a"]


def test_an_anchored_span_moves_with_its_anchor_and_equals_the_plain_span_there() -> None:
    anchor = Anchor(10)
    span = Span("f.sql", 12, 4, 13, 0, anchor)
    assert (span.start_line, span.end_line) == (12, 13)
    anchor.line = 20
    assert span == Span("f.sql", 22, 4, 23, 0) and hash(span) == hash(Span("f.sql", 22, 4, 23, 0))
    assert span != Span("f.sql", 12, 4, 13, 0)
    copy = pickle.loads(pickle.dumps(span))  # a snapshot: later moves are not its own
    anchor.line = 0
    assert copy == Span("f.sql", 22, 4, 23, 0) and copy.anchor is None
    assert repr(span) == "Span(file='f.sql', start_line=2, start_col=4, end_line=3, end_col=0)"


def test_table_lookup_is_by_key_and_follows_every_change_to_the_list() -> None:
    from schemalens.model import Table

    def scan(schema: Schema, key: tuple[str, str]) -> Table | None:
        return next((t for t in schema.tables if t.key == key), None)

    reads = 0

    class Counted(Table):
        @property
        def key(self) -> tuple[str, str]:
            nonlocal reads
            reads += 1
            return (self.schema, self.name)

    s = Schema("postgresql", tables=[Counted("public", f"t{i}") for i in range(2000)])
    assert all(s.table("public", f"t{i}") is s.tables[i] for i in range(2000))
    assert reads == 2000  # the index is built in one pass; a scan per lookup would read ~2,000,000
    s = Schema("postgresql", tables=[Table("public", f"t{i}") for i in range(20)])
    s.tables = s.tables[:5]
    s.tables.append(Table("public", "new"))            # appended
    s.tables[1].name = "renamed"                        # renamed in place
    s.tables[2] = Table("public", "t2", comment="x")    # replaced
    s.tables.insert(0, first := Table("public", "t3"))  # a duplicate key before the original
    s.tables = s.tables[:-1] + [Table("public", "other")]  # another list
    for key in [("public", "new"), ("public", "renamed"), ("public", "t1"), ("public", "t2"),
                ("public", "t3"), ("public", "other"), ("app", "t4")]:
        assert s.table(*key) is scan(s, key), key
    assert s.table("public", "t3") is first
    assert s == Schema("postgresql", tables=list(s.tables)) and "_tables" not in repr(s)


def test_statement_text_is_no_part_of_a_schema() -> None:
    """SQLite's kept statement text (Table.sql, Index.sql) says how, not what: not compared, not in JSON."""
    from schemalens.model import Index, Schema, Table, from_json, to_json

    a = Schema("sqlite", tables=[Table("main", "t", indexes=[Index("i", ["x"], sql="CREATE INDEX i ON t(x)")],
                                       sql="CREATE TABLE t(x)")])
    b = Schema("sqlite", tables=[Table("main", "t", indexes=[Index("i", ["x"])])])
    assert a == b and to_json(a) == to_json(b) and "CREATE" not in str(to_json(a))
    assert from_json(to_json(a)) == a
