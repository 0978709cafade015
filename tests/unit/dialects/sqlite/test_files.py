"""parse_sqlite: SQLite schema files -> desired Schema, problems, spans, renames."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from schemalens.dialects.sqlite.catalog import introspect_sqlite
from schemalens.model import Problem, SourceResult, Span, Unmanaged
from schemalens.dialects.sqlite.files import parse_sqlite
from tests.data import CORPUS as CORPUS_FOLDER
from tests.data import OUT_OF_SCOPE as DIALECT_OUT_OF_SCOPE

CORPUS = CORPUS_FOLDER / "sqldef-sqlite.jsonl"
OUT_OF_SCOPE = DIALECT_OUT_OF_SCOPE["sqlite"]


def parse(text: str, path: str = "s.sql") -> SourceResult:
    return parse_sqlite([(path, text)])


def errors(result: SourceResult) -> list[Problem]:
    return [p for p in result.problems if p.severity == "error"]


def span_text(text: str, span: Span) -> str:
    lines = text.split("\n")
    if span.start_line == span.end_line:
        return lines[span.start_line][span.start_col : span.end_col]
    parts = [lines[span.start_line][span.start_col :]]
    parts += lines[span.start_line + 1 : span.end_line]
    parts.append(lines[span.end_line][: span.end_col])
    return "\n".join(parts)


# --- errors ----------------------------------------------------------------------------


def test_syntax_error_points_at_the_offending_token_not_an_earlier_twin() -> None:
    text = "CREATE TABLE ok (a int);\nCREATE TABLE t (a int, b int,, c int);\nCREATE TABLE after (x int);"
    result = parse(text)
    (problem,) = errors(result)
    assert (problem.code, problem.message) == ("syntax-error", 'near ",": syntax error')
    assert problem.span == Span("s.sql", 1, 29, 1, 30)
    assert [t.name for t in result.schema.tables] == ["after", "ok"]


def test_misspelled_keyword() -> None:
    text = "CREATE TABEL t (a int);"
    (problem,) = errors(parse(text))
    assert problem.code == "syntax-error"
    assert span_text(text, problem.span) == "TABEL"


def test_duplicate_column_points_at_the_second_definition() -> None:
    text = "CREATE TABLE t (\n  a int CHECK (a > 0),\n  b text,\n  a text\n);"
    (problem,) = errors(parse(text))
    assert (problem.code, problem.message) == ("sqlite-error", "duplicate column name: a")
    assert problem.span == Span("s.sql", 3, 2, 3, 3)


def test_duplicate_table_points_at_the_second_name() -> None:
    text = "CREATE TABLE users (id int);\nCREATE TABLE Users (id int, name text);"
    result = parse(text)
    (problem,) = errors(result)
    assert problem.message == "table Users already exists"
    assert problem.span == Span("s.sql", 1, 13, 1, 18)
    assert [c.name for c in result.schema.tables[0].columns] == ["id"]


def test_index_on_missing_column_and_missing_table() -> None:
    text = "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a, nope);\nCREATE INDEX j ON missing (a);"
    first, second = errors(parse(text))
    assert first.message == "no such column: nope"
    assert first.span == Span("s.sql", 1, 24, 1, 28)
    assert second.message == "no such table: main.missing"
    assert span_text(text, second.span) == "missing"


def test_incomplete_statement_at_end_of_file() -> None:
    text = "CREATE TABLE t (a int);\nCREATE TABLE u (\n  a int,\n  b text"
    result = parse(text)
    (problem,) = errors(result)
    assert (problem.code, problem.message) == ("syntax-error", "incomplete input")
    assert problem.span == Span("s.sql", 3, 4, 3, 8)
    assert [t.name for t in result.schema.tables] == ["t"]


def test_unknown_strict_type_and_non_constant_default() -> None:
    text = "CREATE TABLE s (a int, b money) STRICT;\nCREATE TABLE d (a int DEFAULT (random() + a));"
    first, second = errors(parse(text))
    assert first.message == 'unknown datatype for s.b: "money"'
    assert span_text(text, first.span) == "money"
    assert second.message == "default value of column [a] is not constant"
    assert second.span.start_line == 1


def test_an_error_in_one_file_keeps_its_own_path() -> None:
    result = parse_sqlite([("a.sql", "CREATE TABLE a (x int);"), ("b.sql", "\n\nCREATE TABLE a (y int);")])
    (problem,) = errors(result)
    assert problem.span == Span("b.sql", 2, 13, 2, 14)


def test_columns_count_code_points() -> None:
    text = "-- café ☕\nCREATE TABLE t (x int);\n/* ü */ CREATE TABLE t (y int);"
    (problem,) = errors(parse(text))
    assert problem.span == Span("s.sql", 2, 21, 2, 22)


# --- skipped and unmanaged -----------------------------------------------------------


def test_data_and_session_statements_are_skipped_not_run() -> None:
    text = (
        "PRAGMA foreign_keys = ON;\nBEGIN;\nCREATE TABLE t (a int);\n"
        "INSERT INTO nowhere VALUES (1);\nINSERT INTO t VALUES (1);\nUPDATE t SET a = 2;\n"
        "DELETE FROM t;\nSELECT 1;\nCOMMIT;"
    )
    result = parse(text)
    assert errors(result) == []
    skipped = [p for p in result.problems if p.code == "skipped-statement"]
    assert [p.severity for p in skipped] == ["info"] * 8
    assert [p.span.start_line for p in skipped] == [0, 1, 3, 4, 5, 6, 7, 8]
    assert skipped[2].message.startswith("INSERT statement skipped")
    assert [t.name for t in result.schema.tables] == ["t"]


def test_temporary_tables_are_not_part_of_the_schema() -> None:
    result = parse("CREATE TEMP TABLE scratch (a int);\nCREATE TABLE temp.other (b int);")
    assert result.schema.tables == []
    assert [p.code for p in result.problems] == ["skipped-statement", "skipped-statement"]


def test_views_and_triggers_are_definitions_at_their_names_in_file_order() -> None:
    text = """CREATE TABLE users (id integer PRIMARY KEY, age int);
CREATE TABLE logs (msg text);
CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18;
CREATE TRIGGER users_log AFTER INSERT ON users
BEGIN
  INSERT INTO logs VALUES ('a; b');
  DELETE FROM logs WHERE msg = 'x';
END;
CREATE VIEW Ages AS SELECT age FROM adults; -- names keep their case
CREATE VIEW IF NOT EXISTS adults AS SELECT 1;
CREATE TABLE later (x int);"""
    result = parse(text)
    assert errors(result) == [] and result.unmanaged == []
    assert [(p.code, p.span.start_line) for p in result.problems] == [("duplicate-definition", 9)]
    assert [t.name for t in result.schema.tables] == ["later", "logs", "users"]
    adults, log, ages = result.schema.definitions
    assert (adults.kind, adults.name, adults.table, adults.span) == ("view", "adults", None, Span("s.sql", 2, 12, 2, 18))
    assert adults.statement == "CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18"
    assert adults.depends_on == [("table", "main", "users")]
    assert (log.kind, log.table, log.span) == ("trigger", "users", Span("s.sql", 3, 15, 3, 24))
    assert log.depends_on == [("table", "main", "logs"), ("table", "main", "users")]
    assert log.definition == ("CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO logs VALUES "
                              "( 'a; b' ) ; DELETE FROM logs WHERE msg = 'x' ; END")
    assert (ages.name, ages.definition, ages.depends_on) == (
        "Ages", "CREATE VIEW Ages AS SELECT age FROM adults", [("view", "main", "adults")])


def test_a_definition_compares_by_what_sqlite_tells_apart() -> None:
    """Comments, spacing, keyword case and needless quotes are not drift; a name's case
    (a view's column takes it) and every other token are."""
    base = parse("CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;").schema.definitions[0]
    same = ['create view "v" as  select a -- all of it\n from [t]', "CREATE VIEW v AS SELECT a FROM `t`"]
    other = ["CREATE VIEW v AS SELECT A FROM t", "CREATE VIEW v AS SELECT a AS b FROM t", "CREATE VIEW v AS SELECT 'a' FROM t"]
    for text, equal in [(t, True) for t in same] + [(t, False) for t in other]:
        (found,) = parse(f"CREATE TABLE t (a int);\n{text};").schema.definitions
        assert (found == base) is equal, text


def test_a_broken_trigger_is_an_error() -> None:
    text = "CREATE TABLE t (a int);\nCREATE TRIGGER tr AFTER INSERT ON nope BEGIN SELECT 1; END;"
    (problem,) = errors(parse(text))
    assert problem.message == "no such table: main.nope"
    assert span_text(text, problem.span) == "nope"


def test_if_not_exists_duplicate_is_reported_and_ignored() -> None:
    text = "CREATE TABLE t (a int);\nCREATE TABLE IF NOT EXISTS t (a int, b int);"
    result = parse(text)
    (problem,) = result.problems
    assert (problem.severity, problem.code, problem.span) == ("warning", "duplicate-definition", Span("s.sql", 1, 27, 1, 28))
    assert [c.name for c in result.schema.tables[0].columns] == ["a"]


# --- spans -----------------------------------------------------------------------------


SPANS_SQL = """CREATE TABLE users (
  id integer PRIMARY KEY AUTOINCREMENT,
  email text NOT NULL,
  age int CONSTRAINT adult CHECK (age >= 18),
  CONSTRAINT email_uq UNIQUE (email)
);
CREATE TABLE posts (
  id int,
  author int REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (id),
  CHECK (id > 0)
);
CREATE INDEX posts_author ON posts (author) WHERE author IS NOT NULL;"""


def test_spans_of_tables_columns_constraints_and_indexes() -> None:
    result = parse(SPANS_SQL)
    assert result.problems == []
    users = result.schema.table("main", "users")
    posts = result.schema.table("main", "posts")
    assert users is not None and posts is not None
    got = {
        "users": span_text(SPANS_SQL, users.span),
        "id": span_text(SPANS_SQL, users.column("id").span),
        "email": span_text(SPANS_SQL, users.column("email").span),
        "pk": span_text(SPANS_SQL, users.primary_key.span),
        "check": span_text(SPANS_SQL, users.checks[0].span),
        "unique": span_text(SPANS_SQL, users.uniques[0].span),
        "fk": span_text(SPANS_SQL, posts.foreign_keys[0].span),
        "posts pk": span_text(SPANS_SQL, posts.primary_key.span),
        "posts check": span_text(SPANS_SQL, posts.checks[0].span),
        "index": span_text(SPANS_SQL, posts.indexes[0].span),
    }
    assert got == {
        "users": "users",
        "id": "id integer PRIMARY KEY AUTOINCREMENT",
        "email": "email text NOT NULL",
        "pk": "PRIMARY KEY AUTOINCREMENT",
        "check": "CONSTRAINT adult CHECK (age >= 18)",
        "unique": "CONSTRAINT email_uq UNIQUE (email)",
        "fk": "REFERENCES users (id) ON DELETE CASCADE",
        "posts pk": "PRIMARY KEY (id)",
        "posts check": "CHECK (id > 0)",
        "index": "CREATE INDEX posts_author ON posts (author) WHERE author IS NOT NULL",
    }
    assert users.span == Span("s.sql", 0, 13, 0, 18)


def test_spans_follow_alter_table_into_another_file() -> None:
    result = parse_sqlite([
        ("a.sql", "CREATE TABLE t (a int);"),
        ("b.sql", "-- later\nALTER TABLE t ADD COLUMN b text REFERENCES t2;\nCREATE TABLE t2 (id INTEGER PRIMARY KEY);"),
    ])
    t = result.schema.table("main", "t")
    assert t.column("a").span == Span("a.sql", 0, 16, 0, 21)
    assert t.column("b").span == Span("b.sql", 1, 25, 1, 45)
    assert t.foreign_keys[0].span == Span("b.sql", 1, 32, 1, 45)


def test_spans_follow_renames() -> None:
    text = "CREATE TABLE t (a int, b int);\nALTER TABLE t RENAME COLUMN a TO c;\nALTER TABLE t RENAME TO u;"
    u = parse(text).schema.table("main", "u")
    assert (u.span, u.column("c").span) == (Span("s.sql", 0, 13, 0, 14), Span("s.sql", 0, 16, 0, 21))


def test_spans_take_no_part_in_equality() -> None:
    a = parse("CREATE TABLE t (a int);").schema
    b = parse("\n\n   CREATE TABLE t (a int);", path="other.sql").schema
    assert a == b and a.tables[0].span != b.tables[0].span


# --- renames ---------------------------------------------------------------------------


def test_rename_directives_on_tables_and_columns() -> None:
    text = """CREATE TABLE accounts ( -- @renamed from=old_accounts
  id bigint NOT NULL,
  username varchar(100) NOT NULL, -- @renamed from=user_name
  other text
);
CREATE TABLE new_users /* @renamed from=old_users */ (id int);
-- @renamed from="user accounts"
CREATE TABLE "user_profiles" (id int);"""
    result = parse(text)
    by = {t.name: t for t in result.schema.tables}
    assert by["accounts"].renamed_from == "old_accounts"
    assert [(c.name, c.renamed_from) for c in by["accounts"].columns] == [
        ("id", None), ("username", "user_name"), ("other", None),
    ]
    assert by["new_users"].renamed_from == "old_users"
    assert by["user_profiles"].renamed_from == "user accounts"


@pytest.mark.parametrize("directive", ["from = users", "from='users'", "from=[users]", "from=`users`"])
def test_rename_directive_spellings_of_the_one_grammar(directive: str) -> None:
    result = parse(f"""CREATE TABLE people ( -- @renamed {directive}
  id int,
  full_name text -- @renamed {directive.replace("users", "name")}
);""")
    people = result.schema.tables[0]
    assert people.renamed_from == "users"
    assert [(c.name, c.renamed_from) for c in people.columns] == [("id", None), ("full_name", "name")]


# --- foreign keys SQLite accepts silently ----------------------------------------------


def test_foreign_key_problems() -> None:
    text = """CREATE TABLE parent (id INTEGER PRIMARY KEY, code text UNIQUE, note text);
CREATE TABLE keyless (x int);
CREATE TABLE child (
  a int REFERENCES nowhere (id),
  b int REFERENCES parent (nope),
  c int REFERENCES parent (note),
  d int REFERENCES keyless,
  e int REFERENCES parent,
  f text REFERENCES Parent (CODE),
  g int REFERENCES later (id)
);
CREATE TABLE later (id int PRIMARY KEY);"""
    result = parse(text)
    got = [(p.code, span_text(text, p.span)) for p in errors(result)]
    assert got == [
        ("fk-missing-column", "REFERENCES parent (nope)"),
        ("fk-mismatch", "REFERENCES parent (note)"),
        ("fk-mismatch", "REFERENCES keyless"),
    ]
    assert [(p.severity, p.code, span_text(text, p.span)) for p in result.problems if p.code == "fk-missing-table"] == [
        ("warning", "fk-missing-table", "REFERENCES nowhere (id)")]
    fks = result.schema.table("main", "child").foreign_keys
    assert [(fk.ref_table, fk.ref_columns) for fk in fks][4:] == [
        ("parent", ["id"]), ("parent", ["code"]), ("later", ["id"]),
    ]


# --- the model is SQLite's own -----------------------------------------------------------


def test_desired_schema_equals_introspecting_the_same_sql(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.executescript(SPANS_SQL)
    assert parse(SPANS_SQL).schema == introspect_sqlite(conn)
    conn.close()


def _corpus_cases() -> list[dict]:
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    return [c for c in cases if c["desired_ok"] and not set(c["features"]) & OUT_OF_SCOPE]


def test_every_in_scope_corpus_schema_parses_cleanly() -> None:
    cases = _corpus_cases()
    assert len(cases) == 65
    for case in cases:
        result = parse(case["desired"])
        assert [p for p in result.problems if p.severity != "info"] == [], case["name"]
        conn = sqlite3.connect(":memory:")
        conn.executescript(case["desired"])
        assert result.schema == introspect_sqlite(conn), case["name"]


# --- the scratch database behaves as one SQLite database -------------------------------

_ONE_DATABASE_SCRIPTS = [
    "CREATE TABLE a (x);\nCREATE TABLE b (y);\nCREATE INDEX ix ON a (x);\nCREATE INDEX ix ON b (y);\n"
    "CREATE INDEX IF NOT EXISTS ix ON b (y);\nCREATE VIEW ix AS SELECT 1;\nCREATE TABLE ix (z);\n"
    "CREATE INDEX a ON b (y);\nCREATE VIEW v AS SELECT 1;\nCREATE INDEX v ON b (y);",
    "CREATE TABLE a (x);\nCREATE TABLE b (y);\nCREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END;\n"
    "CREATE TRIGGER tr AFTER INSERT ON b BEGIN SELECT 1; END;\nDROP TABLE a;\n"
    "CREATE TRIGGER tr AFTER INSERT ON b BEGIN SELECT 1; END;\nDROP TRIGGER tr;\nDROP TRIGGER tr;",
    "CREATE TABLE a (x);\nCREATE TABLE b (y);\nDROP TABLE main.b;\nALTER TABLE main.a RENAME TO c;\n"
    "CREATE INDEX ix2 ON c (x);\nDROP INDEX main.ix2;\nCREATE TABLE main.d (q);\nCREATE TABLE D (r);\n"
    "ALTER TABLE c ADD COLUMN y int REFERENCES d;\nCREATE TABLE a (again);\nCREATE INDEX ia ON a (again);\n"
    "DROP TABLE c;\nCREATE INDEX ia ON d (q);\nALTER TABLE nope ADD COLUMN z;\nDROP INDEX nope;",
    "CREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE q (pid int REFERENCES p);\nCREATE TABLE r (x);\n"
    "CREATE TABLE s (x);\nCREATE TABLE t AS SELECT * FROM p;\nCREATE INDEX it ON t (id);\n"
    "ALTER TABLE p RENAME TO pp;\nCREATE TABLE IF NOT EXISTS r (other);\nCREATE UNIQUE INDEX IF NOT EXISTS ur ON r (x);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS ur ON s (x);",
    "CREATE TABLE p (id INTEGER PRIMARY KEY, code text UNIQUE);\nCREATE TABLE q (c text REFERENCES p (code));\n"
    "CREATE TABLE r (x);\nCREATE VIEW vr AS SELECT code FROM p;\nALTER TABLE p RENAME COLUMN code TO kode;\n"
    "CREATE INDEX ir ON r (x);\nCREATE TABLE r2 (y);\nALTER TABLE r RENAME TO r3;",
    "CREATE TABLE a (x, y);\nCREATE TABLE b (z);\nCREATE VIEW va AS SELECT y FROM a;\n"
    "ALTER TABLE a DROP COLUMN y;\nALTER TABLE a DROP COLUMN x;\nALTER TABLE b ADD COLUMN w;",
]


@pytest.mark.parametrize("script", _ONE_DATABASE_SCRIPTS)
def test_statements_fail_and_succeed_as_in_one_database(script: str) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    expected = []
    for statement in script.split(";\n"):
        try:
            conn.execute(statement.rstrip(";"))
        except sqlite3.Error as e:
            expected.append(str(e))
    result = parse(script)
    assert [p.message for p in errors(result) if not p.code.startswith("fk-")] == expected
    assert result.schema == introspect_sqlite(conn)


# --- odd input ---------------------------------------------------------------------------


def test_empty_and_comment_only_files() -> None:
    result = parse_sqlite([("a.sql", ""), ("b.sql", "-- nothing here\n/* nor here */\n;;\n")])
    assert result.schema.tables == [] and result.problems == []


def test_nul_character_is_an_error_not_a_crash() -> None:
    result = parse("CREATE TABLE t (a int);\nCREATE TABLE u (b\x00 int);")
    (problem,) = errors(result)
    assert (problem.code, problem.span) == ("syntax-error", Span("s.sql", 1, 17, 1, 18))
    assert [t.name for t in result.schema.tables] == ["t", "u"]


def test_virtual_tables_are_unmanaged_and_their_shadow_tables_hidden() -> None:
    result = parse("CREATE TABLE t (a int);\nCREATE VIRTUAL TABLE docs USING fts5(body);")
    assert [t.name for t in result.schema.tables] == ["t"]
    assert result.unmanaged == [Unmanaged("virtual table", "docs", Span("s.sql", 1, 21, 1, 25), ("main", "docs"))]
    assert errors(result) == []


def test_garbage_never_raises() -> None:
    for text in ["CREATE", "CREATE TABLE", "CREATE TABLE (", "ALTER TABLE t ADD", "DROP", "'unterminated",
                 '"x', "CREATE INDEX ON", "CREATE TRIGGER t BEGIN", ")", "x'zz'"]:
        result = parse(text)
        assert errors(result), text


def test_unterminated_comment_swallowing_the_rest_is_a_warning() -> None:
    result = parse("CREATE TABLE t (a int);\n/* CREATE TABLE u (b int);")
    assert [(p.severity, p.code, p.span) for p in result.problems] == [
        ("warning", "unterminated-comment", Span("s.sql", 1, 0, 1, 2)),
    ]
    assert [t.name for t in result.schema.tables] == ["t"]


def test_on_conflict_clauses_are_reported_not_passed_over() -> None:
    from schemalens import dialects

    result = dialects.get("sqlite").read_files(
        [("f.sql", "CREATE TABLE t (a INTEGER PRIMARY KEY ON CONFLICT REPLACE, b TEXT UNIQUE ON CONFLICT IGNORE);")],
        "main")
    found = [(p.code, p.span.start_col) for p in result.problems]
    assert found == [("unmanaged", 38), ("unmanaged", 73)]
    assert result.schema.tables[0].name == "t"


def test_statement_texts_are_what_sqlite_keeps_for_the_file() -> None:
    """SQLite keeps an index's text up to its `;` (a trailing comment too) and a table's
    from its name on: the model holds those texts, which push writes."""
    text = ("create table if not exists main.t (\n  a int, -- note\n  b text\n) -- after\n;\n"
            "create index i on t(a) -- by a\n  ;\ncreate unique index j on t (b)")
    schema = parse(text).schema
    conn = sqlite3.connect(":memory:")
    conn.executescript(text)
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master"))
    [table] = schema.tables
    assert table.sql == stored["t"] == "CREATE TABLE t (\n  a int, -- note\n  b text\n)"
    assert {i.name: i.sql for i in table.indexes} == {"i": stored["i"], "j": stored["j"]}
    assert stored["i"] == "CREATE INDEX i on t(a) -- by a\n  "


@pytest.mark.parametrize("text, at", [
    ("CREATE TABLE t (a integer NOT NULL DEFAULT", (0, 35)),
    ("CREATE TABLE t (a int, FOREIGN KEY (a", (0, 36)),
    ("CREATE TABLE u (b int PRIMARY KEY);\nCREATE TABLE t (a int, FOREIGN KEY((a) REFERENCES u(b))", (1, 35)),
    ("CREATE TABLE t (a int REFERENCES", (0, 22)),
    ("CREATE TABLE t (a int CONSTRAINT", (0, 22)),
    ("CREATE TABLE t (a int CHECK (a > 0", (0, 33)),
    ("CREATE INDEX i ON t (a COLLATE", (0, 23)),
])
def test_an_unfinished_statement_is_a_syntax_error_at_its_place(text: str, at: tuple[int, int]) -> None:
    """The reader runs before SQLite has accepted a statement: it must stop at the last
    token (it raised IndexError past it), so SQLite's own error lands where it stopped."""
    (problem,) = errors(parse(text))
    assert problem.code == "syntax-error" and (problem.span.start_line, problem.span.start_col) == at


def test_a_leading_byte_order_mark_is_skipped_as_sqlite_does() -> None:
    """The table was read, but without its place: the mark was read as part of "CREATE"."""
    result = parse("\ufeffCREATE TABLE t (a int);")
    assert result.problems == [] and result.schema.tables[0].span == Span("s.sql", 0, 14, 0, 15)
