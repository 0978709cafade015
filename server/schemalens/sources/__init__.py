"""Schema sources: files a developer writes -> the desired Schema, with problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalens.model import Problem, Schema, Span


@dataclass(frozen=True)
class Unmanaged:
    """An object the file defines that schemalens does not manage (view, function, ...).

    Kept so that push can name it when a managed object depends on it and the database
    lacks it, instead of failing with the database's bare error.
    """

    kind: str   # "view", "function", "trigger", ...
    name: str   # qualified where the statement qualified it, else as written
    span: Span | None = None


@dataclass
class SourceResult:
    schema: Schema
    problems: list[Problem] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
