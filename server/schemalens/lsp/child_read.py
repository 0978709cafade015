"""Reading a huge schema in a child process that a newer save can kill.

A read in a worker thread cannot be stopped: on a 10 MB file (11,000 tables, 20 s of
reading) the save after the one being read waited for that read to end, and meanwhile C
calls that hold the GIL (pglast's split, unpickling, the collector walking millions of
new objects) stalled the event loop that answers every other document (8.8 s measured
on one such file). Above `CHILD_READ_SIZE` the read runs in a child interpreter instead:
the worker thread waits on its pipe (the GIL free), and `cancel` kills the child when a
newer save, didClose or shutdown makes its result useless. Below it a child's start and
the pickling back would cost more than the read, so the read stays in the thread.

Run as `python -m schemalens.lsp.child_read`: reads the pickled arguments of
`workflows.parse` on stdin, writes the pickled outcome on stdout.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import pickle
import signal
import subprocess
import sys
import threading
from typing import Any

from schemalens import workflows
from schemalens.model import SourceResult

log = logging.getLogger(__name__)

# Characters of SQL (all the project's schema files together) from which a read goes to
# a child process: ~1 MB, about 1,100 tables of an application schema, 0.7 s of reading.
CHILD_READ_SIZE = 1_000_000
# Tables per pickle: unpickling is one C call that holds the GIL too (0.6 s for 1 MB of
# schema whole), so the result comes back in pieces the loop can run between.
TABLES_PER_PIECE = 100


class Superseded(Exception):
    """The read was cancelled: its result would be published for text the editor no
    longer has."""


class ChildRead:
    """One check's read: `parse` in its worker thread, `cancel` from anywhere (the event
    loop), before, during or after the read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            child = self._child
        if child is not None and child.poll() is None:
            child.kill()  # the thread in `parse` reaps it

    def parse(self, texts: list[tuple[str, str]], dialect: str, default_schema: str,
              models_timeout: float) -> SourceResult:
        """`workflows.parse`, in a child when the SQL is big. Raises Superseded once cancelled."""
        if self.cancelled:
            raise Superseded
        if sum(len(text) for path, text in texts if not workflows.is_models(path)) < CHILD_READ_SIZE:
            return workflows.parse(texts, dialect, default_schema, models_timeout)
        request = pickle.dumps((texts, dialect, default_schema, models_timeout), pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self.cancelled:
                raise Superseded
            self._child = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE)
        try:
            out, _ = self._child.communicate(request)  # waits for the child: no zombie is left
        except BrokenPipeError:  # killed before it read the request
            self._child.wait()
            out = b""
        if self.cancelled:
            if self._child.returncode == -signal.SIGKILL:
                log.info("stopped reading %s: superseded, its reader process killed", ", ".join(p for p, _ in texts))
            raise Superseded
        if self._child.returncode != 0 or not out:
            raise ChildReadError(f"the schema reader process ended with exit code {self._child.returncode}")
        outcome: tuple[str, Any] = pickle.loads(out)
        if outcome[0] == "error":
            raise ChildReadError(outcome[1])
        return _joined(outcome[1])


class ChildReadError(Exception):
    """The child failed: the message names the reader's own exception."""


def _pieces(result: SourceResult) -> list[bytes]:
    """The result without its tables, then its tables a few at a time."""
    tables = result.schema.tables
    head = dataclasses.replace(result, schema=dataclasses.replace(result.schema, tables=[]))
    return [pickle.dumps(part, pickle.HIGHEST_PROTOCOL)
            for part in [head] + [tables[i:i + TABLES_PER_PIECE] for i in range(0, len(tables), TABLES_PER_PIECE)]]


def _joined(pieces: list[bytes]) -> SourceResult:
    """Each piece's objects are moved out of the cyclic GC's reach as they arrive (as the
    server does after every check, see checks.settle_heap): else the collections that
    millions of new objects trigger walk all of them again and again, holding the GIL."""
    result: SourceResult = pickle.loads(pieces[0])
    for piece in pieces[1:]:
        result.schema.tables.extend(pickle.loads(piece))
        gc.freeze()
    return result


def main() -> None:
    texts, dialect, default_schema, models_timeout = pickle.load(sys.stdin.buffer)
    try:
        result = workflows.parse(texts, dialect, default_schema, models_timeout)
        gc.freeze()  # pickling allocates: its collections need not walk the result (x5 faster)
        outcome: tuple[str, Any] = ("ok", _pieces(result))
    except Exception as e:  # reported by the parent like a reader bug in the thread
        outcome = ("error", f"{type(e).__name__}: {e}")
    sys.stdout.buffer.write(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
