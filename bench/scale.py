"""Scale benchmark (issue 13): the commands other than a warm check, as ratios to what
they can be judged against, for one or more source trees side by side.

Per size N, in rounds that interleave every tree (the machine is shared: a ratio taken
within one round is comparable, absolute seconds between runs are not):

- pull: `schemalens pull` of the N-table database, against the warm check of it;
- check warm / cold, against the floor (engine.py's: connect, three bulk catalog queries);
- push of the N tables into an empty database, against `psql -1 -f` of the same file
  (one transaction, like push), each into a fresh database;
- the SQLite file reader: CPU of `parse_sqlite` in a fresh process on a generated SQLite
  file of N tables (run at 1k/2k/4k/8k to see the growth).

Each command is a fresh process run as `python -m schemalens` with the tree's `server/`
first on PYTHONPATH; "before" is a `git worktree` of main:

    git worktree add /tmp/before main
    python bench/scale.py --tree /tmp/before --tree . --sizes 100,1000,5000 --rounds 3
    python bench/scale.py --tree /tmp/before --tree . --sqlite 1000,2000,4000,8000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from engine import FLOOR, Run, measure, prepare

from tests.pgserver import PgServer

SQLITE_READ = """
import sys, time
from schemalens.dialects.sqlite.files import parse_sqlite
text = open(sys.argv[1]).read()
started = time.process_time()
result = parse_sqlite([(sys.argv[1], text)])
print(f"{time.process_time() - started:.3f}", len(result.schema.tables), len(result.problems))
"""


def sqlite_schema(n: int, seed: int = 0) -> str:
    """N SQLite tables shaped like the PostgreSQL generator's: a rowid key (some
    AUTOINCREMENT), ten columns of the usual affinities with defaults, a foreign key to an
    earlier table, a UNIQUE and a CHECK, a plain and a partial unique index."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cols = ["  id INTEGER PRIMARY KEY AUTOINCREMENT" if i % 3 == 0 else "  id integer PRIMARY KEY"]
        for c in range(10):
            kind = rng.choice(["TEXT", "integer", "REAL", "varchar(40)", "boolean", "numeric(10,2)", "timestamp"])
            extra = rng.choice(["", " NOT NULL", " DEFAULT 0", " DEFAULT 'x'", " DEFAULT CURRENT_TIMESTAMP"])
            cols.append(f"  c{c} {kind}{extra}")
        if i:
            cols.append(f"  parent_id integer REFERENCES t{rng.randrange(i)} (id) ON DELETE CASCADE")
        cols += ["  UNIQUE (c1, c2)", "  CHECK (c3 IS NOT NULL OR c4 IS NULL)"]
        out.append(f"CREATE TABLE t{i} (\n" + ",\n".join(cols) + "\n);")
        out.append(f"CREATE INDEX t{i}_c5 ON t{i} (c5);")
        out.append(f"CREATE UNIQUE INDEX t{i}_c6 ON t{i} (c6, c7 DESC) WHERE c6 IS NOT NULL;\n")
    return "\n".join(out)


def run(tree: Path, args: list[str], cwd: Path) -> Run:
    """`python ARGS` with the tree's package first on the path."""
    path = os.pathsep.join(p for p in (str(tree / "server"), os.environ.get("PYTHONPATH", "")) if p)
    return measure([sys.executable, *args], cwd, {**os.environ, "PYTHONPATH": path})


def fresh_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def failed(label: str, r: Run, ok: tuple[int, ...] = (0,)) -> str | None:
    if r.returncode in ok and "Traceback" not in r.output:
        return None
    return f"{label}: exit {r.returncode}\n    " + "\n    ".join(r.output.splitlines()[-8:])


def bench_size(server_url: str, n: int, trees: list[Path], rounds: int, workdir: Path) -> list[str]:
    url, project = prepare(server_url, n, workdir)
    schema = str(project / "schema.sql")
    times: dict[tuple[str, str], list[Run]] = {}
    notes: list[str] = []

    def keep(tree: str, what: str, r: Run, ok: tuple[int, ...] = (0,)) -> None:
        times.setdefault((tree, what), []).append(r)
        if (note := failed(f"N={n} {tree} {what}", r, ok)) is not None:
            notes.append(note)

    for _ in range(rounds):
        for tree in trees:
            label = tree.name
            keep(label, "floor", measure([sys.executable, "-c", FLOOR, url], project))
            shutil.rmtree(project / ".schemalens", ignore_errors=True)
            keep(label, "check cold", run(tree, ["-m", "schemalens", "check", "--db", url, "--schema", schema], project))
            keep(label, "check warm", run(tree, ["-m", "schemalens", "check", "--db", url, "--schema", schema], project))
            keep(label, "pull", run(tree, ["-m", "schemalens", "pull", "--db", url], project))
            target = fresh_database(server_url, f"scale_psql_{n}")
            keep(label, "psql -1 -f", measure(["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-1", "-f", schema, target],
                                              project))
            target = fresh_database(server_url, f"scale_push_{n}")
            keep(label, "push", run(tree, ["-m", "schemalens", "push", "--force", "--db", target, "--schema", schema],
                                    project))
    load = os.getloadavg()[0]
    lines = [f"N={n}, {rounds} rounds, load average {load:.1f} at the end (median wall s, CPU s of the process)"]
    header = (f"{'tree':>14} {'floor':>6} {'cold':>6} {'warm':>6} {'cold/fl':>7} {'warm/fl':>7} {'pull':>6} "
              f"{'pull/warm':>9} {'psql':>6} {'push':>6} {'push/psql':>9} {'pull CPU':>8} {'push CPU':>8}")
    lines += [header, "-" * len(header)]
    for tree in trees:
        m = {what: statistics.median(r.seconds for r in runs) for (t, what), runs in times.items() if t == tree.name}
        cpu = {what: statistics.median(r.cpu for r in runs) for (t, what), runs in times.items() if t == tree.name}
        lines.append(
            f"{tree.name:>14} {m['floor']:>6.2f} {m['check cold']:>6.2f} {m['check warm']:>6.2f} "
            f"{m['check cold'] / m['floor']:>6.1f}x {m['check warm'] / m['floor']:>6.1f}x {m['pull']:>6.2f} "
            f"{m['pull'] / m['check warm']:>8.2f}x {m['psql -1 -f']:>6.2f} {m['push']:>6.2f} "
            f"{m['push'] / m['psql -1 -f']:>8.2f}x {cpu['pull']:>8.2f} {cpu['push']:>8.2f}")
    return lines + notes


def bench_sqlite(sizes: list[int], trees: list[Path], rounds: int, workdir: Path) -> list[str]:
    lines = [f"SQLite file reader, CPU s of parse_sqlite (median of {rounds}), load average "
             f"{os.getloadavg()[0]:.1f} at the start", f"{'N':>6} " + " ".join(f"{t.name:>14}" for t in trees)]
    for n in sizes:
        path = workdir / f"sqlite_{n}.sql"
        path.write_text(sqlite_schema(n))
        cpu: dict[str, list[float]] = {}
        for _ in range(rounds):
            for tree in trees:
                r = run(tree, ["-c", SQLITE_READ, str(path)], workdir)
                cpu.setdefault(tree.name, []).append(float(r.output.split()[0]) if r.returncode == 0 else float("nan"))
        lines.append(f"{n:>6} " + " ".join(f"{statistics.median(cpu[t.name]):>12.2f} s" for t in trees))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", type=Path, help="a source tree (repeatable; default: this one)")
    parser.add_argument("--sizes", default="", help="PostgreSQL table counts, comma-separated")
    parser.add_argument("--sqlite", default="", help="SQLite reader table counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    workdir = Path(tempfile.mkdtemp(prefix="schemalens-scale-"))
    started = time.strftime("%Y-%m-%d %H:%M")
    print(f"{started}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, trees: "
          + ", ".join(str(t) for t in trees))
    try:
        if args.sqlite:
            print("\n".join(bench_sqlite([int(s) for s in args.sqlite.split(",")], trees, args.rounds, workdir)))
        if args.sizes:
            server = PgServer()
            server.start()
            try:
                for n in (int(s) for s in args.sizes.split(",")):
                    print("\n".join(bench_size(server.url, n, trees, args.rounds, workdir)), flush=True)
            finally:
                server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
