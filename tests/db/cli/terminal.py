"""Running the real `schemalens` console script as a user does: in a pseudo-terminal
(pexpect), where the test reads the screen before it answers, or piped with no stdin
(CI), where nothing may be asked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect

CLI = [sys.executable, "-m", "schemalens"]
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def environment() -> dict[str, str]:
    """The test's own environment (its PYTHONPATH), a real terminal's TERM, no configured database."""
    return {**os.environ, "DATABASE_URL": "", "TERM": "xterm-256color", "COLUMNS": "200"}


def plain(text: str) -> str:
    """What a person reads: the text without colours, cursor moves and carriage returns."""
    return _ESCAPES.sub("", text)


class Terminal:
    """One command in a pseudo-terminal. `read_until` returns what the screen showed
    up to the expected text, so a test can check what came before a question."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.child = pexpect.spawn(CLI[0], [*CLI[1:], *args], cwd=str(cwd), env=environment(),
                                   encoding="utf-8", timeout=30, dimensions=(50, 200))
        self.seen = ""

    def read_until(self, pattern: str) -> str:
        self.child.expect(pattern)
        shown = plain(self.child.before + self.child.after)
        self.seen += shown
        return shown

    def quiet_for(self, seconds: float) -> str:
        """What appears while nobody types (a spinner redrawing over a question would)."""
        self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=seconds)
        return plain(self.child.before or "")

    def answer(self, text: str) -> None:
        self.child.sendline(text)

    def finish(self) -> tuple[int, str]:
        """The exit code and everything shown after the last read."""
        self.child.expect(pexpect.EOF)
        rest = plain(self.child.before)
        self.seen += rest
        self.child.close()
        return self.child.exitstatus, rest


def piped(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as CI runs it: no terminal, stdin closed."""
    return subprocess.run([*CLI, *args], cwd=cwd, env=environment(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
