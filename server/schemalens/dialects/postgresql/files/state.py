"""The model the statements are applied to, and what every kind of statement needs of it:
problems, positions, name lookups (logged while a table group is read: see reuse), the
dispatch by statement kind, and notes for what is skipped or not managed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schemalens.dialects.postgresql.files.nodes import Json
from schemalens.dialects.postgresql.files.positions import File
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.files.unmanaged import SKIPPED, defined_type, describe
from schemalens.dialects.postgresql.names import quote_ident
from schemalens.dialects.postgresql.serials import serial_sequence
from schemalens.model import Column, Enum, Problem, Schema, Sequence, Span, Table, Unmanaged

if TYPE_CHECKING:
    from schemalens.dialects.postgresql.files.reuse import Entry, Group


@dataclass
class TableExtra:
    """What a table needs beyond the model while the files are applied."""

    deferred: dict[tuple[int, str], tuple[Any, str, Any]] = field(default_factory=dict)
    last_constraint: Any = None
    columns: dict[str, Column] = field(default_factory=dict)


class State:
    """The model being built and its lookups. The statement handlers are mixins over this
    one state, one module per concern: any statement may touch any table (an ALTER, a
    DROP ... CASCADE), so they share the whole model rather than pass parts around."""

    def __init__(self, default_schema: str) -> None:
        self.default_schema = default_schema
        self.schema = Schema(dialect="postgresql")
        self.problems: list[Problem] = []
        self.unmanaged: list[Unmanaged] = []
        self.search_path: list[str] = [default_schema]
        self.tables: dict[tuple[str, str], Table] = {}
        self.extra: dict[int, TableExtra] = {}
        # Relation names per namespace (tables, indexes, sequences, PK/UNIQUE indexes):
        # PostgreSQL keeps them in one namespace, so a clash is an error wherever it is.
        self.relations: dict[tuple[str, str], tuple[str, Any, Table | None]] = {}
        self.unmanaged_relations: set[tuple[str, str]] = set()
        # Types the files define without schemalens managing them (domains, composite,
        # range and base types): columns may use them, they are not unknown.
        self.unmanaged_types: set[tuple[str, str]] = set()
        self.enum_columns: dict[int, tuple[tuple[str, str], Column, str]] = {}
        self.pending_types: list[tuple[Table, Column, Json, list[str], Span]] = []
        self.fk_ref_spans: dict[int, Span] = {}
        self.f: File = File("", "")
        self.directives: list[tuple[int, str, bool]] = []
        self.using_directives: list[tuple[int, str]] = []
        # While a table group's statement is applied: what it read of, and wrote to, the
        # state other statements share (see Group), so that a later parse can check the
        # reads and redo the writes instead of building the table again.
        self.log: list[tuple[Any, ...]] | None = None
        self.members: dict[int, tuple[Group, int]] = {}
        self.groups: list[Group] = []
        self.touched: set[str] = set()
        self.memo: dict[tuple[Any, ...], Entry] = {}
        self.used: dict[tuple[Any, ...], Entry] = {}
        # Unnamed constraints and indexes named as they were made (see creation_names).
        self.frozen: dict[int, tuple[Any, str]] = {}

    def col(self, table: Table, name: str) -> Column | None:
        return self.extra[id(table)].columns.get(name)

    def error(self, code: str, message: str, span: Span | None) -> None:
        self.problems.append(Problem("error", code, message, span))

    def warn(self, code: str, message: str, span: Span | None) -> None:
        self.problems.append(Problem("warning", code, message, span))

    def not_managed(self, kind: str, name: str, span: Span, why: str = "",
                    key: tuple[str, str] | None = None) -> None:
        self.unmanaged.append(Unmanaged(kind, name, span, key))
        reason = f" ({why})" if why else ""
        self.warn("unmanaged", f"{kind} {name} is not managed by schemalens{reason}: it is left "
                  "as it is in the database", span)

    def at(self, stmt: Stmt, location: int | None) -> int:
        """Char offset in the file of a node location of this statement."""
        if location is None or location < 0:
            return stmt.start
        return self.f.char(stmt.base + location)

    def stmt_span(self, stmt: Stmt) -> Span:
        return self.f.span(stmt.start, stmt.end)

    def name_span(self, stmt: Stmt, node: Json) -> Span:
        return self.f.ident_span(self.at(stmt, node.get("location")))

    def creation_schema(self) -> str:
        return self.search_path[0] if self.search_path else self.default_schema

    def lookup_schemas(self) -> list[str]:
        return self.search_path or [self.default_schema]

    def qualify(self, schemaname: str | None, name: str) -> tuple[str, str]:
        return (schemaname or self.creation_schema(), name)

    def find_table(self, rv: Json) -> Table | None:
        table = self._find_table(rv.get("schemaname"), rv["relname"])
        if self.log is not None:
            self.log.append(("table", (rv.get("schemaname"), rv["relname"]), table and table.key))
        return table

    def _find_table(self, schemaname: str | None, relname: str) -> Table | None:
        if schemaname:
            return self.tables.get((schemaname, relname))
        for s in self.lookup_schemas():
            table = self.tables.get((s, relname))
            if table is not None:
                return table
        return None

    def is_unmanaged_rel(self, rv: Json) -> bool:
        schemas = [rv["schemaname"]] if rv.get("schemaname") else self.lookup_schemas()
        return any((s, rv["relname"]) in self.unmanaged_relations for s in schemas)

    def find_relation(self, names: list[str]) -> tuple[tuple[str, str], tuple[str, Any, Table | None]] | None:
        schemas = names[:-1] or self.lookup_schemas()
        for s in schemas[-1:] if len(names) > 1 else schemas:
            entry = self.relations.get((s, names[-1]))
            if entry is not None:
                return (s, names[-1]), entry
        return None

    def find_enum(self, names: list[str]) -> Enum | None:
        enum = self._find_enum(names)
        if self.log is not None:
            self.log.append(("enum", tuple(names), enum and enum.key))
        return enum

    def _find_enum(self, names: list[str] | tuple[str, ...]) -> Enum | None:
        schemas = names[:-1] if len(names) > 1 else self.lookup_schemas()
        for s in schemas:
            e = self.schema.enum(s, names[-1])
            if e is not None:
                return e
        return None

    def has_relation(self, key: tuple[str, str]) -> bool:
        found = key in self.relations
        if self.log is not None:
            self.log.append(("relation", key, found))
        return found

    def set_relation(self, key: tuple[str, str], entry: tuple[str, Any, Table | None]) -> None:
        self.relations[key] = entry
        if self.log is not None:
            self.log.append(("set", key, entry))

    def has_unmanaged(self, key: tuple[str, str]) -> bool:
        found = key in self.unmanaged_relations
        if self.log is not None:
            self.log.append(("unmanaged", key, found))
        return found

    def register(self, schema: str, name: str, kind: str, obj: Any, table: Table | None,
                 span: Span | None) -> bool:
        if self.has_relation((schema, name)):
            self.error("duplicate-name", f'relation "{name}" already exists in schema {schema}', span)
            return False
        self.set_relation((schema, name), (kind, obj, table))
        return True

    def listed_sequence(self, key: tuple[str, str]) -> Sequence | None:
        """The listed sequence of that name. A serial column's own sequence is listed from
        the moment a statement may make it differ from what `serial` makes (ALTER SEQUENCE,
        a new column type, a rename): `finish` folds it back if it is still exactly that."""
        entry = self.relations.get(key)
        if entry is None or entry[0] not in ("sequence", "serial-sequence"):
            return None
        kind, obj, table = entry
        if kind == "sequence":
            return obj
        assert table is not None
        seq = serial_sequence(table, obj, key)
        seq.span = obj.span
        self.schema.sequences.append(seq)
        self.set_relation(key, ("sequence", seq, None))
        return seq

    def serial_of(self, column: Column) -> tuple[str, str] | None:
        """The name of the column's own serial sequence while it is not listed."""
        return next((key for key, (kind, obj, _) in self.relations.items()
                     if kind == "serial-sequence" and obj is column), None)

    def rel_name(self, rv: Json) -> str:
        return ".".join(quote_ident(n) for n in (rv.get("schemaname"), rv["relname"]) if n)

    def apply_one(self, stmt: Stmt) -> None:
        try:
            self.dispatch(stmt)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            self.error("unsupported-statement", "schemalens could not read this statement "
                       f"({type(exc).__name__}: {exc})", self.stmt_span(stmt))

    def dispatch(self, stmt: Stmt) -> None:
        handler = getattr(self, "_" + stmt.kind, None)
        if handler is not None:
            handler(stmt, stmt.body)
        elif stmt.kind in SKIPPED:
            self.skipped(stmt, SKIPPED[stmt.kind])
        elif stmt.kind == "AlterOwnerStmt":
            self.skipped(stmt, "OWNER TO (ownership is not managed)")
        else:
            self.unmanaged_stmt(stmt)

    def skipped(self, stmt: Stmt, what: str) -> None:
        self.problems.append(Problem("info", "skipped-statement",
                                     f"{what} skipped: it is not part of the schema",
                                     self.stmt_span(stmt)))

    def unmanaged_stmt(self, stmt: Stmt) -> None:
        kind, name = describe(stmt.kind, stmt.body)
        rv = stmt.body.get("view") or (stmt.body.get("into") or {}).get("rel")
        if stmt.kind == "CreateForeignTableStmt":
            rv = stmt.body["base"]["relation"]
        key = None
        if stmt.kind in ("ViewStmt", "CreateTableAsStmt", "CreateForeignTableStmt") and rv:
            key = self.qualify(rv.get("schemaname"), rv["relname"])
            self.unmanaged_relations.add(key)
        type_names = defined_type(stmt.kind, stmt.body)
        if type_names:
            self.unmanaged_types.add(self.qualify(type_names[-2] if len(type_names) > 1 else None,
                                                  type_names[-1]))
        self.not_managed(kind, name, self.stmt_span(stmt), key=key)

    def set_enum_type(self, column: Column, enum: Enum, suffix: str) -> None:
        column.type = f"{quote_ident(enum.schema)}.{quote_ident(enum.name)}{suffix}"
        self.enum_columns[id(column)] = (enum.key, column, suffix)
