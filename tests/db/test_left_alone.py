"""What the plan leaves alone (schemalens.left_alone), on real databases: an object the
files define or mention is never dropped or altered, an object schemalens does not
manage is never touched, and other tools' bookkeeping tables are never drift."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.bookkeeping import TABLES
from schemalens.changes import Renames
from tests.cli_runner import invoke
from schemalens.config import load_settings
from tests import oracle
from tests.db.corpus import pg_database, run_script

NO_RENAMES = Renames({}, {})

# Forms schemalens does not manage, each (file SQL, the tables of it that hold rows, the
# relations it defines). `{n}` is the form's own number, `{s}` its schema; every form
# builds on the managed table `{s}.base{n}` the file also defines.
FORMS = {
    "like": ("CREATE TABLE {s}.copy{n} (LIKE {s}.base{n} INCLUDING ALL);", ["copy{n}"]),
    "inherits": ("CREATE TABLE {s}.child{n} (extra int) INHERITS ({s}.base{n});", ["child{n}"]),
    "partitioned": ("CREATE TABLE {s}.parts{n} (id int, at date) PARTITION BY RANGE (at);\n"
                    "CREATE TABLE {s}.parts{n}_all PARTITION OF {s}.parts{n} "
                    "FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');", ["parts{n}"]),
    "of_type": ("CREATE TYPE {s}.pair{n} AS (a int, b text);\nCREATE TABLE {s}.typed{n} OF {s}.pair{n};",
                ["typed{n}"]),
    "view": ("CREATE VIEW {s}.seen{n} AS SELECT id, v FROM {s}.base{n};", []),
    "matview": ("CREATE MATERIALIZED VIEW {s}.kept{n} AS SELECT id FROM {s}.base{n};", []),
    "trigger": ("CREATE FUNCTION {s}.touch{n}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n"
                "CREATE TRIGGER touch{n} BEFORE UPDATE ON {s}.base{n} FOR EACH ROW EXECUTE FUNCTION {s}.touch{n}();",
                []),
    "exclude": ("CREATE TABLE {s}.slots{n} (id int PRIMARY KEY, span int4range, "
                "EXCLUDE USING gist (span WITH &&));", ["slots{n}"]),
}

forms = st.lists(st.tuples(st.sampled_from(sorted(FORMS)), st.sampled_from(["public", "other"])),
                 min_size=1, max_size=5)


def schema_file(chosen: list[tuple[str, str]]) -> str:
    lines = ["CREATE SCHEMA other;"]
    for n, (form, schema) in enumerate(chosen):
        lines.append(f"CREATE TABLE {schema}.base{n} (id int PRIMARY KEY, v text);")
        lines.append(FORMS[form][0].format(n=n, s=schema))
    return "\n".join(lines) + "\n"


def row_counts(url: str) -> dict[str, int]:
    """Rows of every table of the database, partitions and children each on their own."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
                              "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') "
                              "AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')").fetchall()
        return {t: conn.execute(f"SELECT count(*) FROM ONLY {t}").fetchone()[0] for t, in tables}


def fill(url: str, chosen: list[tuple[str, str]]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for n, (form, schema) in enumerate(chosen):
            conn.execute(f"INSERT INTO {schema}.base{n} VALUES (1, 'a'), (2, 'b')")
            for table in FORMS[form][1]:
                name = f"{schema}.{table.format(n=n)}"
                values = {"parts": "(1, '2020-01-01')", "slots": "(1, '[1,2)')", "typed": "(1, 'x')"}
                row = next((v for k, v in values.items() if table.startswith(k)), "(7, 'x')")
                conn.execute(f"INSERT INTO {name} VALUES {row}")


def settings_for(url: str, file: Path, dialect: str = "postgresql"):
    return load_settings({"database_url": url, "schema": [str(file)], "dialect": dialect},
                         start=file.parent, environ={})


def push(url: str, file: Path, dialect: str = "postgresql") -> workflows.PushResult:
    result = workflows.push(settings_for(url, file, dialect), NO_RENAMES, confirm=lambda losses: True, force=True)
    assert result.failure is None and result.refused is None, (result.failure, result.refused)
    return result


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=forms)
def test_push_force_keeps_every_object_the_files_mention_and_every_row(
        chosen: list[tuple[str, str]], pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    text = schema_file(chosen)
    file = tmp_path_factory.mktemp("files") / "schema.sql"
    file.write_text(text, encoding="utf-8")
    with pg_database(pg_server_url, None) as url:
        run_script(url, text)
        fill(url, chosen)
        # what the file does not mention but hangs off what it defines: an inheritance
        # child of a managed table, a partition of an unmanaged one, an extension's table
        run_script(url, f"CREATE TABLE public.stray_child () INHERITS ({chosen[0][1]}.base0);\n"
                        "INSERT INTO public.stray_child VALUES (5, 'c');\n"
                        "CREATE EXTENSION hstore;\nCREATE TABLE public.ext_data (k int);\n"
                        "INSERT INTO public.ext_data VALUES (1);\nALTER EXTENSION hstore ADD TABLE public.ext_data;\n"
                        "CREATE TABLE public.gone (id int);")  # and one the files dropped
        if any(form == "partitioned" for form, _ in chosen):
            n = next(i for i, (form, _) in enumerate(chosen) if form == "partitioned")
            schema = chosen[n][1]
            run_script(url, f"CREATE TABLE {schema}.parts{n}_old PARTITION OF {schema}.parts{n} "
                            f"FOR VALUES FROM ('1900-01-01') TO ('2000-01-01');\n"
                            f"INSERT INTO {schema}.parts{n} VALUES (2, '1950-01-01');")
        rows, before = row_counts(url), oracle.dump(url)

        plan = workflows.check(settings_for(url, file), NO_RENAMES)
        assert [c.description for c in plan.changes] == ["drop table public.gone"]
        unmanaged = {p.message for p in plan.source.problems if p.code == "unmanaged"}
        assert len(unmanaged) >= len(chosen)

        push(url, file)
        assert workflows.check(settings_for(url, file), NO_RENAMES).changes == []
        del rows["public.gone"]
        assert row_counts(url) == rows
        run_script(url, "CREATE TABLE public.gone (id int);")  # the one drop made, undone: all else is as it was
        assert oracle.difference(before, oracle.dump(url)) is None


def test_a_table_defined_with_like_is_not_dropped_when_its_form_changes(pg_url: str, tmp_path: Path) -> None:
    """The bug: `CREATE TABLE x (LIKE y)` was reported not managed, then planned as DROP TABLE x."""
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE y (id int PRIMARY KEY, v text);\nCREATE TABLE x (LIKE y);\n", encoding="utf-8")
    run_script(pg_url, "CREATE TABLE y (id int PRIMARY KEY, v text);\nCREATE TABLE x (id int, v text, w int);\n"
                       "INSERT INTO x VALUES (1, 'kept', 3);")
    plan = workflows.check(settings_for(pg_url, file), NO_RENAMES)
    assert plan.changes == []
    push(pg_url, file)
    assert row_counts(pg_url)["public.x"] == 1


# --- other tools' bookkeeping tables --------------------------------------------------


BOOKKEEPING = {"public.alembic_version": "Alembic", "drizzle.__drizzle_migrations": "Drizzle",
               "public._prisma_migrations": "Prisma", "public.flyway_schema_history": "Flyway",
               "public.schema_migrations": TABLES["schema_migrations"], "public.django_migrations": "Django"}


def test_bookkeeping_tables_are_not_drift_and_never_dropped_postgresql(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE users (id int PRIMARY KEY);\n", encoding="utf-8")
    run_script(pg_url, "CREATE SCHEMA drizzle;\n" + "".join(
        f"CREATE TABLE {t} (version_num varchar(32) PRIMARY KEY);\nINSERT INTO {t} VALUES ('1');\n"
        for t in BOOKKEEPING))
    before = row_counts(pg_url)
    settings = load_settings({"database_url": pg_url, "schema": [str(file)], "dialect": "postgresql",
                              "schemas": ["public", "drizzle"]}, start=tmp_path, environ={})
    plan = workflows.check(settings, NO_RENAMES)
    assert [c.description for c in plan.changes] == ["create table public.users"]
    assert sorted(f.message for f in plan.findings if f.code == "unmanaged") == sorted(
        f"not managed: {tool}'s migration table {table}" for table, tool in BOOKKEEPING.items())
    workflows.push(settings, NO_RENAMES, confirm=lambda losses: False, force=True)
    assert row_counts(pg_url) == before | {"public.users": 0}
    assert workflows.check(settings, NO_RENAMES).changes == []


def cli(*args: str) -> tuple[int, str]:
    result = invoke(list(args))
    return result.exit_code, result.output


def test_check_says_it_saw_a_bookkeeping_table_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
                       "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);\n"
                       "INSERT INTO alembic_version VALUES ('abc');\n"
                       "CREATE TABLE knex_migrations (id INTEGER PRIMARY KEY, name TEXT);")
    conn.close()
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE users (id INTEGER PRIMARY KEY);\n", encoding="utf-8")
    url = f"sqlite:///{db}"
    code, out = cli("check", "--db", url, "--schema", str(file))
    assert code == 0, out
    assert "not managed: Alembic's migration table main.alembic_version" in out
    assert "not managed: Knex's migration table main.knex_migrations" in out
    code, out = cli("check", "--db", url, "--schema", str(file), "--json")
    found = json.loads(out)
    assert found["in_sync"] and found["changes"] == []
    assert {f["message"] for f in found["lint"] if f["code"] == "unmanaged"} == {
        "not managed: Alembic's migration table main.alembic_version",
        "not managed: Knex's migration table main.knex_migrations"}
    before = oracle.dump(url)
    push(url, file, "sqlite")
    assert oracle.dump(url) == before
    assert sqlite3.connect(db).execute("SELECT version_num FROM alembic_version").fetchall() == [("abc",)]


def test_a_file_that_defines_a_bookkeeping_name_manages_it(pg_url: str, tmp_path: Path) -> None:
    """The list names tables no file defines; a file that defines one manages it like any table."""
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE schema_migrations (version text PRIMARY KEY, at timestamptz);\n", encoding="utf-8")
    run_script(pg_url, "CREATE TABLE schema_migrations (version text PRIMARY KEY);")
    plan = workflows.check(settings_for(pg_url, file), NO_RENAMES)
    assert [c.description for c in plan.changes] == ["add column public.schema_migrations.at timestamp with time zone"]
    assert not [f for f in plan.findings if f.code == "unmanaged"]


def test_check_cli_shows_the_postgresql_bookkeeping_table(pg_url: str, tmp_path: Path) -> None:
    file = tmp_path / "schema.sql"
    file.write_text("CREATE TABLE users (id int PRIMARY KEY);\n", encoding="utf-8")
    run_script(pg_url, "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE alembic_version (v text);")
    code, out = cli("check", "--db", pg_url, "--schema", str(file))
    assert code == 0, out
    assert "not managed: Alembic's migration table public.alembic_version" in out
    code, out = cli("check", "--db", pg_url, "--schema", str(file), "--json")
    assert "not managed: Alembic's migration table public.alembic_version" in {
        f["message"] for f in json.loads(out)["lint"]}
