"""The terminal's half of a command that changes a database: what it shows, in which
order, and what it asks.

The order is the contract (issue 14): a spinner while nothing can be shown yet, gone
before anything else is; then the plan (its table, hazards, rename hints, warnings); then
the question; then progress, a `[i/N]` line per statement, or a bar when a terminal
watches a long run (past LONG statements, lines and bar alike at most every REDRAW seconds,
the last statement always). Questions are asked only when stdin is a terminal; elsewhere each is
refused, naming the flag or the schema-file line that answers it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any


from schemalens.changes import Change, Statement, data_loss_line
from schemalens.cli.options import Abort
from schemalens.cli.output import change_table, err, esc, out, print_warnings, rel

if TYPE_CHECKING:  # the workflows load the engine, a bar only long runs draw: imported when used
    from rich.progress import Progress

    from schemalens.workflows import AskRenames, Finding, PushResult, RenameCandidate

LONG = 30  # statements: a terminal watching more than these gets a bar rather than a line each
REDRAW = 0.1  # seconds between two progress updates of a run longer than LONG


def confirm(question: str, default: bool | None = False) -> bool:
    """A yes/no question on stderr, asked as click asks it (the CLI's contract since typer):
    `[y/N]` (`[y/n]` with no default: an empty answer asks again), y/yes/n/no in any case;
    Ctrl-C or the end of input aborts the command."""
    prompt = f"{question} [{'y/n' if default is None else 'Y/n' if default else 'y/N'}]:"
    while True:
        sys.stderr.write(prompt)
        sys.stderr.flush()
        try:
            # The prompt's last character goes through input(), as click does, so that
            # readline's line editing (backspace) cannot erase the question.
            value = input(" ").lower().strip()
        except (KeyboardInterrupt, EOFError):
            raise Abort() from None
        if value in ("y", "yes"):
            return True
        if value in ("n", "no"):
            return False
        if default is not None and value == "":
            return default
        sys.stderr.write("Error: invalid input\n")


class Session:
    """One command's conversation with the person at the terminal (or with nobody: CI)."""

    def __init__(self) -> None:
        self.asks = sys.stdin.isatty()
        self.draws = err.is_terminal
        self._spinner: Any = None
        self._bar: Progress | None = None
        self._shown = float("-inf")  # when progress was last shown

    @contextmanager
    def working(self, text: str) -> Iterator[None]:
        """A spinner until the first thing is shown; the bar, if one started, ends with it."""
        if self.draws:
            self._spinner = err.status(text)
            self._spinner.start()
        try:
            yield
        finally:
            self.quiet()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def quiet(self) -> None:
        """Stop the spinner: whatever is printed next must stay on the screen."""
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def confirm(self, question: str, refusal: str) -> bool:
        """A yes/no question (no by default); without a terminal, no, with `refusal` said."""
        self.quiet()
        if not self.asks:
            err.print(refusal, markup=False)
            return False
        return confirm(question)

    def confirm_data_loss(self, losses: list[tuple[Change, int | None]]) -> bool:
        self.quiet()
        err.print("[bold red]These changes can lose data:[/bold red]", markup=True)
        for change, rows in losses:
            err.print(f"  - {data_loss_line(change, rows)}", markup=False)
        return self.confirm("Execute them?", "not a terminal: rerun with --force to accept the data loss")

    def ask_renames(self, no_renames: bool) -> AskRenames:
        """drizzle-kit's "created or renamed?": each open candidate, answered one by one.
        `no_renames`: the user said up front that they are all created (drop + add)."""
        def ask(candidates: list[RenameCandidate]) -> list[RenameCandidate] | None:
            if no_renames:
                return []
            if not self.asks:
                return None
            self.quiet()
            err.print("[bold]Possible renames[/bold] (a drop and an add of the same shape):", markup=True)
            for candidate in candidates:
                err.print(f"  - {candidate.label} (if created: {candidate.loss})", markup=False)
            return [c for c in candidates
                    if confirm(f"{c.kind} {_owner(c)}{c.new}: created (n), or renamed from {c.old}?", default=None)]
        return ask

    def progress(self, index: int, total: int, statement: Statement) -> None:
        """Called before each statement runs. Past LONG statements, shown at most every
        REDRAW seconds (a line, or the bar) and always for the last one: thousands of
        redraws cost more than the statements."""
        self.quiet()
        if total > LONG:
            now = time.monotonic()
            if index + 1 < total and now - self._shown < REDRAW:
                return
            self._shown = now
        if not self.draws or total <= LONG:
            err.print(f"[{index + 1}/{total}] {statement.sql.strip().splitlines()[0][:100]}", markup=False)
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("applying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("{task.description}"), console=err)
            self._bar.add_task("", total=total)
            self._bar.start()
        self._bar.update(self._bar.task_ids[0], completed=index, description=statement.sql.strip()[:60])

    def all_ran(self) -> None:
        """The last statement finished: the bar says so before it stops."""
        if self._bar is not None:
            task = self._bar.task_ids[0]
            self._bar.update(task, completed=self._bar.tasks[0].total, description="")

    def show_plan(self, result: PushResult) -> None:
        """Push's plan: before any question, before anything runs."""
        self.quiet()
        print_warnings(result.plan)
        for warning in result.warnings:
            err.print(f"[yellow]warning: {esc(warning)}[/yellow]", markup=True)
        out.print(change_table(result.changes))
        print_blockers(result.blocked)


def print_blockers(findings: list[Finding]) -> None:
    from schemalens.workflows import format_problem

    for finding in findings:
        err.print(f"[red]{esc(format_problem(finding))}[/red]", markup=True)


def _owner(candidate: RenameCandidate) -> str:
    return f"{candidate.schema}.{candidate.table}." if candidate.table is not None else f"{candidate.schema}."


def rename_flag(candidate: RenameCandidate, default_schema: str) -> str:
    """The `--rename` that states the candidate (cli.output.renames_from reads it back)."""
    if candidate.table is None:
        if candidate.schema == default_schema:
            return f"{candidate.old}={candidate.new}"
        return f"{candidate.schema}.{candidate.old}={candidate.schema}.{candidate.new}"
    prefix = "" if candidate.schema == default_schema else f"{candidate.schema}."
    return f"{prefix}{candidate.table}.{candidate.old}={candidate.new}"


def directive_hint(candidate: RenameCandidate) -> str:
    """Where and how the schema file states the rename: `-- @renamed from=old` on the new name's line."""
    from schemalens.workflows import is_models

    span = candidate.span
    comment = "#" if span is not None and is_models(span.file) else "--"
    where = f" ({rel(Path(span.file))}:{span.start_line + 1})" if span is not None else ""
    return f"`{comment} {candidate.directive}` on {candidate.kind} {candidate.new}'s line{where}"


def refuse_renames(candidates: list[RenameCandidate], command: str, default_schema: str, nothing: str) -> None:
    """Not a terminal: no plan guesses a rename, and none drops data silently: say how to answer."""
    err.print(f"[red]refused[/red]: {len(candidates)} possible rename(s) need an answer, and stdin is not a "
              "terminal to ask:", markup=True)
    for candidate in candidates:
        err.print(f"  - {candidate.label} (if created: {candidate.loss})", markup=False)
        err.print(f"    a rename: --rename {rename_flag(candidate, default_schema)}, or "
                  f"{directive_hint(candidate)} in the schema file", markup=False)
    err.print(f"  not renames: {command} --no-renames (drops and adds)", markup=False)
    err.print(nothing, markup=False)


def rename_hints(renamed: list[RenameCandidate]) -> None:
    """After the answers: the line that keeps them in the schema file, for every other database."""
    for candidate in renamed:
        out.print(f"renamed {candidate.label}: state it in the schema file with {directive_hint(candidate)}",
                  markup=False)
