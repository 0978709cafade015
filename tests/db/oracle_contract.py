"""Issue 11's contract, judged by the databases themselves (tests/oracle.py), for any schema file.

For a file F: database A <- F run by the database itself (PostgreSQL one statement at a time,
as `psql -f` runs it; SQLite `executescript`), database B <- empty + push F. Then, each a
separate verdict so that a gap list can name exactly which one is still open:

- `dump`: A and B dump identically (pg_dump --schema-only; sqlite_master and pragmas), the
  objects schemalens does not manage left out of both (`managed_dump`), and so the tables the
  file defines without managing them (LIKE, INHERITS, ...: `without_tables`): push never makes
  them;
- `check-pushed`: check is clean on B, and a second push onto B plans nothing;
- `check-file`: check is clean on A (no false drift on the file's own database);
- `push-onto-file`: a push onto A succeeds and leaves A's dump as it was (nothing the file
  defines is dropped, nothing unmanaged is touched);
- `reported`: when the file holds objects schemalens does not manage, the file reader says so.

And from a starting file: B <- F1 run by the database, push F2, compared with A <- F2 (`transition`,
column order aside: ADD COLUMN appends; F1's and F2's unmanaged tables aside: push leaves B's as F1
made them, and never drops one, the file defining it or not).

The verdicts are plain data (contract -> None or what went wrong) so that the suite, the
generator's test and bench/oracle_long.py share one judge.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg

from schemalens import workflows
from schemalens.changes import Renames
from schemalens.config import Settings
from schemalens.sources.sql import parse_texts
from schemalens.urls import postgres_conninfo
from tests import oracle
from tests.db.corpus import push, run_script, settings_for
from tests.db.test_conformance import _UNMANAGED_SQL

GAPS = Path(__file__).resolve().parent / "oracle_gaps"
CONTRACTS = ("dump", "check-pushed", "check-file", "push-onto-file", "reported")
NO_RENAMES = Renames({}, {})


def gaps(dialect: str) -> dict[tuple[str, str], str]:
    """(subject, contract or feature) -> the open class of failure it belongs to. One file per
    class in oracle_gaps/ (`<dialect>-<class>.txt`), whose first line says what is missing;
    then lines `<app> <contract>` (tests/data/apps) or `feature <flag>` (tests/generate_ddl.py).
    A fix deletes its lines (and the file when empty)."""
    listed: dict[tuple[str, str], str] = {}
    for file in sorted(GAPS.glob(f"{dialect}-*.txt")):
        reason, *lines = file.read_text(encoding="utf-8").splitlines()
        for line in lines:
            if line.strip():
                subject, what = line.split()
                listed[(subject, what)] = listed.get((subject, what), "") + f"[{file.stem}] {reason} "
    return listed


def listed_flags(dialect: str) -> dict[tuple[str, str | None], str]:
    """The generator's listed gaps: (flags, contract or None for every contract) -> reason.
    `flags` is one flag, or several joined by `+` (the first fails only with the others on);
    the flag `base` is every generated example."""
    out = {}
    for (subject, what), reason in gaps(dialect).items():
        if subject == "feature":
            flag, _, contract = what.partition(":")
            out[(flag, contract or None)] = reason
    return out


def profile(dialect: str, features: tuple[str, ...]) -> frozenset[str]:
    """The generator's flags claimed to work: all but those listed (for any verdict; of a
    listed combination, its first flag)."""
    return frozenset(features) - {flags.split("+")[0] for flags, _ in listed_flags(dialect)}


def unexpected(dialect: str, result: dict[str, str | None]) -> dict[str, str]:
    """The failed verdicts of an example of the profile that no `base` gap excuses."""
    listed = listed_flags(dialect)
    return {contract: failure for contract, failure in result.items()
            if failure and ("base", None) not in listed and ("base", contract) not in listed}


def verdicts(dialect: str, before: str, after: str, server_url: str) -> dict[str, str | None]:
    """`judge` of `after`, and its `transition` from `before`."""
    result = judge(dialect, after, server_url, Path(tempfile.mkdtemp(prefix="gen-")))
    result["transition"] = transition(dialect, before, after, server_url, Path(tempfile.mkdtemp(prefix="gen-")))
    return result


class FileDoesNotLoad(Exception):
    """The database itself refuses the file: test material to fix, not a schemalens verdict."""


@contextmanager
def databases(dialect: str, server_url: str, tmp: Path, count: int, roles: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """`count` empty databases of the dialect, dropped afterwards."""
    if dialect == "sqlite":
        urls = []
        for _ in range(count):
            path = tmp / f"{uuid.uuid4().hex[:12]}.db"
            sqlite3.connect(path).close()
            urls.append(f"sqlite:///{path}")
        yield urls
        return
    base = server_url.rpartition("/")[0]
    names = ["o_" + uuid.uuid4().hex[:12] for _ in range(count)]
    with psycopg.connect(server_url, autocommit=True) as conn:
        for role in roles:
            conn.execute(f"DO $$ BEGIN CREATE ROLE \"{role}\"; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# pg_restore's table of contents: the kinds of entry schemalens does not manage (issue 11's
# "out of scope"), and comments on them. Composite types are told apart from enums below.
_UNMANAGED_ENTRY = re.compile(
    r"^\d+; \d+ \d+ (?:COMMENT \S+ )?(FUNCTION|PROCEDURE|AGGREGATE|TRIGGER|VIEW|MATERIALIZED VIEW|"
    r"MATERIALIZED VIEW DATA|POLICY|ROW SECURITY|ACL|DEFAULT ACL|RULE|DOMAIN|COLLATION|OPERATOR|"
    r"EVENT TRIGGER|TYPE) (\S+) (\S+)")


def managed_dump(url: str) -> str:
    """oracle.dump without the objects schemalens does not manage (functions, triggers, views,
    grants, composite types, ...): what push can be asked to make. Its statements are in
    name order: pg_dump orders them by their dependencies, and the unmanaged objects left
    out changed those. SQLite: without triggers, views and virtual tables (with their
    shadow tables)."""
    if url.startswith("sqlite"):
        return _managed_sqlite_dump(Path(url.removeprefix("sqlite:///")))
    conninfo = postgres_conninfo(url)
    with psycopg.connect(conninfo) as conn:
        composite = {(s, n) for s, n in conn.execute(
            "SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_class c ON c.oid = t.typrelid WHERE t.typtype = 'c' AND c.relkind = 'c'")}
    with tempfile.TemporaryDirectory() as folder:
        archive, listing = Path(folder) / "schema.dump", Path(folder) / "managed.list"
        subprocess.run(["pg_dump", "--schema-only", "-Fc", "-f", str(archive), "-d", conninfo], check=True)
        toc = subprocess.run(["pg_restore", "-l", str(archive)], capture_output=True, text=True, check=True).stdout
        kept = []
        for line in toc.splitlines():
            m = _UNMANAGED_ENTRY.match(line)
            if m and (m.group(1) != "TYPE" or (m.group(2), m.group(3)) in composite):
                continue
            kept.append(line)
        listing.write_text("\n".join(kept) + "\n", encoding="utf-8")
        text = subprocess.run(["pg_restore", "-L", str(listing), "-f", "-", str(archive)],
                              capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if not oracle._PG_NOISE.match(line)]  # as oracle.pg_dump
    statements = re.split(r"\n{2,}", "\n".join(lines).strip())
    return "\n\n".join(sorted(statements)) + "\n"


def unmanaged_tables(dialect: str, sql: str) -> set[tuple[str, str]]:
    """(schema, name) of the tables the file defines but schemalens does not manage."""
    return {u.key for u in parse_texts([("schema.sql", sql)], dialect).unmanaged if u.key}


def without_tables(dumped: str, url: str, tables: set[tuple[str, str]]) -> str:
    """A PostgreSQL dump without the statements that make or alter these tables (their
    columns, keys, defaults, indexes, comments, owner), in name order as `managed_dump`:
    the tables left out changed the order of pg_dump's dependency sort."""
    if not tables or url.startswith("sqlite"):
        return dumped
    with psycopg.connect(postgres_conninfo(url)) as conn:
        names = [conn.execute("SELECT quote_ident(%s) || '.' || quote_ident(%s)", key).fetchone()[0]
                 for key in sorted(tables)]
    named = "|".join(re.escape(n) for n in names)
    owned = re.compile(rf"^(?:CREATE (?:UNLOGGED )?TABLE|ALTER TABLE(?: ONLY)?|COMMENT ON (?:TABLE|COLUMN)|"
                       rf"CREATE (?:UNIQUE )?INDEX (?:\"(?:[^\"]|\"\")*\"|\S+) ON(?: ONLY)?) (?:{named})[\s.(;]")
    kept = sorted(s for s in re.split(r"\n{2,}", dumped.strip()) if not owned.match(s))
    return "\n\n".join(kept) + "\n"


def _managed_sqlite_dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        virtual = {name for _, name, kind, *_ in conn.execute("PRAGMA table_list") if kind in ("virtual", "shadow")}
    finally:
        conn.close()
    owners = [f"{kind} {name}" for name in virtual for kind in ("columns", "foreign keys")]

    def managed(line: str) -> bool:
        if line.startswith(("trigger ", "view ")) or any(line.startswith(o + ": ") for o in owners):
            return False
        return not any(line.startswith(("table ", "index ")) and f" on {name}: " in line for name in virtual)
    return "\n".join(line for line in oracle.dump(f"sqlite:///{path}").splitlines() if managed(line)) + "\n"


def drift(settings: Settings) -> str | None:
    """None when check finds nothing to change, else the changes it found."""
    try:
        plan = workflows.check(settings, NO_RENAMES)
    except workflows.WorkflowError as error:
        return f"check stopped: {error}"
    return "; ".join(c.description for c in plan.changes)[:1500] or None


def load(url: str, sql: str) -> None:
    try:
        run_script(url, sql)
    except (psycopg.Error, sqlite3.Error) as error:
        raise FileDoesNotLoad(str(error).splitlines()[0]) from error


def judge(dialect: str, sql: str, server_url: str, tmp: Path, roles: tuple[str, ...] = ()) -> dict[str, str | None]:
    """Every verdict of the contract for one schema file (see the module's docstring)."""
    tmp.mkdir(parents=True, exist_ok=True)
    schema_file = tmp / "schema.sql"
    schema_file.write_text(sql, encoding="utf-8")
    verdicts: dict[str, str | None] = {"reported": reported(dialect, sql)}
    with databases(dialect, server_url, tmp, 2, roles) as (file_db, pushed_db):
        load(file_db, sql)
        expected = oracle.dump(file_db)
        failed = push(settings_for(pushed_db, schema_file, dialect))
        if failed:
            verdicts["dump"] = verdicts["check-pushed"] = "from empty: " + failed
        else:
            unmanaged = unmanaged_tables(dialect, sql)
            verdicts["dump"] = oracle.difference(without_tables(managed_dump(file_db), file_db, unmanaged),
                                                 without_tables(managed_dump(pushed_db), file_db, unmanaged))
            verdicts["check-pushed"] = _second_push(settings_for(pushed_db, schema_file, dialect))
        on_file = settings_for(file_db, schema_file, dialect)
        verdicts["check-file"] = drift(on_file)
        failed = push(on_file)
        verdicts["push-onto-file"] = failed or _changed("push onto the file's own database", expected,
                                                        oracle.dump(file_db))
    return verdicts


def transition(dialect: str, before: str, after: str, server_url: str, tmp: Path) -> str | None:
    """None when push of `after` onto the database `before` makes the database `after` makes
    (column order aside) and leaves nothing to change."""
    tmp.mkdir(parents=True, exist_ok=True)
    schema_file = tmp / "schema.sql"
    schema_file.write_text(after, encoding="utf-8")
    with databases(dialect, server_url, tmp, 2) as (file_db, pushed_db):
        load(file_db, after)
        load(pushed_db, before)
        settings = settings_for(pushed_db, schema_file, dialect)
        failed = push(settings)
        if failed:
            return failed
        unmanaged = unmanaged_tables(dialect, before) | unmanaged_tables(dialect, after)
        different = oracle.difference(
            oracle.columns_sorted(without_tables(oracle.dump(file_db), file_db, unmanaged)),
            oracle.columns_sorted(without_tables(oracle.dump(pushed_db), file_db, unmanaged)))
        if different:
            return "dumps differ:\n" + different
        left = drift(settings)
        return "after push, still: " + left if left else None


def reported(dialect: str, sql: str) -> str | None:
    """None unless the file holds out-of-scope SQL that its reader passes over in silence."""
    if not _UNMANAGED_SQL[dialect].search(sql):
        return None
    result = parse_texts([("schema.sql", sql)], dialect)
    if result.unmanaged or {p.code for p in result.problems} & {"unmanaged", "skipped-statement"}:
        return None
    return "objects schemalens does not manage are passed over in silence"


def _second_push(settings: Settings) -> str | None:
    left = drift(settings)
    if left:
        return "after push, still: " + left
    with suppress(workflows.WorkflowError):
        result = workflows.push(settings, NO_RENAMES, confirm=lambda losses: True, force=True)
        if result.statements:
            return "a second push plans: " + "; ".join(s.sql for s in result.statements)[:1500]
    return None


def _changed(what: str, before: str, after: str) -> str | None:
    different = oracle.difference(before, after)
    return f"{what} changed it:\n{different}" if different else None
