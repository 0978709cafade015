"""The CLI run in the test's process, as a shell without a terminal runs it: the command line,
stdin text, environment overrides in; exit code, stdout, stderr and both interleaved
(`output`, as a terminal shows them) out."""

from __future__ import annotations

import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from schemalens.cli import run


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    output: str


class _Tee(io.StringIO):
    def __init__(self, shared: io.StringIO) -> None:
        super().__init__()
        self.shared = shared

    def write(self, text: str) -> int:
        self.shared.write(text)
        return super().write(text)


def invoke(args: list[str], input: str | None = None, env: dict[str, str | None] | None = None) -> Result:
    """`env`: variables set for the run (None: unset), restored after it."""
    shared = io.StringIO()
    out, err = _Tee(shared), _Tee(shared)
    saved = {key: os.environ.get(key) for key in env or {}}
    stdin = sys.stdin
    try:
        for key, value in (env or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sys.stdin = io.StringIO(input or "")
        with redirect_stdout(out), redirect_stderr(err):
            code = run(args)
    finally:
        sys.stdin = stdin
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue(), shared.getvalue())
