"""The schema model: plain data that every other module reads or produces.

Both ends of the engine (schema files and live databases) are turned into this one
model, so that diffing, rendering and linting never see where a schema came from.
Source annotations (spans, declared renames) take no part in equality or in the
canonical JSON form: moving a table down a file is not a schema change.

Conventions that the sources and introspection must follow:

- Names are stored as the database stores them (PostgreSQL folds unquoted names to
  lower case; SQLite keeps them as written). The PostgreSQL namespace of a table is
  `Table.schema`; SQLite tables use the schema "main".
- Types and expressions are stored as text. Sources and introspection may produce any
  spelling; `normalize` rewrites both sides into one canonical spelling before `diff`,
  and keeps the text it was given in the object's `written` (see `as_written`): the
  canonical form decides what differs, the written one is what push and generate write,
  so that a database made by push is the one the file makes.
- `name=None` on a constraint or index means the schema file did not name it: the
  database will choose a name, and `diff` matches it against the database by shape.
- Spans are 0-based lines and 0-based columns counted in Unicode code points; the
  language server converts them to UTF-16 positions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


class Anchor:
    """The line a statement starts at, shared by the spans read from that statement.

    An edit that adds a line near the top of a file moves every statement below it. The
    PostgreSQL source reuses an unchanged statement's objects as they are (so normalize
    and diff reuse their work by identity) and moves the statement's anchor: one
    assignment moves every span in it, also for results that still hold those objects
    (they describe the same text, now at its new place)."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line


class Span:
    """Where an object is written. With an anchor, the lines are kept relative to it."""

    __slots__ = ("file", "_start", "start_col", "_end", "end_col", "anchor")

    def __init__(self, file: str, start_line: int, start_col: int, end_line: int, end_col: int,
                 anchor: Anchor | None = None) -> None:
        base = anchor.line if anchor is not None else 0
        self.file = file
        self._start = start_line - base
        self.start_col = start_col
        self._end = end_line - base
        self.end_col = end_col
        self.anchor = anchor

    @property
    def start_line(self) -> int:
        return self._start + self.anchor.line if self.anchor is not None else self._start

    @property
    def end_line(self) -> int:
        return self._end + self.anchor.line if self.anchor is not None else self._end

    def _where(self) -> tuple[str, int, int, int, int]:
        return self.file, self.start_line, self.start_col, self.end_line, self.end_col

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self._where() == other._where()

    def __hash__(self) -> int:
        return hash(self._where())

    def __repr__(self) -> str:
        file, start_line, start_col, end_line, end_col = self._where()
        return f"Span({file=!r}, {start_line=}, {start_col=}, {end_line=}, {end_col=})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Span, self._where()  # a pickle is a snapshot: absolute lines


@dataclass(frozen=True)
class Problem:
    """Something a source or a check found wrong or worth saying about the input."""

    severity: Severity
    code: str
    message: str
    span: Span | None = None


def _span() -> Any:
    return field(default=None, compare=False, repr=False)


def _text() -> Any:
    """SQLite keeps a table's or index's CREATE statement as written (sqlite_master.sql):
    the text is what push writes, so that a database made by push is the one the file
    makes. Two texts that mean the same are the same schema, so it takes no part in
    equality; it describes how the object was written, so it stays out of the JSON form."""
    return field(default=None, compare=False, repr=False)


def _written() -> Any:
    return field(default_factory=dict, compare=False, repr=False)


def as_written(obj: Any, attr: str) -> Any:
    """The source's own text of an expression field (`default`, `generated`, `expression`,
    `where`, index `columns`), else its canonical text. A DEFAULT NULL is written too,
    though it means no default: PostgreSQL keeps it for some types (`NULL::character
    varying`)."""
    written = obj.written
    return written[attr] if attr in written else getattr(obj, attr)


@dataclass
class Identity:
    """GENERATED ... AS IDENTITY. Sequence options are None where they are the default."""

    always: bool = False
    start: int | None = None
    increment: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cache: int | None = None
    cycle: bool = False
    # Its sequence's name where it is not the one PostgreSQL picks for the table's column:
    # the file's SEQUENCE NAME, or the name it got before the table or column was renamed.
    # Written by push; not compared (the catalog does not read it) nor kept in snapshots.
    sequence_name: str | None = field(default=None, compare=False)


@dataclass
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: Identity | None = None
    # Expression of a GENERATED ALWAYS AS (...) STORED column (SQLite: also VIRTUAL).
    generated: str | None = None
    generated_stored: bool = True
    collation: str | None = None
    comment: str | None = None
    span: Span | None = _span()
    renamed_from: str | None = field(default=None, compare=False)
    # The file's `@using:` expression: how the values convert when the type changes.
    using: str | None = field(default=None, compare=False)
    written: dict[str, Any] = _written()
    # PostgreSQL's statistics settings: SET STATISTICS n (None: the default target, -1 in
    # pg_attribute.attstattarget) and SET (n_distinct=...) as attoptions keeps them:
    # name -> value text, in their order.
    statistics: int | None = None
    statistics_options: dict[str, str] = field(default_factory=dict)


@dataclass
class PrimaryKey:
    name: str | None
    columns: list[str]
    span: Span | None = _span()
    comment: str | None = None  # COMMENT ON CONSTRAINT (PostgreSQL)
    # WITH (...) storage parameters as PostgreSQL keeps them (reloptions): name -> value text
    storage: dict[str, str] = field(default_factory=dict)


@dataclass
class Unique:
    name: str | None
    columns: list[str]
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    span: Span | None = _span()
    comment: str | None = None  # COMMENT ON CONSTRAINT (PostgreSQL)
    # WITH (...) storage parameters as PostgreSQL keeps them (reloptions): name -> value text
    storage: dict[str, str] = field(default_factory=dict)


@dataclass
class ForeignKey:
    name: str | None
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    match: str = "SIMPLE"
    deferrable: bool = False
    initially_deferred: bool = False
    valid: bool = True  # False: added NOT VALID, the rows there were are not checked yet
    span: Span | None = _span()
    comment: str | None = None  # COMMENT ON CONSTRAINT (PostgreSQL)


@dataclass
class Check:
    name: str | None
    expression: str
    no_inherit: bool = False
    valid: bool = True  # as ForeignKey.valid
    span: Span | None = _span()
    comment: str | None = None  # COMMENT ON CONSTRAINT (PostgreSQL)
    written: dict[str, Any] = _written()


@dataclass
class Index:
    """An index that is not the implementation of a PRIMARY KEY or UNIQUE constraint.

    `columns` holds one canonical SQL text per key element: a column name or an
    expression, followed by any opclass, collation, DESC and NULLS FIRST/LAST.
    """

    name: str | None
    columns: list[str]
    unique: bool = False
    method: str = "btree"
    where: str | None = None
    include: list[str] = field(default_factory=list)
    nulls_not_distinct: bool = False
    valid: bool = True  # False: a CREATE INDEX CONCURRENTLY failed; the index is not used
    span: Span | None = _span()
    renamed_from: str | None = field(default=None, compare=False)
    comment: str | None = None  # COMMENT ON INDEX (PostgreSQL)
    # WITH (...) storage parameters as PostgreSQL keeps them (reloptions): name -> value text
    storage: dict[str, str] = field(default_factory=dict)
    # ALTER INDEX ... ALTER COLUMN n SET STATISTICS: an expression column's statistics
    # target, by the column's number (1-based); the default (-1) is not held (PostgreSQL)
    statistics: dict[int, int] = field(default_factory=dict)
    sql: str | None = _text()
    written: dict[str, Any] = _written()


@dataclass
class Table:
    schema: str
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: PrimaryKey | None = None
    uniques: list[Unique] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None
    # SQLite table options: AUTOINCREMENT on the rowid alias, WITHOUT ROWID, STRICT.
    autoincrement: bool = False
    without_rowid: bool = False
    strict: bool = False
    span: Span | None = _span()
    renamed_from: str | None = field(default=None, compare=False)
    # PostgreSQL table properties: storage parameters (`toast.` names those of its TOAST
    # table), UNLOGGED, REPLICA IDENTITY ("default", "full", "nothing", or "index" with the
    # index's name) and ROW LEVEL SECURITY (enabled, forced).
    storage: dict[str, str] = field(default_factory=dict)
    unlogged: bool = False
    replica_identity: str = "default"
    replica_index: str | None = None
    row_security: bool = False
    force_row_security: bool = False
    # PostgreSQL: PARTITION BY of a partitioned table, as pg_get_partkeydef prints it
    # ("RANGE (a, b)"); None for a plain table. Changing it needs a rebuild.
    partition_by: str | None = None
    # The schema it was in, when `@renamed from=schema.old` names another (it moves there).
    renamed_from_schema: str | None = field(default=None, compare=False)
    sql: str | None = _text()

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass
class Enum:
    schema: str
    name: str
    values: list[str]
    comment: str | None = None
    span: Span | None = _span()

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass
class Sequence:
    """A free-standing sequence. Sequences behind serial or identity columns are part of
    their column (a `nextval` default, or `Column.identity`) and do not appear here."""

    schema: str
    name: str
    data_type: str = "bigint"
    start: int | None = None
    increment: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cache: int | None = None
    cycle: bool = False
    # (schema, table, column) of an OWNED BY column, if any.
    owned_by: tuple[str, str, str] | None = None
    span: Span | None = _span()
    # Read from a database: a table or view schemalens does not read uses or owns it
    # (an INHERITS child's copied default...). Compared only where the files define it.
    used_elsewhere: bool = field(default=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


@dataclass
class Extension:
    name: str
    schema: str | None = None
    span: Span | None = _span()
    version: str | None = None  # the file's VERSION (None: whichever is installed)
    # Read from the catalog, facts of one database rather than of a schema: the version
    # installed, and whether a column has one of its types (dropping the extension would
    # fail, no CASCADE, or take the column's values with it).
    installed: str | None = None
    in_use: bool = False

    @property
    def current_version(self) -> str | None:
        return self.installed or self.version


@dataclass
class Namespace:
    """A PostgreSQL schema (CREATE SCHEMA). `public` is never listed: it always exists."""

    name: str
    comment: str | None = None
    span: Span | None = _span()
    # Read from the catalog: what it holds that schemalens does not manage ("view app.v",
    # "function app.f"): DROP SCHEMA (never CASCADE) fails while they are there.
    holds: tuple[str, ...] = ()


@dataclass
class Definition:
    """An object the database keeps as a definition it prints back: views, materialized
    views, functions, procedures, triggers, policies, domains, types (SQLite: views and
    triggers). It is compared by that printed form (`definition`), never by the file's
    spelling, and created with its own statement (`statement`: the file's text, or one
    printed from the catalog), so push writes what the file says and a down migration can
    recreate the old one."""

    kind: str   # "view", "materialized view", "function", "procedure", "trigger", "policy", ...
    schema: str
    name: str   # functions and procedures: name(identity argument types), as the catalog prints it
    definition: str = ""  # the database's canonical text; "" where no database printed it yet
    statement: str = field(default="", compare=False)
    table: str | None = None  # triggers, policies, rules: the table (in `schema`) they belong to
    # (kind, schema, name) of the objects it needs: created before it, dropped after it
    depends_on: list[tuple[str, str, str]] = field(default_factory=list, compare=False)
    comment: str | None = None
    span: Span | None = _span()

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.schema, self.table or "", self.name)


@dataclass
class Schema:
    dialect: str
    namespaces: list[Namespace] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    sequences: list[Sequence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)

    def table(self, schema: str, name: str) -> Table | None:
        """The first table with that key. By an index (a 5,000-table pull and render look
        up every table: a scan each made them quadratic), kept outside the dataclass
        fields, so equality, repr and the JSON form do not see it. It is rebuilt when
        `tables` is another list or another length; an entry found is checked to still be
        there under that key, and a key not found is looked for in the list, so a table
        renamed or replaced in place is found as a scan finds it."""
        tables = self.tables
        index = self.__dict__.get("_tables_by_key")
        if index is None or index[0] is not tables or index[1] != len(tables):
            by_key: dict[tuple[str, str], tuple[int, Table]] = {}
            for position, table in enumerate(tables):
                by_key.setdefault(table.key, (position, table))
            index = self.__dict__["_tables_by_key"] = (tables, len(tables), by_key)
        hit = index[2].get((schema, name))
        if hit is not None and tables[hit[0]] is hit[1] and hit[1].schema == schema and hit[1].name == name:
            return hit[1]
        if hit is not None:
            del self.__dict__["_tables_by_key"]  # stale: rebuilt on the next lookup
        return next((t for t in tables if t.schema == schema and t.name == name), None)

    def enum(self, schema: str, name: str) -> Enum | None:
        return next((e for e in self.enums if e.schema == schema and e.name == name), None)


# --- canonical JSON -------------------------------------------------------------------
#
# Stable ordering: objects sorted by key, columns kept in declaration order (order is
# part of a table's definition even though diff does not act on it). Spans, declared
# renames, statement texts and written spellings are left out: they describe a file, not a schema.

_NOT_CONTENT = {"span", "renamed_from", "renamed_from_schema", "using", "installed", "in_use", "holds", "sql",
                "written", "sequence_name", "used_elsewhere"}
_SORT_KEYS: dict[str, Any] = {
    "namespaces": lambda o: o["name"],
    "extensions": lambda o: o["name"],
    "enums": lambda o: (o["schema"], o["name"]),
    "sequences": lambda o: (o["schema"], o["name"]),
    "tables": lambda o: (o["schema"], o["name"]),
    "definitions": lambda o: (o["kind"], o["schema"], o["table"] or "", o["name"]),
    "uniques": lambda o: (o["name"] or "", o["columns"]),
    "foreign_keys": lambda o: (o["name"] or "", o["columns"]),
    "checks": lambda o: (o["name"] or "", o["expression"]),
    "indexes": lambda o: (o["name"] or "", o["columns"]),
}


def _to_plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            if f.name in _NOT_CONTENT:
                continue
            value = _to_plain(getattr(obj, f.name))
            if f.name in _SORT_KEYS:
                value = sorted(value, key=_SORT_KEYS[f.name])
            out[f.name] = value
        return out
    if isinstance(obj, (list, tuple)):
        return [_to_plain(v) for v in obj]
    return obj


# --- what a schema reader returns -----------------------------------------------------


@dataclass(frozen=True)
class Unmanaged:
    """An object the file defines that schemalens does not manage (view, function, ...).

    Kept so that push can name it when a managed object depends on it and the database
    lacks it, instead of failing with the database's bare error.
    """

    kind: str   # "view", "function", "trigger", ...
    name: str   # qualified where the statement qualified it, else as written
    span: Span | None = None
    # (schema, name) of the relation it defines, placed as the database places it: the
    # database's relation of that name is the file's, so the plan never drops or alters it.
    key: tuple[str, str] | None = None


@dataclass
class SourceResult:
    schema: Schema
    problems: list[Problem] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    # Whether the source can define views, triggers... (SQL files can; SQLAlchemy models
    # define tables only): where it cannot, the database's are left alone, not dropped.
    defines_definitions: bool = True

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def to_json(schema: Schema) -> dict[str, Any]:
    """The canonical, JSON-ready form of a schema (for snapshots and `--json` output)."""
    return _to_plain(schema)


def _build(cls: type, data: dict[str, Any]) -> Any:
    hints = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name not in hints:
            raise ValueError(f"unknown field {name!r} for {cls.__name__}")
        kwargs[name] = _FIELD_BUILDERS.get((cls, name), lambda v: v)(value)
    return cls(**kwargs)


def _many(cls: type) -> Any:
    return lambda items: [_build(cls, i) for i in items]


def _optional(cls: type) -> Any:
    return lambda item: None if item is None else _build(cls, item)


_FIELD_BUILDERS: dict[tuple[type, str], Any] = {
    (Schema, "namespaces"): _many(Namespace),
    (Schema, "extensions"): _many(Extension),
    (Schema, "enums"): _many(Enum),
    (Schema, "sequences"): _many(Sequence),
    (Schema, "tables"): _many(Table),
    (Schema, "definitions"): _many(Definition),
    (Definition, "depends_on"): lambda v: [tuple(d) for d in v],
    (Table, "columns"): _many(Column),
    (Table, "primary_key"): _optional(PrimaryKey),
    (Table, "uniques"): _many(Unique),
    (Table, "foreign_keys"): _many(ForeignKey),
    (Table, "checks"): _many(Check),
    (Table, "indexes"): _many(Index),
    (Column, "identity"): _optional(Identity),
    (Index, "statistics"): lambda v: {int(n): target for n, target in v.items()},  # JSON keys are texts
    (Sequence, "owned_by"): lambda v: None if v is None else tuple(v),
}


def from_json(data: dict[str, Any]) -> Schema:
    """Inverse of `to_json`: `from_json(to_json(s)) == s` for every schema."""
    return _build(Schema, data)
