"""A hypothesis generator over PostgreSQL's and SQLite's DDL grammar, for issue 11's oracle
tests (tests/db/test_oracle_generated.py) and long run (bench/oracle_long.py).

Every construct is a named feature flag (FEATURES), so that a test picks a profile: the
flags it claims work. `schemas(dialect, flags)` draws schema files; `transitions(dialect,
flags)` draws (before, after) pairs of files, the second edited from the first.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.ddl import evolve, model, postgresql, sqlite

_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}
FEATURES = {name: module.FEATURES for name, module in _DIALECTS.items()}


def render(schema: model.Model) -> str:
    return _DIALECTS[schema.dialect].render(schema)


def models(dialect: str, features: frozenset[str] | set[str]) -> st.SearchStrategy[model.Model]:
    unknown = set(features) - set(FEATURES[dialect])
    assert not unknown, f"not {dialect} features: {sorted(unknown)}"
    return _DIALECTS[dialect].models(frozenset(features))


def schemas(dialect: str, features: frozenset[str] | set[str]) -> st.SearchStrategy[str]:
    """Schema files using the flags' constructs (each at least once)."""
    return models(dialect, features).map(render)


def transitions(dialect: str, features: frozenset[str] | set[str]) -> st.SearchStrategy[tuple[str, str]]:
    """(before, after) schema files: `after` is `before` edited (renames declared with @renamed)."""
    return models(dialect, features).flatmap(
        lambda before: evolve.evolved(before, frozenset(features)).map(lambda after: (render(before), render(after))))
