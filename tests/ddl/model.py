"""The generated schema as plain data: what the strategies draw, what evolve changes between
two files, what the renderers write. Expressions that name columns are templates (`{0}`,
`{1}` for the columns they use) so that a renamed or dropped column can be followed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Column:
    name: str
    type: str                        # as written in the file
    default: str | None = None       # as written
    not_null: bool = False
    identity: str | None = None      # PostgreSQL: "ALWAYS" / "BY DEFAULT" [options]
    extra: str = ""                  # written after the type (SQLite: PRIMARY KEY AUTOINCREMENT, COLLATE ...)
    comment: str | None = None
    renamed_from: str | None = None
    plain: bool = True               # its default is a plain literal evolve may change
    sequence: str | None = None      # the sequence its default calls nextval on


@dataclass
class Check:
    template: str                    # e.g. "({0} > 0)"
    columns: list[str]
    name: str | None = None
    not_valid: bool = False
    no_inherit: bool = False
    comment: str | None = None


@dataclass
class Key:                           # PRIMARY KEY / UNIQUE
    columns: list[str]
    name: str | None = None
    comment: str | None = None


@dataclass
class ForeignKey:
    columns: list[str]
    target: tuple[str, str]          # (schema, table)
    target_columns: list[str]
    name: str | None = None
    not_valid: bool = False
    on_delete: str | None = None
    comment: str | None = None


@dataclass
class Index:
    name: str | None                 # None: CREATE INDEX ON t (...) (PostgreSQL names it)
    template: str                    # the key list, e.g. "{0}, lower({1})"
    columns: list[str]
    unique: bool = False
    where: str | None = None         # a template over the same columns
    include: list[str] = field(default_factory=list)
    method: str | None = None
    storage: str | None = None
    comment: str | None = None
    renamed_from: str | None = None


@dataclass
class Table:
    schema: str
    name: str
    columns: list[Column]
    primary_key: Key | None = None
    uniques: list[Key] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    unlogged: bool = False
    storage: str | None = None       # PostgreSQL WITH (...)
    options: str = ""                # SQLite: STRICT, WITHOUT ROWID
    like: tuple[str, str, str] | None = None      # (schema, table, INCLUDING ... clause)
    inherits: tuple[str, str] | None = None
    comment: str | None = None
    renamed_from: str | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class Sequence:
    schema: str
    name: str
    options: str                     # "AS bigint INCREMENT BY 2 ..."
    owned_by: str | None = None      # a column of `table`, "NONE", or None (not said)
    table: str | None = None


@dataclass
class Enum:
    schema: str
    name: str
    labels: list[str]


@dataclass
class Model:
    dialect: str
    schemas: list[str] = field(default_factory=lambda: ["public"])
    enums: list[Enum] = field(default_factory=list)
    sequences: list[Sequence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    qualify_public: bool = False     # PostgreSQL: write public.t (else t) for tables in public

    def table(self, schema: str, name: str) -> Table | None:
        return next((t for t in self.tables if (t.schema, t.name) == (schema, name)), None)

    def referenced(self, table: Table) -> bool:
        """Another table depends on it (foreign key, LIKE, INHERITS) or a sequence is owned by it."""
        key = (table.schema, table.name)
        return any(fk.target == key for t in self.tables if t is not table for fk in t.foreign_keys) or any(
            t.inherits == key or (t.like and t.like[:2] == key) for t in self.tables) or any(
            (s.schema, s.table) == key for s in self.sequences)


# Words that must be quoted in both dialects (reserved, or type names that read oddly bare).
RESERVED = {"user", "select", "order", "group", "table", "from", "where", "default", "check", "primary",
            "references", "column", "constraint", "index", "unique", "key", "values", "all", "end", "limit"}
_BARE = re.compile(r"[a-z_][a-z0-9_]*\Z")


def ident(name: str) -> str:
    """The name as both dialects read it back unchanged: bare when it can be, else quoted."""
    if _BARE.match(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def qualified(model: Model, schema: str, name: str) -> str:
    if model.dialect == "sqlite" or (schema == "public" and not model.qualify_public):
        return ident(name)
    return f"{ident(schema)}.{ident(name)}"


def fill(template: str, columns: list[str]) -> str:
    return template.format(*(ident(c) for c in columns))
