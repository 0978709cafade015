"""Startup benchmark (issue 13): what a small project pays per process, against its floor.

Every measurement is a fresh process, timed wall clock and in CPU (user + system, from
wait4: what other jobs on a shared machine disturb least); the rows are run interleaved
(one of each per round, in a shuffled order, so load that comes and goes hits every row
alike) and each row's median over the rounds is divided by the floor's from the same run:

- floor: a Python process that opens the SQLite database and reads `sqlite_master`;
- `python3 -c pass`: the interpreter alone (startup and site);
- `--version`, `--help`, `check` on a copy of examples/blog (2 SQLite tables, pushed
  first so check finds it in sync); targets: check 8x the floor, --help and --version
  0.15 s, taken as 5x the floor (0.15 s over the issue machine's 0.03 s floor), each
  judged on wall clock and on CPU;
- lsp initialize: `schemalens lsp` for the same SQLite project, CPU time (user + system,
  from /proc/PID/stat) when its answer to `initialize` has arrived; target 0.6 s CPU;
- models: `check` of a SQLAlchemy models project (`--classes` classes, SQLite), with
  the models' DDL cached (unchanged package) and after an edit of the models file (the
  child interpreter imports the models and SQLAlchemy again).

`--before DIR` adds the same rows for another source tree (a `git worktree` of main: pass
its `server` folder), measured in the same rounds: before and after, side by side.

Run from the repository root: python bench/startup.py --runs 15 [--before /tmp/main-wt/server]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")

FLOOR = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(len(conn.execute("SELECT * FROM sqlite_master").fetchall()))
"""

# What the console script does (`schemalens = "schemalens.cli:main"`), without pyenv's shim.
CONSOLE = "import sys; sys.argv[0] = 'schemalens'; from schemalens.cli import main; sys.exit(main())"

MODELS = '''from sqlalchemy import ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass

'''

MODEL = '''
class Model{i}(Base):
    __tablename__ = "model_{i}"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    body: Mapped[str | None] = mapped_column(Text, server_default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("model_{parent}.id"), index=True)
'''


def models_source(classes: int, extra: str = "") -> str:
    return MODELS + "".join(MODEL.format(i=i, parent=max(i - 1, 0)) for i in range(classes)) + extra


def env_for(server: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(server), COLUMNS="100")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the process, from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} exited {proc.returncode}:\n{output.decode(errors='replace')}")
    return seconds, usage.ru_utime + usage.ru_stime


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream: object) -> dict[str, object]:
    length = 0
    while True:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            raise SystemExit("the language server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))  # type: ignore[attr-defined]


def lsp_cpu(env: dict[str, str], project: Path) -> tuple[float, float]:
    """CPU seconds of a fresh language server when its `initialize` answer has arrived."""
    server = subprocess.Popen([sys.executable, "-c", CONSOLE, "lsp"], env=env, cwd=project,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert server.stdin and server.stdout
    server.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": {},
        "workspaceFolders": [{"uri": project.as_uri(), "name": "project"}]}}))
    server.stdin.flush()
    while "result" not in (answer := _read_message(server.stdout)):
        pass
    cpu = cpu_of(server.pid)
    for message in ({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}):
        server.stdin.write(_frame(message))
    server.stdin.close()
    server.wait(timeout=30)
    return cpu, cpu


def blog_project(server: Path, into: Path) -> Path:
    project = into / "blog"
    shutil.copytree(ROOT / "examples" / "blog", project)
    subprocess.run([sys.executable, "-c", CONSOLE, "push", "--force"], env=env_for(server), cwd=project,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return project


def models_project(server: Path, into: Path, classes: int) -> Path:
    project = into / "models"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "models.py").write_text(models_source(classes))
    (project / "schemalens.toml").write_text('schema = "app/models.py"\ndatabase_url = "sqlite:///app.db"\n')
    subprocess.run([sys.executable, "-c", CONSOLE, "push", "--force"], env=env_for(server), cwd=project,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="rounds (each runs every row once)")
    parser.add_argument("--before", type=Path, help="another tree's server/ folder, measured alongside")
    parser.add_argument("--classes", type=int, default=50, help="classes in the SQLAlchemy models file")
    args = parser.parse_args()

    trees = {"after": ROOT / "server"} | ({"before": args.before.resolve()} if args.before else {})
    work = Path(tempfile.mkdtemp(prefix="schemalens-startup-"))
    rows: dict[str, Callable[[], tuple[float, float]]] = {}
    try:
        for label, server in trees.items():
            env = env_for(server)
            blog = blog_project(server, work / label)
            models = models_project(server, work / label, args.classes)
            edits = iter(range(10**6))

            def cli(*command: str, env: dict[str, str] = env, cwd: Path = blog) -> tuple[float, float]:
                return timed([sys.executable, "-c", CONSOLE, *command], env, cwd)

            def after_edit(env: dict[str, str] = env, cwd: Path = models, edits: Iterator[int] = edits) -> tuple[float, float]:
                (cwd / "app" / "models.py").write_text(models_source(args.classes, f"\n# edit {next(edits)}\n"))
                return timed([sys.executable, "-c", CONSOLE, "check"], env, cwd)

            rows[f"{label}: --version"] = lambda cli=cli: cli("--version")
            rows[f"{label}: --help"] = lambda cli=cli: cli("--help")
            rows[f"{label}: check blog"] = lambda cli=cli: cli("check")
            rows[f"{label}: lsp initialize"] = lambda env=env, cwd=blog: lsp_cpu(env, cwd)
            rows[f"{label}: check models, unchanged"] = lambda cli=cli, cwd=models: cli("check", cwd=cwd)
            rows[f"{label}: check models, edited"] = after_edit
        base_env = env_for(ROOT / "server")
        database = work / "after" / "blog" / ".schemalens" / "dev.db"
        rows["floor (sqlite_master)"] = lambda: timed([sys.executable, "-c", FLOOR, str(database)], base_env, work)
        rows["python3 -c pass"] = lambda: timed([sys.executable, "-c", "pass"], base_env, work)
        for row in rows.values():  # warm the page cache, the .pyc files and the models caches
            row()
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in rows}
        for _ in range(args.runs):
            order = list(rows)
            random.shuffle(order)
            for name in order:
                samples[name].append(rows[name]())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(samples, args.runs)


# Targets, issue 13: check <= 8x the floor; --help/--version <= 0.15 s, 5x the floor
# of 0.03 s; the language server's initialize <= 0.6 s CPU.
TARGETS = {"--version": ("x", 5.0), "--help": ("x", 5.0), "check blog": ("x", 8.0), "lsp initialize": ("cpu", 0.6)}


def report(samples: dict[str, list[tuple[float, float]]], runs: int) -> None:
    wall = {name: statistics.median(w for w, _ in values) for name, values in samples.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in samples.items()}
    floor, floor_cpu = wall["floor (sqlite_master)"], cpu["floor (sqlite_master)"]
    print(f"{runs} rounds, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")
    print(f"{'row':32} {'wall':>8} {'x floor':>8} {'CPU':>8} {'x floor':>8}  target")
    print("-" * 90)
    for name in samples:
        kind = name.split(": ", 1)[-1]
        verdict = ""
        if kind in TARGETS:
            how, limit = TARGETS[kind]
            if how == "x":
                met = wall[name] <= limit * floor and cpu[name] <= limit * floor_cpu
                verdict = f"<= {limit:g}x floor (wall and CPU): {'met' if met else 'MISSED'}"
            else:
                verdict = f"<= {limit:g} s CPU: {'met' if cpu[name] <= limit else 'MISSED'}"
        shown_wall = "" if kind == "lsp initialize" else f"{wall[name]:7.3f}s {wall[name] / floor:7.1f}x"
        print(f"{name:32} {shown_wall:>17} {cpu[name]:7.3f}s {cpu[name] / floor_cpu:7.1f}x  {verdict}")


if __name__ == "__main__":
    main()
