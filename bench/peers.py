"""Peers side by side (issue 13): Alembic, migra and drizzle-kit next to schemalens on the
generated N-table PostgreSQL schema (bench/generate_schema.py), in one run.

Each measurement is a fresh process, timed wall-clock, and the tools take turns (A B C A B
C ...), so machine load hits them alike; the table gives medians and ratios to the
schemalens command doing the same job, with the load average at the start and end.

- schemalens check / diff / pull / push: the file against the database loaded from it
  (push has nothing to do);
- Alembic: `compare_metadata` of the database against a `MetaData.reflect` of a second
  database made from the same file (Alembic's side of "the models");
- migra: the two databases (it needs `sqlalchemy<2`: a virtual environment of its own,
  `--migra`, default ~/.cache/peers/migra-venv/bin/migra);
- drizzle-kit: `pull`, then `push` of the pulled schema.ts with no changes (npm, under
  `--drizzle`, default ~/.cache/peers/drizzle), once per size within `--limit` seconds.

None of them is a dependency of the project. Install them outside the repository:

    python3 -m venv ~/.cache/peers/migra-venv
    ~/.cache/peers/migra-venv/bin/pip install migra 'sqlalchemy<2' psycopg2-binary
    mkdir -p ~/.cache/peers/drizzle && cd ~/.cache/peers/drizzle && npm init -y && npm install drizzle-kit@0.31 drizzle-orm pg

    python bench/peers.py --sizes 100,1000 --rounds 3 --limit 600
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import check_command, prepare  # noqa: E402

from tests.pgserver import PgServer  # noqa: E402

ALEMBIC = """
import sys
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine
desired = MetaData()
desired.reflect(create_engine(sys.argv[1]))
with create_engine(sys.argv[2]).connect() as conn:
    found = compare_metadata(MigrationContext.configure(conn), desired)
print(len(found), "differences")
for d in found[:5]:
    print(repr(d)[:200])
"""


@dataclass
class Timed:
    seconds: float
    ok: bool
    note: str  # why it is not a number: exit status and the end of its output, or the time limit
    said: str = ""  # the first and last lines of its output: what it found (any difference is a false alarm)


# drizzle-kit exits 0 after printing an error (a pulled schema.ts it cannot compile, a
# statement PostgreSQL refused): its output says whether it failed.
DRIZZLE_FAILED = re.compile(r"^\s*(Error|error)\b", re.M)


def timed(argv: list[str], cwd: Path, limit: float, ok_codes: tuple[int, ...] = (0,),
          failed: re.Pattern[str] | None = None) -> Timed:
    """One fresh process, wall-clock; killed with its children past `limit` seconds."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return Timed(limit, False, f"unfinished after {limit:.0f} s (killed)")
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    said = _said(text)
    if code in ok_codes and "Traceback (most recent call last)" not in text and not (failed and failed.search(text)):
        return Timed(seconds, True, "", f"exit {code}: {said}")
    error = failed.search(text) if failed else None
    lines = text[error.start():].strip().splitlines()[:2] if error else text.strip().splitlines()[-4:]
    return Timed(seconds, False, f"exit {code}: " + " / ".join(line.strip() for line in lines if line.strip())[:400])


def _said(text: str) -> str:
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).splitlines() if line.strip()]
    shown = [s[:60] for s in dict.fromkeys(lines[:1] + lines[-1:])]
    return " ... ".join(shown).replace("|", "/")


def copy_database(server_url: str, url: str, name: str) -> str:
    """A second database, same schema (migra and Alembic compare two)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {url.rsplit('/', 1)[1]}")
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def bench_size(server_url: str, n: int, args: argparse.Namespace, workdir: Path) -> list[str]:
    url, project = prepare(server_url, n, workdir)
    other = copy_database(server_url, url, f"bench_{n}_models")
    schema = str(project / "schema.sql")
    sl = check_command()
    sa = lambda u: u.replace("postgresql://", "postgresql+psycopg://", 1)  # noqa: E731
    fast = {
        "schemalens check": ([*sl, "check", "--db", url, "--schema", schema], (0,)),
        "schemalens diff": ([*sl, "diff", "--db", url, "--schema", schema], (0,)),
        "schemalens pull": ([*sl, "pull", "--db", url], (0,)),
        "schemalens push": ([*sl, "push", "--db", url, "--schema", schema], (0,)),
        "alembic compare_metadata": ([sys.executable, "-c", ALEMBIC, sa(other), sa(url)], (0,)),
        "migra": ([str(args.migra), "--unsafe", url, other], (0, 2)),
    }
    drizzle_bin = args.drizzle / "node_modules" / ".bin" / "drizzle-kit"
    out = args.drizzle / f"pulled_{n}"
    shutil.rmtree(out, ignore_errors=True)
    slow = {
        "drizzle-kit pull": [str(drizzle_bin), "pull", "--dialect", "postgresql", "--url", url, "--out", str(out)],
        "drizzle-kit push": [str(drizzle_bin), "push", "--dialect", "postgresql", "--url", url,
                             "--schema", str(out / "schema.ts"), "--force"],
    }
    load_start = os.getloadavg()[0]
    runs: dict[str, list[Timed]] = {label: [] for label in [*fast, *slow]}
    for round_ in range(args.rounds):
        for label, (argv, codes) in fast.items():
            runs[label].append(timed(argv, project, args.limit, codes))
        if round_ == 0:  # minutes each: once, inside the first round
            runs["drizzle-kit pull"].append(timed(slow["drizzle-kit pull"], args.drizzle, args.limit,
                                                  failed=DRIZZLE_FAILED))
            if (out / "schema.ts").exists():
                runs["drizzle-kit push"].append(timed(slow["drizzle-kit push"], args.drizzle, args.limit,
                                                      failed=DRIZZLE_FAILED))
            else:
                runs["drizzle-kit push"].append(Timed(0, False, "not run: pull did not produce schema.ts"))
        print(f"N={n}: round {round_ + 1} done, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    base = {"alembic compare_metadata": "schemalens diff", "migra": "schemalens diff",
            "drizzle-kit pull": "schemalens pull", "drizzle-kit push": "schemalens push"}
    lines = [f"N={n}, load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
             "| tool | runs | median s | ratio to schemalens | compared with | its output, first ... last line |",
             "|---|---:|---:|---:|---|---|"]
    notes = []
    for label, got in runs.items():
        good = [t.seconds for t in got if t.ok]
        failures = [t.note for t in got if not t.ok]
        median = statistics.median(good) if good else None
        ref = [t.seconds for t in runs[base.get(label, label)] if t.ok]
        ratio = f"{median / statistics.median(ref):.2f}x" if median is not None and ref else "-"
        shown = f"{median:.2f}" if median is not None else "FAILED"
        said = next((t.said for t in reversed(got) if t.ok), "")
        lines.append(f"| {label} | {len(good)}/{len(got)} | {shown} | {ratio} | {base.get(label, label)} | {said} |")
        notes += [f"N={n} {label}: {note}" for note in dict.fromkeys(failures)]
    return lines + notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=float, default=600, help="seconds before a run is killed")
    parser.add_argument("--migra", type=Path, default=Path.home() / ".cache/peers/migra-venv/bin/migra")
    parser.add_argument("--drizzle", type=Path, default=Path.home() / ".cache/peers/drizzle")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="schemalens-peers-"))
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    server = PgServer()
    server.start()
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            print("\n".join(bench_size(server.url, n, args, workdir)), flush=True)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
