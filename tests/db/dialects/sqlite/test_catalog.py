"""introspect_sqlite against real SQLite database files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalens.dialects.sqlite.catalog import introspect_sqlite
from schemalens.model import Check, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from schemalens.dialects.sqlite.files import parse_sqlite

pytestmark = pytest.mark.db


@pytest.fixture
def db(sqlite_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    yield conn
    conn.close()


def build(conn: sqlite3.Connection, sql: str, exclude: list[str] = ()) -> Schema:
    conn.executescript(sql)
    return introspect_sqlite(conn, exclude)


def one(conn: sqlite3.Connection, sql: str) -> Table:
    schema = build(conn, sql)
    assert len(schema.tables) == 1
    return schema.tables[0]


def test_dialect_schema_and_sorted_tables(db: sqlite3.Connection) -> None:
    schema = build(db, "CREATE TABLE b (x int); CREATE TABLE a (y int);")
    assert schema.dialect == "sqlite"
    assert [(t.schema, t.name) for t in schema.tables] == [("main", "a"), ("main", "b")]
    assert schema.enums == schema.sequences == schema.extensions == schema.namespaces == []


def test_skips_internal_bookkeeping_excluded_views_and_virtual_tables(db: sqlite3.Connection) -> None:
    schema = build(
        db,
        """
        CREATE TABLE keep (id INTEGER PRIMARY KEY AUTOINCREMENT);  -- makes sqlite_sequence
        CREATE TABLE schemalens_migrations (name text);
        CREATE TABLE my_SchemaLens_notes (x);
        CREATE TABLE tmp_one (x); CREATE TABLE Tmp_two (x);
        CREATE VIEW v AS SELECT * FROM keep;
        CREATE TRIGGER tr AFTER INSERT ON keep BEGIN SELECT 1; END;
        CREATE VIRTUAL TABLE docs USING fts5(body);
        """,
        exclude=["tmp_*"],
    )
    assert [t.name for t in schema.tables] == ["keep"]


def test_declared_types_as_sqlite_stores_them(db: sqlite3.Connection) -> None:
    t = one(db, "CREATE TABLE t (a integer, b varchar(255), c unsigned   big  int, d, e numeric(10, 2), f ANY)")
    assert [(c.name, c.type) for c in t.columns] == [
        ("a", "INTEGER"), ("b", "varchar(255)"), ("c", "unsigned   big  int"), ("d", ""),
        ("e", "numeric(10, 2)"), ("f", "ANY"),
    ]


def test_defaults_and_not_null(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t (a int DEFAULT 1 NOT NULL, b text DEFAULT 'it''s', c DEFAULT (1 + 2),
        d DEFAULT -1, e timestamp DEFAULT CURRENT_TIMESTAMP, f int)""",
    )
    assert [(c.name, c.default, c.nullable) for c in t.columns] == [
        ("a", "1", False), ("b", "'it''s'", True), ("c", "1 + 2", True), ("d", "-1", True),
        ("e", "CURRENT_TIMESTAMP", True), ("f", None, True),
    ]


def test_generated_columns_stored_and_virtual(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t (c integer, g integer GENERATED ALWAYS AS (c + 1), h AS (c * 2) STORED,
        v int AS ( abs(c) ) VIRTUAL)""",
    )
    got = {c.name: (c.generated, c.generated_stored, c.default) for c in t.columns}
    assert got == {
        "c": (None, True, None),
        "g": ("c + 1", False, None),
        "h": ("c * 2", True, None),
        "v": ("abs(c)", False, None),
    }


def test_rowid_alias_autoincrement_and_int_primary_key(db: sqlite3.Connection) -> None:
    schema = build(
        db,
        """CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, x text);
        CREATE TABLE b (id INT PRIMARY KEY, x text);
        CREATE TABLE c (id integer PRIMARY KEY);""",
    )
    a, b, c = schema.tables
    assert (a.columns[0].type, a.primary_key, a.autoincrement) == ("INTEGER", PrimaryKey(None, ["id"]), True)
    assert (b.columns[0].type, b.primary_key, b.autoincrement) == ("INT", PrimaryKey(None, ["id"]), False)
    assert (c.autoincrement, c.primary_key) == (False, PrimaryKey(None, ["id"]))
    assert a.uniques == b.uniques == [] and b.indexes == []  # the pk's own index is not an index


def test_composite_primary_key_order_and_name(db: sqlite3.Connection) -> None:
    """SQLite keeps no primary key name (no pragma, an autoindex name): only the text has it."""
    t = one(db, "CREATE TABLE t (a int, b int, c int, CONSTRAINT pk_t PRIMARY KEY (c, a))")
    assert t.primary_key == PrimaryKey(None, ["c", "a"])
    assert t.sql == "CREATE TABLE t (a int, b int, c int, CONSTRAINT pk_t PRIMARY KEY (c, a))"


def test_without_rowid_and_strict(db: sqlite3.Connection) -> None:
    schema = build(
        db,
        """CREATE TABLE kv (k text PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID;
        CREATE TABLE plain (x);
        CREATE TABLE wr (k text PRIMARY KEY) WITHOUT ROWID;""",
    )
    kv, plain, wr = schema.tables
    assert (kv.strict, kv.without_rowid) == (True, True)
    assert (plain.strict, plain.without_rowid) == (False, False)
    assert (wr.strict, wr.without_rowid) == (False, True)


def test_unique_constraints_named_and_unnamed_vs_unique_index(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t (a int UNIQUE, b int, c int, CONSTRAINT uq_bc UNIQUE (b, c), UNIQUE (c));
        CREATE UNIQUE INDEX ux_b ON t (b);""",
    )
    assert t.uniques == [Unique(None, ["a"]), Unique("uq_bc", ["b", "c"]), Unique(None, ["c"])]
    assert t.indexes == [Index("ux_b", ["b"], unique=True)]


def test_indexes_columns_expressions_desc_collate_and_where(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t (a int, "b c" text, "order" int, d text);
        CREATE INDEX i_plain ON t (a);
        CREATE INDEX i_multi ON t ("b c" DESC, "order", d COLLATE NOCASE ASC);
        CREATE INDEX i_expr ON t (lower(d), a + 1 DESC) WHERE a > 0 AND d IS NOT NULL;""",
    )
    assert t.indexes == [
        Index("i_expr", ["lower(d)", "a + 1 DESC"], where="a > 0 AND d IS NOT NULL"),
        Index("i_multi", ['"b c" DESC', '"order"', "d COLLATE NOCASE"]),
        Index("i_plain", ["a"]),
    ]


def test_foreign_keys_grouped_with_actions_names_and_resolved_parent_key(db: sqlite3.Connection) -> None:
    schema = build(
        db,
        """CREATE TABLE parent (id INTEGER PRIMARY KEY, a int, b int, UNIQUE (a, b));
        CREATE TABLE child (
          id int,
          pid int REFERENCES parent ON DELETE CASCADE,
          x int, y int,
          CONSTRAINT fk_ab FOREIGN KEY (x, y) REFERENCES Parent (A, B) ON UPDATE SET NULL
            DEFERRABLE INITIALLY DEFERRED
        );""",
    )
    child = schema.table("main", "child")
    assert child is not None
    assert child.foreign_keys == [
        ForeignKey(None, ["pid"], "main", "parent", ["id"], on_delete="CASCADE"),
        ForeignKey(
            "fk_ab", ["x", "y"], "main", "parent", ["a", "b"], on_update="SET NULL",
            deferrable=True, initially_deferred=True,
        ),
    ]


def test_foreign_key_to_missing_table_is_kept_as_written(db: sqlite3.Connection) -> None:
    t = one(db, "CREATE TABLE c (pid int REFERENCES nowhere)")
    assert t.foreign_keys == [ForeignKey(None, ["pid"], "main", "nowhere", [])]


def test_checks_column_and_table_level_with_names(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t (
          a int CHECK (a > 0),
          b text CONSTRAINT b_len CHECK (length(b) < 10) NOT NULL,
          CHECK (a <> 3),
          CONSTRAINT both_set CHECK ( a IS NOT NULL OR b IS NOT NULL )
        )""",
    )
    assert t.checks == [
        Check(None, "a > 0"),
        Check("b_len", "length(b) < 10"),
        Check(None, "a <> 3"),
        Check("both_set", "a IS NOT NULL OR b IS NOT NULL"),
    ]
    assert t.column("b").nullable is False


def test_collations_on_columns(db: sqlite3.Connection) -> None:
    t = one(db, 'CREATE TABLE t (a text COLLATE NOCASE, b text COLLATE "RTRIM" NOT NULL, c text)')
    assert [c.collation for c in t.columns] == ["NOCASE", "RTRIM", None]


def test_quoted_names_of_every_quoting_style(db: sqlite3.Connection) -> None:
    t = one(db, "CREATE TABLE \"my table\" ([a b] int, `c` text, 'd' int CHECK ('d' > 0))")
    assert t.name == "my table"
    assert [c.name for c in t.columns] == ["a b", "c", "d"]


def test_alter_table_add_column_is_seen(db: sqlite3.Connection) -> None:
    t = one(db, "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b text DEFAULT 'x' CHECK (b <> '')")
    assert [(c.name, c.default) for c in t.columns] == [("a", None), ("b", "'x'")]
    assert t.checks == [Check(None, "b <> ''")]


def test_comments_and_odd_spacing_in_stored_sql(db: sqlite3.Connection) -> None:
    t = one(
        db,
        """CREATE TABLE t ( -- the table
          a /* inline */ int CONSTRAINT "a pos" CHECK(a>0), -- check it
          b text
        )""",
    )
    assert t.checks == [Check("a pos", "a>0")]
    assert [(c.name, c.type) for c in t.columns] == [("a", "INT"), ("b", "TEXT")]


# --- both ends agree -------------------------------------------------------------------

_NAMES = ["id", "name", "Email", "order", "my col", "x1", "créé", "group", "value", "ts"]
_TYPES = [
    "", "int", "INTEGER", "text", "varchar(20)", "numeric(10, 2)", "real", "blob", "boolean",
    "timestamp", "unsigned big int", "DOUBLE PRECISION",
]
_DEFAULTS = [None, "0", "-1", "'x'", "'it''s'", "(1 + 2)", "CURRENT_TIMESTAMP", "NULL", "1.5", "(lower('A'))"]
_ACTIONS = ["", " ON DELETE CASCADE", " ON UPDATE SET NULL", " ON DELETE RESTRICT ON UPDATE NO ACTION"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@st.composite
def schema_files(draw: st.DrawFn) -> str:
    statements: list[str] = []
    keyed: list[tuple[str, list[str]]] = []  # tables with a one-column key, for references
    for t in range(draw(st.integers(1, 4))):
        table = f"t{t}" if draw(st.booleans()) else f"Table {t}"
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=5, unique_by=str.lower))
        parts, pk = [], []
        for k, name in enumerate(names):
            col = f"{_q(name)} {draw(st.sampled_from(_TYPES))}".rstrip()
            if k == 0 and draw(st.booleans()):
                pk = [name]
                col += " PRIMARY KEY"
            if draw(st.booleans()):
                col += " NOT NULL"
            default = draw(st.sampled_from(_DEFAULTS))
            if default is not None:
                col += f" DEFAULT {default}"
            if draw(st.integers(0, 4)) == 0:
                col += " UNIQUE"
            if draw(st.integers(0, 4)) == 0:
                col += f" CHECK ({_q(name)} IS NOT NULL)"
            if draw(st.integers(0, 5)) == 0:
                col += " COLLATE NOCASE"
            if keyed and draw(st.integers(0, 3)) == 0:
                parent, parent_pk = draw(st.sampled_from(keyed))
                cols = f" ({_q(parent_pk[0])})" if draw(st.booleans()) else ""
                col += f" REFERENCES {_q(parent)}{cols}{draw(st.sampled_from(_ACTIONS))}"
            parts.append(col)
        if not pk and len(names) > 1 and draw(st.booleans()):
            pk = names[:2]
            parts.append(f"CONSTRAINT {_q('pk ' + table)} PRIMARY KEY ({_q(pk[0])}, {_q(pk[1])})")
        if len(names) > 1 and draw(st.booleans()):
            name = f"CONSTRAINT uq_{t} " if draw(st.booleans()) else ""
            parts.append(f"{name}UNIQUE ({_q(names[-1])}, {_q(names[0])})")
        statements.append(f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(parts) + "\n)")
        for i in range(draw(st.integers(0, 2))):
            cols = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            elems = ", ".join(_q(c) + draw(st.sampled_from(["", " DESC", " COLLATE NOCASE"])) for c in cols)
            unique = "UNIQUE " if draw(st.booleans()) else ""
            where = f" WHERE {_q(cols[0])} IS NOT NULL" if draw(st.booleans()) else ""
            statements.append(f"CREATE {unique}INDEX {_q(f'ix {t} {i}')} ON {_q(table)} ({elems}){where}")
        if len(pk) == 1:
            keyed.append((table, pk))
    return ";\n".join(statements) + ";\n"


@given(schema_files())
def test_parsed_file_equals_introspected_database(tmp_path_factory: pytest.TempPathFactory, sql: str) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(sql)
        actual = introspect_sqlite(conn)
    finally:
        conn.close()
    result = parse_sqlite([("p.sql", sql)])
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.schema == actual
    for table in result.schema.tables:
        assert table.span is not None and all(c.span is not None for c in table.columns)
        parts = [*table.indexes, *table.uniques, *table.foreign_keys, *table.checks]
        assert all(part.span is not None for part in parts)
        assert table.primary_key is None or table.primary_key.span is not None
