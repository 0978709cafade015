"""Running one hostile input through a schema reader with a deadline, in a worker process
that can be killed: a crash is any exception (the readers report bad input as problems
and never raise), a hang is an input that outlives its limit (a correctness bound — the
readers must terminate — not a speed assertion), and the worker's peak memory is kept.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import traceback
from dataclasses import dataclass
from typing import Any

LIMIT = 60.0  # seconds per input: far above any real file's reading, well below "forever"


def read(dialect: str, text: str) -> None:
    """What `check` does with the files before it needs a database: read, normalize, lint."""
    from schemalens import dialects, workflows

    source = workflows.parse([("fuzz.sql", text)], dialect, dialects.get(dialect).default_schema)
    for problem in source.problems:  # every problem must carry a place or none, never a broken one
        span = problem.span
        assert span is None or (0 <= span.start_line <= span.end_line and span.start_col >= 0), problem
    if not any(p.severity == "error" for p in source.problems):
        workflows.compare(None, workflows.desired_of(source).schema)


def _serve(conn: Any) -> None:
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            read(*job)
            outcome = "ok"
        except BaseException:  # noqa: BLE001 - any escape is what is counted
            outcome = traceback.format_exc(limit=-6)
        conn.send((outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


@dataclass
class Outcome:
    kind: str          # ok, crash, hang
    detail: str = ""
    peak_kb: int = 0   # the worker's peak resident memory so far


class Worker:
    """A reader process fed one input at a time; replaced after a hang or a death."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        self.conn, child = mp.get_context("spawn").Pipe()
        self.process = mp.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
        self.process.start()

    def run(self, dialect: str, text: str, limit: float = LIMIT) -> Outcome:
        self.conn.send((dialect, text))
        if not self.conn.poll(limit):
            self.restart()
            return Outcome("hang", f"no answer within {limit:.0f} s")
        try:
            detail, peak = self.conn.recv()
        except EOFError:  # the process died (a segfault, the kernel's OOM killer)
            self.restart()
            return Outcome("crash", "the reader's process died")
        return Outcome("ok" if detail == "ok" else "crash", "" if detail == "ok" else detail, peak)

    def restart(self) -> None:
        self.process.kill()
        self.process.join()
        self._start()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
