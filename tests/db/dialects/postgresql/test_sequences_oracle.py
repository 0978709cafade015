"""Sequences against the oracle (issue 11, class 3): a database made by `psql -f F` and one
made by push of F, onto an empty database or onto the database of another file F1, dump
identically (`pg_dump --schema-only`), check is clean on both, and a second push plans
nothing. The files are generated: CREATE SEQUENCE with and without AS and options, OWNED BY
a column, NONE or nothing, sequences used by column defaults, serial / bigserial /
smallserial columns (their own sequence altered or not), several schemas, quoted names."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import load_settings
from schemalens.dialects.postgresql.names import quote_ident, quote_literal
from tests import oracle
from tests.db.corpus import pg_database, push, run_script, settings_for

SCHEMAS = ["public", "app", "Odd \"sch\""]
TABLES = [("public", "t"), ("app", "Items x"), ("Odd \"sch\"", "t")]
SEQUENCES = [("public", "s1"), ("public", "Seq \"q\""), ("app", "s2"), ("Odd \"sch\"", "s3")]
ID_TYPES = ["serial", "bigserial", "smallserial", "integer NOT NULL", "bigint"]


def qn(key: tuple[str, str]) -> str:
    return f"{quote_ident(key[0])}.{quote_ident(key[1])}"


@dataclass
class Seq:
    key: tuple[str, str]
    options: list[str]
    owner: str | None = None  # "NONE", an index into TABLES (as text), or None: no OWNED BY
    owner_column: str = "id"


@dataclass
class Spec:
    tables: dict[int, tuple[str, str | None, str]] = field(default_factory=dict)  # id type, v default seq, v type
    sequences: list[Seq] = field(default_factory=list)
    serial_alters: list[tuple[int, list[str]]] = field(default_factory=list)

    def sql(self) -> str:
        # every file creates every schema: a schema a file leaves out is not managed (class 5)
        out = [f"CREATE SCHEMA {quote_ident(s)};" for s in SCHEMAS[1:]]
        for seq in self.sequences:
            out.append(f"CREATE SEQUENCE {qn(seq.key)}{''.join(' ' + o for o in seq.options)};")
        for i, (id_type, used, v_type) in self.tables.items():
            v = f"v {v_type}" + (f" DEFAULT nextval({quote_literal(qn(self.key_of(used)))}::regclass)" if used else "")
            out.append(f"CREATE TABLE {qn(TABLES[i])} (id {id_type} PRIMARY KEY, {v});")
        for seq in self.sequences:
            if seq.owner == "NONE":
                out.append(f"ALTER SEQUENCE {qn(seq.key)} OWNED BY NONE;")
            elif seq.owner is not None:
                out.append(f"ALTER SEQUENCE {qn(seq.key)} OWNED BY {qn(TABLES[int(seq.owner)])}.{seq.owner_column};")
        for i, options in self.serial_alters:
            table = TABLES[i]
            out.append(f"ALTER SEQUENCE {qn((table[0], table[1] + '_id_seq'))} {' '.join(options)};")
        return "\n".join(out) + "\n"

    def key_of(self, name: str | None) -> tuple[str, str]:
        return next(s.key for s in self.sequences if s.key[1] == name)


def _options(draw: st.DrawFn) -> list[str]:
    """Options PostgreSQL accepts together: within smallint's range, START inside the bounds."""
    increment = draw(st.sampled_from([None, 1, 5, -1, -3]))
    ascending = increment is None or increment > 0
    if ascending:
        low = draw(st.sampled_from([None, 1, 10]))
        high = draw(st.sampled_from([None, 30000]))
        start = draw(st.sampled_from([None, low or 1, (low or 1) + 7]))
    else:
        high = draw(st.sampled_from([None, -1, -10]))
        low = draw(st.sampled_from([None, -30000]))
        start = draw(st.sampled_from([None, high or -1, (high or -1) - 7]))
    if draw(st.integers(0, 3)) == 0:
        increment = low = high = start = None  # all defaults: as serial makes it, given AS integer
    kind = draw(st.sampled_from([None, "smallint", "integer", "integer", "bigint"]))
    options = [f"AS {kind}"] if kind else []
    options += [f"INCREMENT BY {increment}"] if increment is not None else []
    options += [f"MINVALUE {low}"] if low is not None else []
    options += [f"MAXVALUE {high}"] if high is not None else []
    options += [f"START WITH {start}"] if start is not None else []
    cache = draw(st.sampled_from([None, 1, 20]))
    options += [f"CACHE {cache}"] if cache is not None else []
    options += ["CYCLE"] if draw(st.booleans()) else []
    return options


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    spec = Spec()
    for key in draw(st.lists(st.sampled_from(SEQUENCES), unique=True, max_size=3)):
        spec.sequences.append(Seq(key, _options(draw)))
    for i in draw(st.lists(st.sampled_from(range(len(TABLES))), unique=True, min_size=1, max_size=2)):
        used = draw(st.sampled_from([None, *(s.key[1] for s in spec.sequences)]))
        # v NOT NULL with a default from an integer sequence it owns is what serial makes,
        # under a name serial would not choose
        v_type = draw(st.sampled_from(["integer", "bigint", "smallint"])) + draw(st.sampled_from(["", " NOT NULL"]))
        spec.tables[i] = (draw(st.sampled_from(ID_TYPES)), used, v_type)
    for seq in spec.sequences:
        owners = [i for i in spec.tables if TABLES[i][0] == seq.key[0]]  # OWNED BY: same schema
        owner = draw(st.sampled_from([None, "NONE", *map(str, owners)]))
        seq.owner = owner
        seq.owner_column = draw(st.sampled_from(["id", "v"]))
    for i, (id_type, _, _) in spec.tables.items():
        if id_type.endswith("serial") and draw(st.booleans()):
            options = draw(st.sampled_from([["OWNED BY NONE"], ["START WITH 100"], ["AS bigint"],
                                            ["INCREMENT BY 2", "CACHE 10"], ["RESTART"]]))
            spec.serial_alters.append((i, options))
    return spec


def _settings(url: str, schema_file: Path) -> object:
    return load_settings({"database_url": url, "schema": [str(schema_file)], "dialect": "postgresql"},
                         start=schema_file.parent, environ={})


def _changes(url: str, schema_file: Path) -> list[str]:
    return [c.description for c in workflows.check(_settings(url, schema_file), Renames({}, {})).changes]


def _oracle(server: str, before: str | None, text: str) -> None:
    schema_file = Path(tempfile.mkdtemp()) / "schema.sql"
    schema_file.write_text(text, encoding="utf-8")
    with pg_database(server, None) as direct, pg_database(server, None) as pushed:
        run_script(direct, text)
        if before is not None:
            run_script(pushed, before)
        assert push(settings_for(pushed, schema_file, "postgresql")) is None
        expected, got = oracle.dump(direct), oracle.dump(pushed)
        if before is not None:
            expected, got = oracle.columns_sorted(expected), oracle.columns_sorted(got)
        assert oracle.difference(expected, got) is None
        assert _changes(pushed, schema_file) == []  # a second push plans nothing
        assert _changes(direct, schema_file) == []  # no false drift on the file's own database


@given(spec=specs())
def test_push_onto_empty_makes_the_files_database(pg_server_url: str, spec: Spec) -> None:
    _oracle(pg_server_url, None, spec.sql())


@given(first=specs(), second=specs())
def test_push_from_another_file_makes_the_files_database(pg_server_url: str, first: Spec, second: Spec) -> None:
    _oracle(pg_server_url, first.sql(), second.sql())


@pytest.mark.parametrize("before, after", [
    # a serial's sequence made a bigint sequence with options, then owned by nothing
    ("CREATE TABLE t (id serial);",
     "CREATE TABLE t (id serial);\nALTER SEQUENCE t_id_seq AS bigint START 5 OWNED BY NONE;"),
    # and back: the listed sequence becomes the serial's again, never dropped nor created twice
    ("CREATE TABLE t (id serial);\nALTER SEQUENCE t_id_seq AS bigint START 5 OWNED BY NONE;",
     "CREATE TABLE t (id serial);"),
    # a sequence used by a default but not owned, then removed with the default
    ("CREATE SEQUENCE s;\nCREATE TABLE t (id int DEFAULT nextval('s'));", "CREATE TABLE t (id int);"),
    # a file's own sequence under a name serial would not choose, owned like a serial's
    (None, "CREATE SEQUENCE ids AS integer;\nCREATE TABLE t (id integer NOT NULL DEFAULT nextval('ids'));\n"
           "ALTER SEQUENCE ids OWNED BY t.id;"),
    ("CREATE TABLE t (id serial);", "CREATE TABLE t (id bigserial);"),
    ("CREATE TABLE t (id bigserial);", "CREATE TABLE t (id smallserial);"),
])
def test_sequence_transitions(pg_server_url: str, before: str | None, after: str) -> None:
    _oracle(pg_server_url, before, after + "\n")
