"""The names PostgreSQL gives what a file leaves unnamed (names.generated_names), against
the names it gives when it runs the file: long names cut at 63 bytes on a character
boundary, numbered on a collision (also between two tables whose names are cut the same),
quoted names, expressions."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalens import dialects
from schemalens.dialects.postgresql.catalog import introspect_postgresql
from schemalens.dialects.postgresql.names import generated_names, quote_ident
from schemalens.normalize import normalize_schema
from tests.db.corpus import pg_database, run_script

pytestmark = pytest.mark.db

TABLES = ["t", "x" * 63, "é" * 31 + "a", 'Odd "Name"', "x" * 62 + "y"]
COLUMNS = ["a", "b" * 63, "ü" * 20, "Mixed Case"]


@pytest.fixture(scope="module")
def database(pg_server_url: str) -> Iterator[str]:
    with pg_database(pg_server_url, None) as url:
        yield url


def element(kind: str, columns: list[str]) -> str:
    cols = ", ".join(quote_ident(c) for c in columns)
    return {"check": f"CHECK ({quote_ident(columns[0])} > 0)", "unique": f"UNIQUE ({cols})",
            "primary": f"PRIMARY KEY ({cols})", "check2": f"CHECK ({cols.replace(', ', ' + ')} > 0)"}[kind]


@st.composite
def files(draw: st.DrawFn) -> str:
    out = []
    for name in draw(st.lists(st.sampled_from(TABLES), min_size=1, max_size=3, unique=True)):
        table = quote_ident(name)
        parts = [f"{quote_ident(c)} integer" for c in COLUMNS]
        primary = False
        alters = []
        for kind, cols, inline in draw(st.lists(st.tuples(
                st.sampled_from(["check", "check2", "unique", "primary", "index", "expression", "foreign"]),
                st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=2, unique=True), st.booleans()),
                max_size=5)):
            if kind == "primary" and primary:
                continue
            primary = primary or kind == "primary"
            if kind == "index":
                alters.append(f"CREATE INDEX ON {table} ({', '.join(quote_ident(c) for c in cols)});")
            elif kind == "expression":
                alters.append(f"CREATE INDEX ON {table} ((({quote_ident(cols[0])} + 1)), lower('x'));")
            elif kind == "foreign":
                alters.append(f"ALTER TABLE {table} ADD FOREIGN KEY ({quote_ident(cols[0])}) REFERENCES p (id);")
            elif inline:
                parts.append(element(kind, cols))
            else:
                alters.append(f"ALTER TABLE {table} ADD {element(kind, cols)};")
        out.append(f"CREATE TABLE {table} ({', '.join(parts)});\n" + "\n".join(alters))
    return "CREATE TABLE p (id integer PRIMARY KEY);\n" + "\n".join(out) + "\n"


@settings(max_examples=25)
@given(sql=files())
def test_the_names_postgresql_gives_are_the_ones_it_is_said_to_give(database: str, sql: str) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    run_script(database, sql)
    read = dialects.get("postgresql").read_files([("schema.sql", sql)], "public")
    assert not read.has_errors, read.problems
    desired = normalize_schema(read.schema)
    names = generated_names(desired)
    with psycopg.connect(database, autocommit=True) as conn:
        actual = introspect_postgresql(conn)
    for table in desired.tables:
        built = actual.table(table.schema, table.name)
        assert built is not None
        for kind in ("uniques", "checks", "foreign_keys", "indexes"):
            wanted = sorted(o.name or names[id(o)] for o in getattr(table, kind))
            assert wanted == sorted(o.name for o in getattr(built, kind)), (kind, sql)
        if table.primary_key is not None:
            assert (table.primary_key.name or names[id(table.primary_key)]) == built.primary_key.name
