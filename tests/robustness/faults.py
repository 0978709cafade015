"""Faults and load against the real CLI, both dialects: `kill -9` at random points of push,
migrate and rollback, PostgreSQL restarted mid-push, and many pushes and migrates at once.

The judge is the database itself (tests/oracle.py dumps): after a fault it must be the
state before the command or after it (for migrate and rollback: after some whole number of
migrations, with the migrations table saying exactly which), never in between; a rerun
must end in sync. The test files run a bounded profile of these scenarios; the long
profile is `python -m tests.robustness.faults` (see the README's "Reliability"), which
prints the figures table.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from schemalens import history
from schemalens.dialects.postgresql.runtime import ADVISORY_LOCK_KEY
from tests.db.test_migrate_apply import add_migration, make_settings
from tests.oracle import dump
from tests.pgserver import PgServer, _as_postgres

CLI = [sys.executable, "-m", "schemalens"]
TABLES = 40          # tables of the pushed schema: enough statements to land a kill among them
MIGRATIONS = 4       # migrations of the migrated folder, each with a slow statement in it
SLOW = {"postgresql": "SELECT pg_sleep(0.4)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
                  "SELECT count(*) FROM c"}
LONG = {"postgresql": "SELECT pg_sleep(3)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) "
                  "SELECT count(*) FROM c"}
WAITING = "holds the lock on this database: waiting"


@dataclass
class Figures:
    kills: int = 0            # kill -9 or restarts tried
    half_applied: int = 0     # states found that are neither before nor after (must stay 0)
    reruns_in_sync: int = 0   # reruns after a fault that ended in sync
    concurrent_runs: int = 0  # CLI runs started at once against one database
    failures: list[str] = field(default_factory=list)  # raw errors, tracebacks, runs out of sync

    def add(self, other: Figures) -> None:
        self.kills += other.kills
        self.half_applied += other.half_applied
        self.reruns_in_sync += other.reruns_in_sync
        self.concurrent_runs += other.concurrent_runs
        self.failures += other.failures


# --- databases ------------------------------------------------------------------------------


class Databases:
    """Fresh databases of one dialect: PostgreSQL ones on the server at `admin_url`, SQLite files."""

    def __init__(self, dialect: str, root: Path, admin_url: str | None) -> None:
        self.dialect, self.root, self.admin_url = dialect, root, admin_url
        self.made: list[str] = []

    def fresh(self) -> str:
        name = "r_" + uuid.uuid4().hex[:12]
        if self.dialect == "sqlite":
            return f"sqlite:///{self.root / (name + '.db')}"
        assert self.admin_url is not None
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        self.made.append(name)
        return f"{self.admin_url.rpartition('/')[0]}/{name}"

    def drop_all(self) -> None:
        if self.admin_url is None:
            return
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for name in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()


def settle(url: str) -> None:
    """Wait until no schemalens backend works on the database: a killed client's backend
    runs its statement to the end before it notices and rolls back."""
    if url.startswith("sqlite"):
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with psycopg.connect(url, autocommit=True) as conn:
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND application_name = 'schemalens'").fetchone()[0]
        if not busy:
            return
        time.sleep(0.05)
    raise AssertionError(f"schemalens backends still running on {url}")


def _writing(url: str, proc: subprocess.Popen[str]) -> None:
    """Wait until the command's write transaction is open (SQLite: its journal exists;
    PostgreSQL: its backend is inside a transaction), or the command ended."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if url.startswith("sqlite"):
            if Path(url.removeprefix("sqlite:///") + "-journal").exists():
                return
        else:
            with psycopg.connect(url, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND "
                                "application_name = 'schemalens' AND state LIKE '%%transaction%%' "
                                "OR query LIKE '%%pg_sleep%%' AND datname = current_database() "
                                "AND application_name = 'schemalens'").fetchone():
                    return
        time.sleep(0.01)


def recorded(url: str) -> list[str]:
    """The migrations table's names in order (empty: no table)."""
    sql = "SELECT name FROM schemalens_migrations ORDER BY idx"
    try:
        if url.startswith("sqlite"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
                return [r[0] for r in conn.execute(sql)]
        with psycopg.connect(url) as conn:
            return [r[0] for r in conn.execute(sql)]
    except (sqlite3.OperationalError, psycopg.errors.UndefinedTable):
        return []


# --- projects -----------------------------------------------------------------------------


def schema_text(dialect: str, tables: int = TABLES) -> str:
    """A schema with types and keys between its tables (PostgreSQL: an enum, so concurrent
    creations meet in pg_type)."""
    lines = ["CREATE TYPE p_mood AS ENUM ('low', 'high');\n"] if dialect == "postgresql" else []
    mood = "p_mood" if dialect == "postgresql" else "text"
    for i in range(tables):
        parent = f",\n  parent_id integer REFERENCES p_{i - 1} (id)" if i else ""
        lines.append(f"CREATE TABLE p_{i} (\n  id integer PRIMARY KEY,\n  name text NOT NULL DEFAULT 'x',\n"
                     f"  mood {mood}{parent}\n);\nCREATE INDEX p_{i}_name ON p_{i} (name);\n")
    return "\n".join(lines)


def push_project(root: Path, dialect: str, exclude: str = "") -> Path:
    project = Path(tempfile.mkdtemp(prefix="push-", dir=root))
    (project / "schema.sql").write_text(schema_text(dialect), encoding="utf-8")
    excluded = f'exclude = ["{exclude}"]\n' if exclude else ""
    (project / "schemalens.toml").write_text(f'schema = ["schema.sql"]\n{excluded}', encoding="utf-8")
    return project


def migrations_text(dialect: str, i: int, slow: str) -> tuple[str, str]:
    up = (f"CREATE TABLE m_{i} (id integer PRIMARY KEY, note text);\nINSERT INTO m_{i} VALUES (1, 'a');\n"
          f"{slow};\nCREATE INDEX m_{i}_note ON m_{i} (note);\n")
    down = f"DROP INDEX m_{i}_note;\n{slow};\nDROP TABLE m_{i};\n"
    return up, down


def migrate_project(root: Path, dialect: str, count: int = MIGRATIONS, long_at: int | None = None) -> Path:
    """A folder of `count` migrations, each with a slow statement between its DDL (the
    migration `long_at` with a long one)."""
    project = Path(tempfile.mkdtemp(prefix="migrate-", dir=root))
    (project / "schemalens.toml").write_text('migrations = "migrations"\n', encoding="utf-8")
    settings = make_settings(f"sqlite:///{project / 'unused.db'}" if dialect == "sqlite"
                             else "postgresql://unused/unused", project)
    for i in range(count):
        up, down = migrations_text(dialect, i, LONG[dialect] if i == long_at else SLOW[dialect])
        add_migration(settings, f"m_{i}", up, down=down)
    return project


def prefix_dumps(project: Path, url: str, count: int) -> list[str]:
    """The database after 0, 1, ..., `count` migrations of `project` (run in process, one
    journal entry more each time, on a database of its own)."""
    scratch = Path(tempfile.mkdtemp(prefix="prefix-", dir=project.parent))
    (scratch / "schemalens.toml").write_text('migrations = "migrations"\n', encoding="utf-8")
    settings = make_settings(url, scratch)
    source = make_settings(url, project)
    from schemalens.migrations.folder import Folder

    journal = Folder(source.migrations).read_journal()
    dumps = [dump(url)]
    for entry in journal.entries[:count]:
        up = Folder(source.migrations).up_path(entry.tag).read_text(encoding="utf-8")
        down = Folder(source.migrations).down_path(entry.tag).read_text(encoding="utf-8")
        add_migration(settings, entry.tag.split("_", 1)[1], up, down=down)
        result = history.migrate(settings)
        assert result.exit_code == 0 and result.applied, result
        dumps.append(dump(url))
    return dumps


def cli(args: list[str], project: Path, url: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args, "--db", url], cwd=project, capture_output=True, text=True,
                          timeout=timeout, env=_env())


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SCHEMALENS_")}


def _start(args: list[str], project: Path, url: str, stderr: object = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen([*CLI, *args, "--db", url], cwd=project, stdout=subprocess.PIPE, stderr=stderr,
                            text=True, env=_env(), start_new_session=True)


def _raw(text: str) -> str | None:
    """A raw error in a command's output: what no user may see."""
    for mark in ("Traceback", "psycopg.", "sqlite3.", "Error:"):
        if mark in text:
            return text.strip()[-2000:]
    return None


def _kill_after(proc: subprocess.Popen[str], marker: str, extra_s: float) -> bool:
    """Read stderr until a line holding `marker`, wait `extra_s`, kill -9. False when the
    command ended first."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            time.sleep(extra_s)
            break
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    return True


# --- scenarios ----------------------------------------------------------------------------


def _in_sync(figures: Figures, what: str, *runs: subprocess.CompletedProcess[str]) -> None:
    for run in runs:
        if run.returncode != 0:
            figures.failures.append(f"{what}: rerun {run.args[3:4]} exit {run.returncode}: "
                                    f"{(run.stderr or run.stdout).strip()[-1500:]}")
            return
    figures.reruns_in_sync += 1


def _push_case(dbs: Databases) -> tuple[Path, str, int]:
    """A push project, the dump of a database it pushed from empty, and that push's statement count."""
    project = push_project(dbs.root, dbs.dialect)
    reference = dbs.fresh()
    done = cli(["push", "--force"], project, reference)
    assert done.returncode == 0, done.stderr
    return project, dump(reference), done.stderr.count("\n[")


def kill_push(dbs: Databases, rng: random.Random, kills: int) -> Figures:
    """Push an empty database, kill -9 after a random statement: empty or whole."""
    figures = Figures()
    project, after, total = _push_case(dbs)
    for _ in range(kills):
        url = dbs.fresh()
        before = dump(url)
        proc = _start(["push", "--force"], project, url)
        figures.kills += _kill_after(proc, f"[{rng.randint(1, max(total, 1))}/", rng.uniform(0, 0.02))
        settle(url)
        state = dump(url)
        if state not in (before, after):
            figures.half_applied += 1
            figures.failures.append(f"{dbs.dialect} push killed: half-applied")
        _in_sync(figures, f"{dbs.dialect} push", cli(["push", "--force"], project, url), cli(["check"], project, url))
    return figures


def _judge_migrations(figures: Figures, what: str, url: str, dumps: list[str], tags: list[str],
                      allowed: int = 0) -> None:
    """The state is one of dumps[allowed:], and the migrations table names the migrations it holds."""
    state, ledger = dump(url), recorded(url)
    if state not in dumps[allowed:] or ledger != tags[:dumps.index(state)]:
        figures.half_applied += 1
        figures.failures.append(f"{what}: state between migrations, or a migrations table that does not "
                                f"match it ({ledger})")


def _migrations_case(dbs: Databases) -> tuple[Path, list[str], list[str]]:
    """A migrations project, the dumps after each whole number of its migrations, their tags."""
    project = migrate_project(dbs.root, dbs.dialect)
    return project, prefix_dumps(project, dbs.fresh(), MIGRATIONS), [f"{i:04d}_m_{i}" for i in range(MIGRATIONS)]


def kill_migrate(dbs: Databases, rng: random.Random, kills: int) -> Figures:
    """Migrate, kill -9 inside a random migration: a whole number of migrations, recorded."""
    figures = Figures()
    project, dumps, tags = _migrations_case(dbs)
    for _ in range(kills):
        url = dbs.fresh()
        proc = _start(["migrate"], project, url)
        figures.kills += _kill_after(proc, f"({rng.randint(1, MIGRATIONS)}/{MIGRATIONS})", rng.uniform(0, 0.6))
        settle(url)
        _judge_migrations(figures, f"{dbs.dialect} migrate killed", url, dumps, tags)
        _in_sync(figures, f"{dbs.dialect} migrate", cli(["migrate"], project, url), cli(["status"], project, url))
    return figures


def kill_rollback(dbs: Databases, rng: random.Random, kills: int) -> Figures:
    """Roll back the last migration, kill -9 at a random moment of its down file."""
    figures = Figures()
    project, dumps, tags = _migrations_case(dbs)
    for _ in range(kills):
        url = dbs.fresh()
        done = cli(["migrate"], project, url)
        assert done.returncode == 0, done.stderr
        proc = _start(["rollback"], project, url)
        _writing(url, proc)
        time.sleep(rng.uniform(0, 0.4))  # somewhere in the down file (its slow statement: ~0.4 s)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            figures.kills += 1
        settle(url)
        _judge_migrations(figures, f"{dbs.dialect} rollback killed", url, dumps, tags, allowed=MIGRATIONS - 1)
        _in_sync(figures, f"{dbs.dialect} rollback", cli(["migrate"], project, url), cli(["status"], project, url))
    return figures


def restart_push(root: Path, rng: random.Random, restarts: int) -> Figures:
    """PostgreSQL restarted (fast shutdown) while push runs, on a server of its own: exit 0
    or 3 with the lost-connection message, the database empty or whole."""
    figures = Figures()
    server = PgServer()
    server.start()
    dbs = Databases("postgresql", root, server.url)
    try:
        project, after, total = _push_case(dbs)
        for _ in range(restarts):
            url = dbs.fresh()
            before = dump(url)
            proc = _start(["push", "--force"], project, url)
            assert proc.stderr is not None
            marker = f"[{rng.randint(1, max(total, 1))}/"
            for line in proc.stderr:
                if marker in line:
                    break
            # -l: the new postmaster must not inherit our pipes (run would wait for it to close them)
            subprocess.run(_as_postgres([str(server.bindir / "pg_ctl"), "-D", str(server.data), "-m", "fast",
                                         "-l", str(server.root / "log"), "-w", "restart"]),
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            figures.kills += 1
            rest = proc.stderr.read()
            proc.wait(timeout=60)
            if proc.returncode not in (0, 3) or _raw(rest) or (proc.returncode == 3 and "was lost" not in rest):
                figures.failures.append(f"restart mid-push: exit {proc.returncode}: {rest.strip()[-1500:]}")
            state = dump(url)
            if state not in (before, after):
                figures.half_applied += 1
                figures.failures.append("restart mid-push: half-applied")
            _in_sync(figures, "restart push", cli(["push", "--force"], project, url), cli(["check"], project, url))
    finally:
        server.stop()
    return figures


@contextmanager
def migration_lock_held(url: str) -> Iterator[None]:
    """The lock migrate and push take, held by this process (as another run would hold it)."""
    if url.startswith("sqlite"):
        import fcntl

        path = url.removeprefix("sqlite:///")
        with open(f"{path}-schemalens.lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        yield


def concurrent(dbs: Databases, migrates: int, pushes: int) -> Figures:
    """`migrates` migrate and `pushes` push runs started at once on one database (push
    manages the p_ tables, migrations the m_ ones, one of them long). They all queue
    behind a held lock first (each must say it waits), then run: each migration applied
    once, one push does the work, the others find nothing left, no raw error, in sync."""
    figures = Figures()
    url = dbs.fresh()
    if dbs.dialect == "sqlite":
        sqlite3.connect(url.removeprefix("sqlite:///")).close()
    mproject = migrate_project(dbs.root, dbs.dialect, count=3, long_at=1)
    pproject = push_project(dbs.root, dbs.dialect, exclude="m_*")
    logs = Path(tempfile.mkdtemp(prefix="logs-", dir=dbs.root))
    procs: list[tuple[str, subprocess.Popen[str], Path]] = []
    with migration_lock_held(url):
        for i in range(migrates + pushes):
            kind, project, args = (("migrate", mproject, ["migrate"]) if i < migrates
                                   else ("push", pproject, ["push", "--force"]))
            log = logs / f"{i}.err"
            procs.append((kind, _start(args, project, url, stderr=log.open("w")), log))
        deadline = time.monotonic() + 300
        while not all(WAITING in log.read_text() for _, _, log in procs):
            if time.monotonic() > deadline or any(p.poll() is not None for _, p, _ in procs):
                figures.failures.append(f"{dbs.dialect}: not every run waited for the lock: "
                                        + " | ".join(log.read_text()[-300:] for _, _, log in procs))
                break
            time.sleep(0.1)
    figures.concurrent_runs += len(procs)
    outputs = []
    for kind, proc, log in procs:
        out, _ = proc.communicate(timeout=600)
        text = out + log.read_text()
        outputs.append((kind, text))
        if proc.returncode != 0 or _raw(text):
            figures.failures.append(f"{dbs.dialect} concurrent {kind}: exit {proc.returncode}: {text.strip()[-1500:]}")
    tags = [f"{i:04d}_m_{i}" for i in range(3)]
    applied = {tag: sum(f"applied {tag} in" in text for kind, text in outputs if kind == "migrate") for tag in tags}
    if applied != {tag: 1 for tag in tags} or recorded(url) != tags:
        figures.failures.append(f"{dbs.dialect}: migrations applied {applied}, recorded {recorded(url)}")
    done = sum("done:" in text for kind, text in outputs if kind == "push")
    if pushes and done != 1:
        figures.failures.append(f"{dbs.dialect}: {done} pushes did the work (one should, the rest find nothing)")
    final = [cli(["check"], pproject, url), cli(["status"], mproject, url)]
    for run in final:
        if run.returncode != 0:
            figures.failures.append(f"{dbs.dialect}: after the concurrent runs, {run.args[3]} exit "
                                    f"{run.returncode}: {run.stdout[-800:]}{run.stderr[-800:]}")
    return figures


# --- the long profile ----------------------------------------------------------------------


def long_profile(admin_url: str, seed: int, kills: int, rounds: int) -> dict[str, Figures]:
    rng = random.Random(seed)
    rows: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="schemalens-robust-") as folder:
        root = Path(folder)
        for dialect in ("postgresql", "sqlite"):
            dbs = Databases(dialect, root, admin_url if dialect == "postgresql" else None)
            try:
                rows[f"kill -9 push ({dialect})"] = kill_push(dbs, rng, kills)
                rows[f"kill -9 migrate ({dialect})"] = kill_migrate(dbs, rng, kills)
                rows[f"kill -9 rollback ({dialect})"] = kill_rollback(dbs, rng, kills)
                concurrency = Figures()
                for _ in range(rounds):
                    concurrency.add(concurrent(dbs, 8, 4))
                rows[f"8 migrate + 4 push at once ({dialect})"] = concurrency
            finally:
                dbs.drop_all()
        rows["PostgreSQL restarted mid-push"] = restart_push(root, rng, max(1, kills // 2))
    return rows


def table(rows: dict[str, Figures]) -> str:
    lines = ["| scenario | kills tried | half-applied found | reruns in sync | concurrent runs | failures |",
             "|---|---|---|---|---|---|"]
    total = Figures()
    for name, f in rows.items():
        total.add(f)
        lines.append(f"| {name} | {f.kills} | {f.half_applied} | {f.reruns_in_sync} | {f.concurrent_runs} "
                     f"| {len(f.failures)} |")
    lines.append(f"| **total** | {total.kills} | {total.half_applied} | {total.reruns_in_sync} "
                 f"| {total.concurrent_runs} | {len(total.failures)} |")
    return "\n".join(lines)


def main() -> None:
    """`python -m tests.robustness.faults [KILLS] [ROUNDS]`: the long profile against the
    server at SCHEMALENS_TEST_PG_URL (else one of its own), then the figures table."""
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    given = os.environ.get("SCHEMALENS_TEST_PG_URL")
    server = None if given else PgServer()
    if server is not None:
        server.start()
    try:
        rows = long_profile(given or server.url, seed=int(os.environ.get("SEED", "15")), kills=kills, rounds=rounds)
    finally:
        if server is not None:
            server.stop()
    print(table(rows))
    for name, f in rows.items():
        for failure in f.failures:
            print(f"\n{name}: {failure}")
    sys.exit(1 if any(f.failures or f.half_applied for f in rows.values()) else 0)


if __name__ == "__main__":
    main()
