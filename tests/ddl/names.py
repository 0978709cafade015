"""Names for generated objects: plain words, and with the `quoted` feature the names that
need quoting (upper case, spaces, newlines, quotes, unicode, reserved words, a leading digit)."""

from __future__ import annotations

from hypothesis import strategies as st

COLUMN_WORDS = ["name", "title", "amount", "created", "price", "code", "note", "status", "total", "label",
                "qty", "score", "email", "body", "flag", "rank", "level", "city"]
TABLE_WORDS = ["users", "orders", "items", "accounts", "events", "tags", "posts", "notes", "jobs", "files"]
SCHEMA_WORDS = ["app", "billing", "audit"]
ODD = ["Mixed Case", "two words", "line\nbreak", 'say "hi"', "it's", "ünïcødé", "select", "user", "order",
       "1st", "tab\there", "CamelCase", "end", "naïve café"]


class Names:
    """The names taken in one namespace. Compared case-folded: SQLite's names are
    case-insensitive, and PostgreSQL is none the worse for it."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def fresh(self, draw: st.DrawFn, words: list[str], odd: bool, prefix: str = "") -> str:
        pool = [prefix + w for w in words] + (ODD if odd else [])
        base = draw(st.sampled_from(pool))
        name, n = base, 2
        while name.lower() in self.taken:
            name, n = f"{base}_{n}", n + 1
        self.taken.add(name.lower())
        return name

    def add(self, name: str) -> None:
        self.taken.add(name.lower())
