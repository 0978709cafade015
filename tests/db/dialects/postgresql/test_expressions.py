"""PostgreSQL as the judge of expressions (issue 11, class 2): for generated schemas of
defaults, checks, generated columns, index expressions and predicates, push from empty
must make the database `psql -f` makes (pg_dump-identical), `check` must be clean on both
and a second push must plan nothing; and from a first schema, push of a second must
change exactly the expressions whose meaning changed, written as the second file says.

Each pool below lists groups of spellings with one meaning: within a group, any spelling
against any other is no drift; across groups, always a change. The groups say what
PostgreSQL means (a numeric(10,4) holds 0, 0.0000 and '0' as one value; CURRENT_TIMESTAMP
is now()), so a wrong grouping fails against the server as surely as a wrong rule.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from schemalens import workflows
from schemalens.changes import Change, Renames
from schemalens.config import load_settings
from tests import oracle
from tests.db.corpus import pg_database, push, run_script, settings_for

Pool = list[list[str]]  # groups of spellings; one group, one meaning

# (column, type, defaults): the table every schema is built on.
COLUMNS: list[tuple[str, str, Pool]] = [
    ("i", "integer", [["0", "'0'::integer", "'0'", "0.0"], ["-1", "'-1'::integer"], ["(1 + 2)"], ["NULL", "NULL::integer"]]),
    ("b", "bigint", [["'0'::bigint", "0", "'0'"], ["'9999999999'::bigint", "9999999999"], ["-2", "'-2'::int8"]]),
    ("s", "smallint", [["'3'::smallint", "3", "'3'"]]),
    ("n", "numeric(10,4)", [["0.0000", "0", "'0'", "0.0", "'0.00'::numeric"], ["1.5", "'1.50'", "1.5000"],
                            ["-1.25", "'-1.2500'::numeric"], ["1e3", "'1000'", "1000.0"], ["NULL"]]),
    ("m", "numeric", [["0.0", "'0.0'", "'0.0'::numeric"], ["0", "'0'::numeric"], ["2.50", "'2.50'"]]),
    ("r", "real", [["0.0", "'0.0'", "0", "'0'::real", "0.0::real"], ["1.50", "'1.5'::real", "1.5"], ["1e3", "1000"]]),
    ("f", "double precision", [["'0.000'::double precision", "0.0", "0"], ["-0.5", "'-0.50'::float8"],
                               ["1.25", "'1.25'"]]),
    ("y", "bytea", [["''", "'\\x'", "''::bytea", "'\\x'::bytea"], ["'\\x00ff'", "'\\x00FF'::bytea", "'\\000\\377'"],
                    ["'abc'", "'\\x616263'"]]),
    ("t", "text", [["''", "''::text"], ["'x'", "'x'::text", "'x'::character varying"], ["NULL", "NULL::text"],
                   ["CURRENT_USER"], ["(CURRENT_DATE)::text", "CURRENT_DATE::text"]]),
    ("v", "varchar(20)", [["NULL", "NULL::character varying"], ["'a'", "'a'::character varying", "'a'::varchar"]]),
    ("ok", "boolean", [["true", "'t'", "'true'::boolean"], ["false", "'f'::boolean", "'no'"]]),
    ("ts", "timestamp", [["CURRENT_TIMESTAMP", "now()", "transaction_timestamp()"],
                         ["(now() AT TIME ZONE 'utc')", "timezone('utc', now())", "(now() AT TIME ZONE 'utc'::text)"],
                         ["LOCALTIMESTAMP"], ["LOCALTIMESTAMP(0)"], ["LOCALTIMESTAMP(3)"], ["(CURRENT_TIMESTAMP + '3 days'::interval)", "(now() + interval '3 days')"],
                         ["'2020-01-01 00:00:00'::timestamp without time zone", "'2020-01-01'::timestamp"]]),
    ("tz", "timestamptz", [["CURRENT_TIMESTAMP", "now()"], ["CURRENT_TIMESTAMP(3)"], ["CURRENT_TIMESTAMP(0)"],
                           ["statement_timestamp()"]]),
    ("d1", "date", [["CURRENT_DATE"], ["'2020-01-01'::date", "'2020-01-01'"]]),
    ("d2", "date", [["NULL"], ["('2020-01-01'::date + 1)"]]),
    ("tm", "time", [["CURRENT_TIME"], ["LOCALTIME"], ["CURRENT_TIME(0)"], ["LOCALTIME(0)"], ["LOCALTIME(2)"]]),
    ("tags", "text[]", [["ARRAY[]::text[]", "'{}'::text[]", "'{}'"], ["ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]"],
                        ["ARRAY[(CURRENT_DATE)::text]"]]),
    ("nums", "integer[]", [["ARRAY[]::integer[]", "'{}'::integer[]", "'{}'::int4[]"], ["ARRAY[1, 2]"],
                           ["'{1,2}'::integer[]"]]),
    ("dec", "numeric[]", [["ARRAY['1'::numeric]"], ["ARRAY[1.5]"]]),
    ("cash", "money", [["'$1.00'::money", "'1.00'::money", "1"], ["1.999", "'$2.00'::money"]]),
    ("span", "interval", [["'1 day'::interval", "'1 days'", "interval '1 day'"], ["'24 hours'", "'24:00:00'::interval"],
                        ["'1 week'::interval", "'7 days'"]]),
    ("doc", "jsonb", [["'{}'::jsonb", "'{}'"], ["'[]'::jsonb"], ["'{\"b\":1,\"a\":[1.50, 1e2]}'", "'{\"a\": [1.50, 100], \"b\": 1}'"]]),
    ("raw", "json", [["'{\"a\":1}'"], ["'{\"a\": 1}'"]]),
    ("mac", "macaddr", [["'0:0:0:0:0:0'", "'00:00:00:00:00:00'::macaddr", "'000000000000'"],
                        ["'08-00-2B-01-02-03'", "'0800.2b01.0203'", "'08002b:010203'"]]),
    ("mac8", "macaddr8", [["'08:00:2b:01:02:03'", "'08002bfffe010203'", "'08-00-2B-FF-FE-01-02-03'"]]),
    ("ip", "inet", [["'10.0.0.1/32'", "'10.0.0.1'::inet"], ["'10.0.0.1/8'"], ["'2001:DB8:0:0:0:0:0:1'", "'2001:db8::1'"]]),
    ("net", "cidr", [["'10.0.0.0/8'"], ["'2001:db8::/32'", "'2001:DB8:0::/32'"]]),
    ("id", "uuid", [["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "'{a0eebc999c0b4ef8bb6d6bb9bd380a11}'::uuid"]]),
]

CHECKS: Pool = [
    ["i > 0"], ["0 < i"], ["i IN (1, 2)", "i = ANY (ARRAY[1, 2])"], ["i = ANY (ARRAY[0])"],
    ["(ts AT TIME ZONE 'utc') < now()", "timezone('utc', ts) < CURRENT_TIMESTAMP"],
    ["v::text = ANY (ARRAY['a'::varchar, 'b'::varchar]::text[])", "v IN ('a', 'b')"],
    ["n = '1'::numeric", "n = 1"], ["n = 1.5", "n = '1.5'"], ["n = 1.50", "n = '1.50'"], ["m >= 0.0"],
    ["(d1, d2) OVERLAPS (d1, d2)"], ["i BETWEEN 1 AND 10", "i >= 1 AND i <= 10"],
    ["length(t) > 0"], ["t LIKE 'a%'", "t ~~ 'a%'"], ["NOT (i = 5)"], ["i <> 5", "i != 5"],
    ["(i > 0 AND b > 0) OR (t IS NULL AND i = ANY (ARRAY[0]))"], ["y <> ''::bytea", "y <> '\\x'"],
    ["r > 0.5", "r > '0.5'"], ["ts <= LOCALTIMESTAMP(0)"], ["tz <= CURRENT_TIMESTAMP(0)"], ["tm <> LOCALTIME(0)"], ["substring(t from 1 for 2) <> 'zz'", "substring(t, 1, 2) <> 'zz'"],
]

INDEX_ELEMENTS: Pool = [
    ["lower(t)"], ["(ts AT TIME ZONE 'utc')", "timezone('utc', ts)"], ["(i + 1)"], ["COALESCE(i, 0)"],
    ["(t || v)"], ["(substring(t from 1 for 3))", "substring(t, 1, 3)"], ["i DESC"], ["(n * 2.0)"],
]

INDEX_PREDICATES: Pool = [
    ["i > 0"], ["t IS NOT NULL"], ["n = '1'::numeric", "n = 1"],
    ["(v)::text = ANY (ARRAY['a'::varchar, 'b'::varchar]::text[])", "v IN ('a', 'b')"], ["i IN (1, 2, 3)"],
    ["ts > '2020-01-01'::timestamp", "ts > '2020-01-01'", "ts > '2020-01-01 00:00'"], ["ok"], ["ok = true", "ok = 't'"], ["ok IS TRUE"],
]

# (type, spellings): a generated column's type goes with its expression.
GENERATED: list[tuple[str, list[str]]] = [
    ("integer", ["i * 2"]), ("text", ["lower(t)"]), ("numeric", ["n * 1.5"]), ("text", ["t || 'x'"]),
    ("timestamptz", ["(ts AT TIME ZONE 'utc')", "timezone('utc', ts)"]), ("text", ["upper(v::text)"]),
    ("integer", ["COALESCE(i, 0) + '1'::integer", "COALESCE(i, 0) + 1"]),
]

Choice = tuple[int, int]  # (group, spelling)


@dataclass(frozen=True)
class Spec:
    """One schema: for each object kind, which group and spelling each object takes."""

    defaults: dict[str, Choice]
    checks: dict[int, Choice]
    elements: dict[int, Choice]
    predicates: dict[int, Choice]
    generated: Choice | None

    def sql(self, other: Spec | None = None) -> str:
        """The schema file; with `other`, an object whose meaning is the same in both keeps
        other's spelling (what the database keeps when push leaves it alone; DEFAULT NULL
        means no default)."""
        def pick(pool: Pool, choice: Choice, before: Choice | None) -> str:
            group, spelling = before if before is not None and before[0] == choice[0] else choice
            return pool[group][spelling]

        def prior(kind: str, key: object) -> Choice | None:
            return getattr(other, kind).get(key) if other is not None else None

        lines = []
        for name, type_, pool in COLUMNS:
            default = self.defaults.get(name)
            before = prior("defaults", name)
            if other is not None and _meaning(pool, default) == _meaning(pool, before):
                default = before
            clause = f" DEFAULT {pool[default[0]][default[1]]}" if default else ""
            lines.append(f"    {name} {type_}{clause}")
        if self.generated is not None:
            before = other.generated if other is not None else None
            type_, _ = GENERATED[self.generated[0]]
            expression = pick([g for _, g in GENERATED], self.generated, before)
            lines.append(f"    g {type_} GENERATED ALWAYS AS ({expression}) STORED")
        for k, choice in sorted(self.checks.items()):
            lines.append(f"    CONSTRAINT c{k} CHECK ({pick(CHECKS, choice, prior('checks', k))})")
        out = ["CREATE TABLE t (\n" + ",\n".join(lines) + "\n);"]
        for k, choice in sorted(self.elements.items()):
            out.append(f"CREATE INDEX e{k} ON t ({pick(INDEX_ELEMENTS, choice, prior('elements', k))});")
        for k, choice in sorted(self.predicates.items()):
            out.append(f"CREATE INDEX p{k} ON t (i) WHERE {pick(INDEX_PREDICATES, choice, prior('predicates', k))};")
        return "\n".join(out) + "\n"


def _meaning(pool: Pool, default: Choice | None) -> int | None:
    """A default's group; None for none at all, and for DEFAULT NULL, which means none."""
    return None if default is None or "NULL" in pool[default[0]] else default[0]


def _choice(pool: Pool) -> st.SearchStrategy[Choice]:
    return st.integers(0, len(pool) - 1).flatmap(
        lambda g: st.tuples(st.just(g), st.integers(0, len(pool[g]) - 1)))


def _keyed(pool: Pool, most: int) -> st.SearchStrategy[dict[int, Choice]]:
    return st.dictionaries(st.integers(0, most - 1), _choice(pool), max_size=most)


specs = st.builds(
    Spec,
    defaults=st.fixed_dictionaries({}, optional={name: _choice(pool) for name, _, pool in COLUMNS}),
    checks=_keyed(CHECKS, 3),
    elements=_keyed(INDEX_ELEMENTS, 2),
    predicates=_keyed(INDEX_PREDICATES, 2),
    generated=st.none() | _choice([g for _, g in GENERATED]),
)


@contextmanager
def _databases(server_url: str, count: int) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(pg_database(server_url, None)) for _ in range(count)]


def _check(url: str, schema_file: Path) -> workflows.Plan:
    settings = load_settings({"database_url": url, "schema": [str(schema_file)], "dialect": "postgresql"},
                             start=schema_file.parent, environ={})
    return workflows.check(settings, Renames({}, {}))


def _changes(url: str, schema_file: Path) -> list[Change]:
    return _check(url, schema_file).changes


def _plan(url: str, schema_file: Path) -> list[str]:
    return [s.sql for s in _check(url, schema_file).statements]


def _file(sql: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "schema.sql"
    path.write_text(sql, encoding="utf-8")
    return path


def assert_push_makes_the_files_database(server_url: str, sql: str) -> None:
    schema_file = _file(sql)
    with _databases(server_url, 2) as (direct, pushed):
        run_script(direct, sql)
        assert _plan(direct, schema_file) == [], f"false drift against the file's own database:\n{sql}"
        assert push(settings_for(pushed, schema_file, "postgresql")) is None
        different = oracle.difference(oracle.dump(direct), oracle.dump(pushed))
        assert different is None, f"{sql}\n{different}"
        assert _plan(pushed, schema_file) == [], "a second push is not a no-op"


@given(specs)
def test_push_from_empty_makes_the_files_database(pg_server_url: str, spec: Spec) -> None:
    assert_push_makes_the_files_database(pg_server_url, spec.sql())


@given(specs, specs)
def test_push_changes_only_what_means_something_else(pg_server_url: str, first: Spec, second: Spec) -> None:
    """From the first schema's database, push the second: the result is the second file's
    database, except where an object means the same in both (it is left as it was)."""
    schema_file = _file(second.sql())
    with _databases(server_url=pg_server_url, count=2) as (expected, pushed):
        run_script(expected, second.sql(other=first))
        run_script(pushed, first.sql())
        assert push(settings_for(pushed, schema_file, "postgresql")) is None
        different = oracle.difference(oracle.columns_sorted(oracle.dump(expected)),
                                      oracle.columns_sorted(oracle.dump(pushed)))
        assert different is None, f"{first.sql()}\n->\n{second.sql()}\n{different}"
        assert _plan(pushed, schema_file) == [], "a second push is not a no-op"


def _every_object(choose: Callable[[list[str], int, int], str | None]) -> str:
    """One schema with an object per spelling of every pool, each written as `choose`
    says (None: left out)."""
    columns, constraints, indexes = [], [], []
    for name, type_, pool in COLUMNS:
        for group, spellings in enumerate(pool):
            for k in range(len(spellings)):
                text = choose(spellings, group, k)
                if text is not None:
                    columns.append(f"    {name}_{group}_{k} {type_} DEFAULT {text}")
    columns += [f"    {name} {type_}" for name, type_, _ in COLUMNS]
    for kind, pool in (("c", CHECKS), ("e", INDEX_ELEMENTS), ("p", INDEX_PREDICATES)):
        for group, spellings in enumerate(pool):
            for k in range(len(spellings)):
                text = choose(spellings, group, k)
                if text is None:
                    continue
                if kind == "c":
                    constraints.append(f"    CONSTRAINT c_{group}_{k} CHECK ({text})")
                elif kind == "e":
                    indexes.append(f"CREATE INDEX e_{group}_{k} ON t ({text});")
                else:
                    indexes.append(f"CREATE INDEX p_{group}_{k} ON t (i) WHERE {text};")
    return "CREATE TABLE t (\n" + ",\n".join(columns + constraints) + "\n);\n" + "\n".join(indexes) + "\n"


def test_every_spelling_means_what_its_group_means(pg_server_url: str) -> None:
    """Every spelling against the first of its group: no drift; the first of each group
    against the first of the next: a change for each. (The transitions above draw pairs
    at random; this takes every one.)"""
    database = _every_object(lambda spellings, group, k: spellings[0])
    same = _every_object(lambda spellings, group, k: spellings[k])
    with _databases(pg_server_url, 1) as (url,):
        run_script(url, database)
        found = [c.description for c in _changes(url, _file(same))]
        assert found == [], "\n".join(found)
    pools = [pool for _, _, pool in COLUMNS] + [CHECKS, INDEX_ELEMENTS, INDEX_PREDICATES]
    firsts = {id(p[g]): p[g + 1][0] for p in pools for g in range(len(p) - 1)}
    database = _every_object(lambda spellings, group, k: spellings[0] if k == 0 and id(spellings) in firsts else None)
    moved = _every_object(lambda spellings, group, k: firsts[id(spellings)] if k == 0 and id(spellings) in firsts
                          else None)
    with _databases(pg_server_url, 1) as (url,):
        run_script(url, database)
        changes = _changes(url, _file(moved))
    created = set(re.findall(r"\b([a-z][a-z0-9]*_\d+_0)\b", database))
    assert {c.name for c in changes} == created
