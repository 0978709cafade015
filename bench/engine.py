"""Engine benchmark (issue 2, "Performance"): `schemalens check` against its baselines.

For each size N a throwaway PostgreSQL gets the generated N-table schema, and each
measurement is a FRESH Python process (what a user or an editor pays: interpreter start,
imports, connection), timed wall-clock with its peak RSS from wait4():

- check cold: `schemalens check --db URL --schema FILE` with the project's `.schemalens/`
  cache removed; check warm: the same again, file unchanged (median of --runs);
- reflect: SQLAlchemy `MetaData.reflect` of the same database (the "use SQLAlchemy"
  alternative);
- floor: connect with psycopg, run three bulk catalog queries, fetch every row: no
  introspection can be faster than this, so warm check is judged as a ratio of it.

Run from the repository root: python bench/engine.py --sizes 100,1000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from generate_schema import generate_schema

from tests.pgserver import PgServer

REFLECT = """
import sys
from sqlalchemy import MetaData, create_engine
engine = create_engine(sys.argv[1])
metadata = MetaData()
metadata.reflect(engine)
print(len(metadata.tables))
"""

# The floor: the columns, constraints and indexes of every table in public, with the
# server doing the deparsing (pg_get_expr / pg_get_constraintdef / pg_get_indexdef).
FLOOR = """
import sys
import psycopg
QUERIES = (
    '''SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
              a.attnotnull, a.attidentity, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
         AND a.attnum > 0 AND NOT a.attisdropped''',
    '''SELECT con.conrelid, con.conname, con.contype, pg_catalog.pg_get_constraintdef(con.oid)
       FROM pg_catalog.pg_constraint con
       WHERE con.connamespace = 'public'::regnamespace''',
    '''SELECT ix.indrelid, ix.indexrelid, pg_catalog.pg_get_indexdef(ix.indexrelid)
       FROM pg_catalog.pg_index ix
       JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid
       WHERE c.relnamespace = 'public'::regnamespace''',
)
with psycopg.connect(sys.argv[1]) as conn:
    print(sum(len(conn.execute(q).fetchall()) for q in QUERIES))
"""


@dataclass
class Run:
    seconds: float
    rss_mb: float
    returncode: int
    output: str
    cpu: float = 0.0  # user + system seconds of the process

    @property
    def crashed(self) -> bool:
        """An uncaught exception also exits 1, which must not read as "drift"."""
        return "Traceback (most recent call last)" in self.output

    @property
    def status(self) -> str:
        if self.crashed or self.returncode not in (0, 1):
            return "ERROR"
        return "drift" if self.returncode == 1 else "ok"

    def excerpt(self) -> str:
        """The first drift lines, or the end of an error (where the message is)."""
        lines = self.output.splitlines()
        return "\n".join("    " + line for line in (lines[-20:] if self.status == "ERROR" else lines[:20]))


@dataclass
class Row:
    n: int
    cold: Run
    warm: list[Run]
    reflect: list[Run]
    floor: list[Run]
    notes: list[str] = field(default_factory=list)

    @property
    def warm_s(self) -> float:
        return statistics.median(r.seconds for r in self.warm)

    @property
    def reflect_s(self) -> float:
        return statistics.median(r.seconds for r in self.reflect)

    @property
    def floor_s(self) -> float:
        return statistics.median(r.seconds for r in self.floor)

    @property
    def check_rss(self) -> float:
        return max(r.rss_mb for r in [self.cold, *self.warm])


def measure(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of one fresh process (wait4 reports that child alone)."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read(), usage.ru_utime + usage.ru_stime)


def cache_state(project: Path) -> dict[str, int]:
    """The project's cache files and their mtimes: a warm run that changes them missed."""
    folder = project / ".schemalens"
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} if folder.exists() else {}


def measure_warm(argv: list[str], project: Path) -> tuple[Run, bool]:
    """One warm run, and whether it hit the cache (another process editing schemalens's
    code between two runs invalidates the cache, and the machine is shared)."""
    before = cache_state(project)
    run = measure(argv, project)
    return run, cache_state(project) == before


def check_command() -> list[str]:
    """The installed console script (what users run); `python -m schemalens` otherwise."""
    script = Path(sys.executable).parent / "schemalens"
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemalens"]


def prepare(server_url: str, n: int, workdir: Path) -> tuple[str, Path]:
    """A database holding the N-table schema, and a project folder with its file."""
    name = f"bench_{n}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    url = f"{server_url.rsplit('/', 1)[0]}/{name}"
    text = generate_schema(n)
    started = time.perf_counter()
    blocks = text.split("\n\n")  # the generator puts a blank line after each table
    with psycopg.connect(url, autocommit=True) as conn:
        # One multi-statement execute is one transaction: 5,000 tables would need more
        # locks than a default server has (max_locks_per_transaction), so load in batches.
        for start in range(0, len(blocks), 200):
            conn.execute("\n\n".join(blocks[start:start + 200]))
    print(f"N={n}: loaded {len(text.splitlines())} lines in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    project = workdir / f"project_{n}"
    project.mkdir()
    (project / "schemalens.toml").write_text('schema = "schema.sql"\n')
    (project / "schema.sql").write_text(text)
    return url, project


def bench_size(server_url: str, n: int, workdir: Path, runs: int) -> Row:
    url, project = prepare(server_url, n, workdir)
    check = [*check_command(), "check", "--db", url, "--schema", str(project / "schema.sql")]
    shutil.rmtree(project / ".schemalens", ignore_errors=True)
    cold = measure(check, project)
    warm_runs = [measure_warm(check, project) for _ in range(runs)]
    warm = [run for run, _ in warm_runs]
    misses = sum(not hit for _, hit in warm_runs)
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    reflect = [measure([sys.executable, "-c", REFLECT, sa_url], project) for _ in range(max(1, runs // 2))]
    floor = [measure([sys.executable, "-c", FLOOR, url], project) for _ in range(runs)]
    row = Row(n, cold, warm, reflect, floor)
    if misses:
        row.notes.append(f"N={n}: {misses} of {runs} warm runs rewrote the cache (a miss: did the code change?)")
    for label, run in [("check cold", cold), ("check warm", warm[-1]), ("reflect", reflect[0]), ("floor", floor[0])]:
        if run.status != "ok":
            row.notes.append(f"N={n} {label}: {run.status} (exit {run.returncode}):\n{run.excerpt()}")
    return row


def report(rows: list[Row]) -> str:
    header = (f"{'N':>6} {'check cold':>12} {'check warm':>12} {'warm/floor':>10} {'reflect':>9} "
              f"{'floor':>7} {'check RSS':>10} {'warm ms/table':>13} {'check':>6}")
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.n:>6} {r.cold.seconds:>10.2f} s {r.warm_s:>10.2f} s {r.warm_s / r.floor_s:>9.1f}x "
            f"{r.reflect_s:>7.2f} s {r.floor_s:>5.2f} s {r.check_rss:>7.0f} MB "
            f"{1000 * r.warm_s / r.n:>13.2f} {_worst(r.cold, *r.warm):>6}")
    for r in rows:
        if r.n == 1000:
            lines.append("")
            lines.append("targets at 1,000 tables: " + ", ".join([
                _verdict("warm < 1.5 s", r.warm_s < 1.5),
                _verdict("warm < 3x floor", r.warm_s < 3 * r.floor_s),
                _verdict("cold < 4 s", r.cold.seconds < 4),
                _verdict("RSS < 250 MB", r.check_rss < 250),
            ]))
    for r in rows:
        lines.extend(["", *r.notes] if r.notes else [])
    return "\n".join(lines)


def _worst(*runs: Run) -> str:
    statuses = {run.status for run in runs}
    return next(s for s in ("ERROR", "drift", "ok") if s in statuses)


def _verdict(label: str, ok: bool) -> str:
    return f"{label} {'ok' if ok else 'MISSED'}"


def profile(server_url: str, n: int, workdir: Path) -> None:
    """cProfile of one warm check process, imports included (they are part of the bill)."""
    url, project = prepare(server_url, n, workdir)
    check = ["check", "--db", url, "--schema", str(project / "schema.sql")]
    measure([*check_command(), *check], project)  # the cold run fills the caches
    stats = workdir / f"check_{n}.prof"
    for _ in range(3):
        run, hit = measure_warm([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "schemalens", *check],
                                project)
        if hit:
            break
    print(f"warm check, N={n}: exit {run.returncode}, {run.seconds:.2f} s under the profiler"
          + ("" if hit else ", but it missed the cache 3 times (is the code being edited?)"))
    import pstats

    # Our own functions (and the import machinery) by cumulative time: where to look;
    # then the hottest functions anywhere by own time: what to fix.
    pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(r"schemalens/|_find_and_load\b", 25)
    pstats.Stats(str(stats)).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="table counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="warm check and floor runs (median)")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the table: profile one warm check per size (cProfile), "
                             "print the top 25 cumulative entries of schemalens code and the "
                             "15 hottest functions")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    server = PgServer()
    server.start()
    workdir = Path(tempfile.mkdtemp(prefix="schemalens-bench-"))
    try:
        if args.profile:
            for n in sizes:
                profile(server.url, n, workdir)
            return
        rows = [bench_size(server.url, n, workdir, args.runs) for n in sizes]
        # The load average says whether other work shared the machine (numbers are noisy then).
        print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"load average {os.getloadavg()[0]:.1f} at the end")
        print(report(rows))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
