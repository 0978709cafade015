"""Down files undo what their up file does: for generated pairs of schemas, on a real
database, migrate then rollback returns the catalog to the previous snapshot exactly;
only what truly cannot come back (dropped data) is marked irreversible, with the reason."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st

from schemalens import history
from schemalens.changes import Renames
from schemalens.config import Settings
from schemalens.migrations.folder import Folder
from tests import oracle
from tests.db.corpus import run_script
from tests.db.test_migrate_apply import make_settings
from tests.db.test_migrate_generate import fresh_db
from tests.db.test_round_trip import TYPES, ColumnSpec, TableSpec, ddl, schemas

NO_RENAMES = Renames({}, {})


@st.composite
def grown(draw: st.DrawFn, dialect: str) -> tuple[list[TableSpec], list[TableSpec]]:
    """A schema and the same schema with things added (columns, foreign keys, indexes,
    checks, tables): every change has a known reverse."""
    start = draw(schemas(dialect).filter(bool))
    target = []
    for i, table in enumerate(start):
        used = {c.name.lower() for c in table.columns}
        extra = draw(st.lists(st.builds(ColumnSpec, st.sampled_from(["x", "y", "Z z"]), st.sampled_from(TYPES[dialect]),
                                        st.booleans(), st.booleans(), st.sampled_from(["1", "'2'"])),
                              max_size=2, unique_by=lambda c: c.name.lower()))
        columns = table.columns + tuple(c for c in extra if c.name.lower() not in used)
        parent = table.parent or (draw(st.none() | st.sampled_from([t.name for t in start[:i]])) if i else None)
        indexed = table.indexed or (draw(st.none() | st.sampled_from([c.name for c in columns])) if columns else None)
        target.append(dataclasses.replace(table, columns=columns, parent=parent, indexed=indexed,
                                          check=table.check or draw(st.booleans())))
    names = {t.name for t in start}
    if "t9" not in names and draw(st.booleans()):
        target.append(TableSpec("t9", (), draw(st.none() | st.sampled_from(sorted(names))) if names else None,
                                None, draw(st.booleans())))
    return start, target


def pairs(dialect: str) -> st.SearchStrategy[tuple[list[TableSpec], list[TableSpec]]]:
    return st.one_of(grown(dialect), st.tuples(schemas(dialect).filter(bool), schemas(dialect)))


def generate(settings: Settings, sql: str) -> history.GenerateResult:
    settings.schema[0].write_text(sql, encoding="utf-8")
    result = history.generate(settings, NO_RENAMES)
    assert result.exit_code == 0, result.refused
    return result


def assert_rollback_undoes(url: str, start: list[TableSpec], target: list[TableSpec], dialect: str,
                           project: Path) -> None:
    settings = make_settings(url, project, project / "schema.sql")
    generate(settings, ddl(start, dialect))
    second = generate(settings, ddl(target, dialect))
    migrated = history.migrate(settings)
    assert migrated.exit_code == 0, migrated.refused or migrated.failure
    if second.tag is None:
        event("no change")
        return
    losses = [c.data_loss for c in second.changes if c.data_loss]
    assert second.irreversible == losses, "only dropped data is irreversible"
    undone = history.rollback(settings)
    event("irreversible (data loss)" if losses else "rolled back")
    if losses:
        assert undone.exit_code == 1 and "irreversible" in (undone.refused or "")
        assert "cannot undo: " + losses[0] in Folder(settings.migrations).down_path(second.tag).read_text()
        return
    assert undone.exit_code == 0, undone.refused or (undone.failure and undone.failure.error.message)
    first = Folder(settings.migrations).read_snapshot(0)
    with history.run.open_database(settings) as db:
        left = history.state.differences(db, settings, first)
    assert left == [], [c.description for c in left]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_rollback_returns_the_catalog_to_the_previous_snapshot(dialect: str, pg_server_url: str,
                                                               tmp_path: Path) -> None:
    @hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(pairs(dialect))
    def prop(pair: tuple[list[TableSpec], list[TableSpec]]) -> None:
        project = tmp_path / uuid.uuid4().hex[:8]
        project.mkdir()
        with fresh_db(dialect, pg_server_url, tmp_path) as url:
            assert_rollback_undoes(url, *pair, dialect, project)

    prop()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_the_down_file_of_a_foreign_key_and_an_index_drops_both(dialect: str, pg_server_url: str,
                                                                tmp_path: Path) -> None:
    """The file names neither (SQLite's grammar needs the index's name): the down file
    drops them by the names the up file gave them."""
    users = "CREATE TABLE users (id integer PRIMARY KEY);\n"
    index = "posts_author_idx " if dialect == "sqlite" else ""
    with fresh_db(dialect, pg_server_url, tmp_path) as url:
        settings = make_settings(url, tmp_path, tmp_path / "schema.sql")
        generate(settings, users + "CREATE TABLE posts (id integer PRIMARY KEY, author integer);")
        added = generate(settings, users + "CREATE TABLE posts (id integer PRIMARY KEY, "
                                           "author integer REFERENCES users (id));\n"
                                           f"CREATE INDEX {index}ON posts (author);")
        down = Folder(settings.migrations).down_path(added.tag or "").read_text()
        assert added.irreversible == [] and "irreversible" not in down
        assert "posts_author_idx" in down
        assert history.migrate(settings).exit_code == 0
        assert history.rollback(settings).exit_code == 0
        with history.run.open_database(settings) as db:
            assert history.state.differences(db, settings, Folder(settings.migrations).read_snapshot(0)) == []


def test_default_names_are_cut_between_words_and_keep_the_count(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'app.db'}", tmp_path, tmp_path / "schema.sql")
    first = generate(settings, "CREATE TABLE customer_subscription_invoice_lines (id integer PRIMARY KEY);\n"
                               "CREATE TABLE customer_subscription_invoice_notes (id integer PRIMARY KEY);")
    assert first.tag == "0000_create_table_main_customer_subscription_invoice_and_1_more"
    one = generate(settings, "CREATE TABLE customer_subscription_invoice_lines (id integer PRIMARY KEY, "
                             "reconciliation_reference_number text);\n"
                             "CREATE TABLE customer_subscription_invoice_notes (id integer PRIMARY KEY);")
    assert one.tag == "0001_add_column_main_customer_subscription_invoice_lines"


def test_a_migration_writes_expressions_as_the_file_does(pg_server_url: str, tmp_path: Path) -> None:
    """Migrating the generated file makes the file's own database (pg_dump-identical):
    the expressions are written as the file spells them, not as they are compared."""
    sql = ("CREATE TABLE t (\n"
           "  a timestamp DEFAULT CURRENT_TIMESTAMP,\n"
           "  b varchar(5) DEFAULT NULL,\n"
           "  n bigint DEFAULT '0'::bigint,\n"
           "  tags text[] DEFAULT ARRAY[]::text[],\n"
           "  CONSTRAINT c CHECK ((a AT TIME ZONE 'utc') < now())\n"
           ");\n"
           "CREATE INDEX i ON t ((a AT TIME ZONE 'utc')) WHERE n = ANY (ARRAY[0]);\n")
    with fresh_db("postgresql", pg_server_url, tmp_path) as url, \
            fresh_db("postgresql", pg_server_url, tmp_path) as direct:
        settings = make_settings(url, tmp_path, tmp_path / "schema.sql")
        up = Folder(settings.migrations).up_path(generate(settings, sql).tag or "").read_text()
        assert "DEFAULT CURRENT_TIMESTAMP" in up and "DEFAULT NULL" in up
        assert history.migrate(settings).exit_code == 0
        run_script(url, "DROP TABLE schemalens_migrations;")  # the ledger: not the file's
        run_script(direct, sql)
        assert oracle.difference(oracle.dump(direct), oracle.dump(url)) is None
