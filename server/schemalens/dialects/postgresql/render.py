"""Changes -> PostgreSQL statements.

Every name is schema-qualified and strictly quoted, so a statement means the same
whatever the session's search_path. Constraints that scan an existing table are added NOT
VALID and validated by a second statement that runs after the batch commits
(`Statement.after_commit`): the ADD takes a lock that only the commit releases, the
VALIDATE only a SHARE UPDATE EXCLUSIVE one, so writes go on while rows are checked. With
`online`, indexes on existing tables are built CONCURRENTLY, also after the commit and
outside any transaction. Enum values are added outside the transaction because
PostgreSQL cannot use them before a commit. Expressions are written as the file wrote
them (`model.as_written`), not in the canonical form they were compared in: PostgreSQL
keeps `CURRENT_TIMESTAMP`, `'0'::bigint` or `DEFAULT NULL::character varying` as written.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from typing import Any

from schemalens.changes import USING_PLACEHOLDER, Change, RenderError, Statement
from schemalens.dialects.postgresql.casts import unmodified_type
from schemalens.dialects.postgresql.definitions import (
    column_definition,
    constraint_definition,
    identity_clause,
    index_definition,
    serial_type,
    storage_changes,
    with_storage,
)
from schemalens.dialects.postgresql.expressions import is_own_serial, nextval_sequence
from schemalens.dialects.postgresql.keys import merged_into
from schemalens.dialects.postgresql.sequence_sql import in_new_bounds, sequence_changes, sequence_options
from schemalens.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
    as_written,
)
from schemalens.dialects.postgresql.names import first_choice, generated_names
from schemalens.dialects.postgresql.names import qualified as qn
from schemalens.dialects.postgresql.names import quote_literal as literal
from schemalens.dialects.postgresql.names import quote_ident as q

_OLD_ENUM_SUFFIX = "_schemalens_old"


def render_postgresql(changes: list[Change], actual: Schema, desired: Schema, online: bool = False) -> list[Statement]:
    """The statements in the order they run: the after-commit ones last, as apply runs
    them and as a generated migration lists them."""
    renderer = _Renderer(changes, actual, desired, online)
    out = [statement(sql, change.id) for change in changes for sql in renderer.render(change)]
    return [s for s in out if not s.after_commit] + [s for s in out if s.after_commit]


_VALIDATE = re.compile(r"^ALTER TABLE (?P<table>.+) VALIDATE CONSTRAINT (?P<name>.+)$", re.S)
_CONCURRENTLY = re.compile(r"^CREATE (?:UNIQUE )?INDEX CONCURRENTLY (?P<name>.+?) ON (?P<table>.+?) USING ", re.S)


def statement(sql: str, change_id: str) -> Statement:
    """What a statement needs around it, told by its text (this module wrote it)."""
    if sql.startswith("ALTER TYPE") and " ADD VALUE " in sql:
        return Statement(sql, (change_id,), transactional=False)
    if _VALIDATE.match(sql):
        return Statement(sql, (change_id,), after_commit=True)
    if _CONCURRENTLY.match(sql):
        return Statement(sql, (change_id,), transactional=False, after_commit=True)
    return Statement(sql, (change_id,))


def left_by_failure(sql: str) -> str | None:
    """What a failed after-commit statement leaves behind, and what to do."""
    if m := _VALIDATE.match(sql):
        return (f"constraint {m['name']} on {m['table']} stays NOT VALID (new rows are checked, the rows "
                "already there are not): fix the rows that violate it, then push again (it then only "
                "validates the constraint)")
    if m := _CONCURRENTLY.match(sql):
        return (f"index {m['name']} on {m['table']} may be left INVALID (queries do not use it): push again "
                "to drop it and build it again")
    return None


def type_refers_to(type_: str, enum: Enum) -> bool:
    base = type_.removesuffix("[]").removesuffix("[]")
    spellings = {f"{enum.schema}.{enum.name}", f"{q(enum.schema)}.{q(enum.name)}"}
    if enum.schema == "public":
        spellings |= {enum.name, q(enum.name)}
    return base in spellings


class _Renderer:
    def __init__(self, changes: list[Change], actual: Schema, desired: Schema, online: bool) -> None:
        self.changes = changes
        self.actual = actual
        self.desired = desired
        self.online = online
        self.created = {(c.schema, c.name) for c in changes if c.kind == "create_table"}
        # FKs of new tables that diff adds after all tables exist (cycles, late targets)
        self.late_fks = {(c.schema, c.table, id(c.after)) for c in changes
                         if c.kind == "add_constraint" and isinstance(c.after, ForeignKey)}
        # keys that foreign keys added in this batch reference: a unique index that is one
        # must exist before they are added, so it cannot wait for after the commit
        self.referenced = {(c.after.ref_schema, c.after.ref_table, frozenset(c.after.ref_columns)) for c in changes
                           if c.kind == "add_constraint" and isinstance(c.after, ForeignKey)}

    def render(self, change: Change) -> Iterator[str]:
        handler = getattr(self, change.kind, None)
        if handler is None:
            raise RenderError(f"cannot render {change.kind} for PostgreSQL")
        yield from handler(change)

    def table_name(self, change: Change) -> str:
        assert change.table is not None
        return qn(change.schema, change.table)

    # schema-level objects

    def create_schema(self, change: Change) -> Iterator[str]:
        yield f"CREATE SCHEMA {q(change.name)}"

    def create_extension(self, change: Change) -> Iterator[str]:
        schema = f" SCHEMA {q(change.after.schema)}" if change.after.schema else ""
        version = f" VERSION {literal(change.after.version)}" if change.after.version else ""
        yield f"CREATE EXTENSION IF NOT EXISTS {q(change.name)}{schema}{version}"

    def drop_extension(self, change: Change) -> Iterator[str]:
        # No CASCADE: an object outside the extension that uses it makes this fail.
        yield f"DROP EXTENSION {q(change.name)}"

    def drop_schema(self, change: Change) -> Iterator[str]:
        # No CASCADE: what the file does not manage (views, functions) makes this fail.
        yield f"DROP SCHEMA {q(change.name)}"

    def alter_extension(self, change: Change) -> Iterator[str]:
        old, new = change.before, change.after
        if new.schema is not None and new.schema != old.schema:
            yield f"ALTER EXTENSION {q(change.name)} SET SCHEMA {q(new.schema)}"
        if new.version is not None and new.version != old.current_version:
            yield f"ALTER EXTENSION {q(change.name)} UPDATE TO {literal(new.version)}"

    def create_enum(self, change: Change) -> Iterator[str]:
        values = ", ".join(literal(v) for v in change.after.values)
        yield f"CREATE TYPE {qn(change.schema, change.name)} AS ENUM ({values})"

    def add_enum_value(self, change: Change) -> Iterator[str]:
        values: list[str] = change.after.values
        i = values.index(change.name)
        old: list[str] = change.before.values if change.before else []
        position = ""
        if i > 0:
            position = f" AFTER {literal(values[i - 1])}"
        elif old:
            position = f" BEFORE {literal(old[0])}"
        # It commits on its own before the rest (a value is usable only after a commit):
        # IF NOT EXISTS keeps a rerun of a migration after a later failure from stumbling over it.
        yield (f"ALTER TYPE {qn(change.after.schema, change.after.name)} ADD VALUE IF NOT EXISTS "
               f"{literal(change.name)}{position}")

    def drop_enum(self, change: Change) -> Iterator[str]:
        yield f"DROP TYPE {qn(change.schema, change.name)}"

    def recreate_enum(self, change: Change) -> Iterator[str]:
        """Rename the old type away, create the new one, move every column over through
        text, drop the old. Defaults are bound to the old type: they are dropped first and
        set again only where the file keeps them (a default naming a removed value cannot
        be; a changed default is the column's own alter_column change)."""
        old: Enum = change.before
        new: Enum = change.after
        old_name = (new.name + _OLD_ENUM_SUFFIX).encode()[:63].decode(errors="ignore")
        yield f"ALTER TYPE {qn(new.schema, new.name)} RENAME TO {q(old_name)}"
        yield from self.create_enum(change)
        for table in self.actual.tables:
            for column in table.columns:
                if not type_refers_to(column.type, old):
                    continue
                alter = f"ALTER TABLE {qn(table.schema, table.name)} ALTER COLUMN {q(column.name)}"
                if column.default is not None:
                    yield f"{alter} DROP DEFAULT"
                depth = column.type.count("[]")
                text = "text" + "[]" * depth
                yield f"{alter} TYPE {column.type} USING {q(column.name)}::{text}::{column.type}"
                wanted = self.desired.table(table.schema, table.name)
                kept = wanted.column(column.name) if wanted else None
                if column.default is not None and kept is not None and kept.default == column.default:
                    yield f"{alter} SET DEFAULT {as_written(kept, 'default')}"
        yield f"DROP TYPE {qn(new.schema, old_name)}"

    def create_sequence(self, change: Change) -> Iterator[str]:
        seq: Sequence = change.after
        options = sequence_options(seq.start, seq.increment, seq.min_value, seq.max_value, seq.cache, seq.cycle)
        sql = f"CREATE SEQUENCE {qn(seq.schema, seq.name)} AS {seq.data_type}"
        if options:
            sql += f" {options}"
        if seq.owned_by is not None and self.owner_exists(seq):
            sql += f" OWNED BY {self.owner(seq)}"
        yield sql

    def owner_exists(self, seq: Sequence) -> bool:
        assert seq.owned_by is not None
        table = self.actual.table(seq.owned_by[0], seq.owned_by[1])
        return table is not None and table.column(seq.owned_by[2]) is not None

    @staticmethod
    def owner(seq: Sequence) -> str:
        if seq.owned_by is None:
            return "NONE"
        return f"{qn(seq.owned_by[0], seq.owned_by[1])}.{q(seq.owned_by[2])}"

    def alter_sequence(self, change: Change) -> Iterator[str]:
        new: Sequence = change.after
        old: Sequence | None = change.before
        name = qn(new.schema, new.name)
        if old is None:
            yield f"ALTER SEQUENCE {name} OWNED BY {self.owner(new)}"
            return
        parts = []
        if old.data_type != new.data_type:
            parts.append(f"AS {new.data_type}")
        parts += sequence_changes(old, new)
        if old.owned_by != new.owned_by:
            parts.append(f"OWNED BY {self.owner(new)}")
        if parts:
            yield from in_new_bounds(f"ALTER SEQUENCE {name}", parts, old, new, (old.data_type, new.data_type),
                                     f"{literal(name)}::regclass", "")

    def drop_sequence(self, change: Change) -> Iterator[str]:
        # IF EXISTS: a sequence owned by a column of a table dropped before goes with it.
        yield f"DROP SEQUENCE IF EXISTS {qn(change.schema, change.name)}"

    # tables

    def create_table(self, change: Change) -> Iterator[str]:
        table: Table = change.after
        owned = list(self.own_sequences(table, table.columns))
        yield from (create for create, _ in owned)
        lines = [column_definition(c, self.desired, table) for c in table.columns]
        # a unique constraint CREATE TABLE would merge into an earlier key follows it
        keys: list[PrimaryKey | Unique] = [table.primary_key] if table.primary_key is not None else []
        after: list[Any] = []
        for unique in table.uniques:
            (after if merged_into(unique, keys) else keys).append(unique)
        inline = [*table.checks, *(fk for fk in table.foreign_keys
                                   if (table.schema, table.name, id(fk)) not in self.late_fks)]
        # CREATE TABLE marks its constraints valid whatever they say: NOT VALID ones follow it
        after += [c for c in inline if not c.valid]
        # PostgreSQL names what CREATE TABLE leaves unnamed in the statement's order, not the
        # file's: where that can choose other names (ones that follow it, a name taken), name all
        unnamed = [o for o in [*keys, *inline, *after] if o.name is None]
        if any(o.name is None for o in after) or any(self.generated.get(id(o)) != first_choice(table, o)
                                                     for o in unnamed):
            keys, inline, after = self.named(keys), self.named(inline), self.named(after)
        lines += [constraint_definition(k) for k in keys]
        lines += [constraint_definition(c) for c in inline if c.valid]
        body = ",\n".join(f"    {line}" for line in lines)
        name = qn(table.schema, table.name)
        unlogged = "UNLOGGED " if table.unlogged else ""
        partitioned = f" PARTITION BY {table.partition_by}" if table.partition_by else ""
        yield f"CREATE {unlogged}TABLE {name} (\n{body}\n){partitioned}{with_storage(table.storage)}"
        for obj in after:
            valid = "" if getattr(obj, "valid", True) else " NOT VALID"
            yield f"ALTER TABLE {name} ADD {constraint_definition(obj)}{valid}"
        yield from (owner for _, owner in owned)

    def alter_table(self, change: Change) -> Iterator[str]:
        """A change of PARTITION BY: no SQL makes it in place (it needs a rebuild), so the
        change carries a needs-using hazard and push refuses it with that message."""
        yield from ()

    def own_sequences(self, table: Table, columns: list[Column]) -> Iterator[tuple[str, str]]:
        """(CREATE SEQUENCE, ALTER SEQUENCE ... OWNED BY) for the serial columns whose
        sequence `serial` would name otherwise (the file's own CREATE SEQUENCE, a rename):
        what serial does, under the file's name."""
        for column in columns:
            seq = nextval_sequence(column.default)
            if (seq is None or column.identity is not None or serial_type(column, self.desired, table)
                    or not is_own_serial(column, self.desired, table.schema)):
                continue
            name = qn(seq[0] or table.schema, seq[1])
            yield (f"CREATE SEQUENCE {name} AS {column.type}",
                   f"ALTER SEQUENCE {name} OWNED BY {qn(table.schema, table.name)}.{q(column.name)}")

    def named(self, objects: list[Any]) -> list[Any]:
        """The objects with the names PostgreSQL gives them when it runs the file."""
        return [o if o.name else dataclasses.replace(o, name=self.generated.get(id(o))) for o in objects]

    @functools.cached_property
    def generated(self) -> dict[int, str]:
        return generated_names(self.desired)

    def drop_table(self, change: Change) -> Iterator[str]:
        yield from self.release_sequences(change.schema, change.name, None)
        yield f"DROP TABLE {qn(change.schema, change.name)}"

    def release_sequences(self, schema: str, table: str, column: str | None) -> Iterator[str]:
        """OWNED BY NONE for the sequences owned by what is dropped and used by another
        table's default: the drop would take them along, which that default forbids (a
        sequence the file no longer has is dropped later, after its users)."""
        for seq in self.actual.sequences:
            owner = seq.owned_by
            if owner is None or owner[:2] != (schema, table) or column not in (None, owner[2]):
                continue
            users = [c for t in self.actual.tables for c in t.columns
                     if nextval_sequence(c.default) in ((seq.schema, seq.name), (None, seq.name))
                     and (t.key != (schema, table) or column not in (None, c.name))]
            if users:
                yield f"ALTER SEQUENCE {qn(seq.schema, seq.name)} OWNED BY NONE"

    def rename_table(self, change: Change) -> Iterator[str]:
        old, new = change.before, change.after
        if old.schema != new.schema:  # its indexes, constraints and owned sequences move with it
            yield f"ALTER TABLE {qn(old.schema, old.name)} SET SCHEMA {q(new.schema)}"
        if old.name != new.name:
            yield f"ALTER TABLE {qn(new.schema, old.name)} RENAME TO {q(new.name)}"

    def add_column(self, change: Change) -> Iterator[str]:
        table = self.desired_table(change)
        owned = list(self.own_sequences(table, [change.after]))
        yield from (create for create, _ in owned)
        yield f"ALTER TABLE {self.table_name(change)} ADD COLUMN {column_definition(change.after, self.desired, table)}"
        yield from (owner for _, owner in owned)

    def desired_table(self, change: Change) -> Table:
        assert change.table is not None
        table = self.desired.table(change.schema, change.table)
        return table if table is not None else Table(change.schema, change.table)

    def drop_column(self, change: Change) -> Iterator[str]:
        assert change.table is not None
        yield from self.release_sequences(change.schema, change.table, change.name)
        yield f"ALTER TABLE {self.table_name(change)} DROP COLUMN {q(change.name)}"

    def rename_column(self, change: Change) -> Iterator[str]:
        yield f"ALTER TABLE {self.table_name(change)} RENAME COLUMN {q(change.before.name)} TO {q(change.after.name)}"

    def alter_column(self, change: Change) -> Iterator[str]:
        old: Column = change.before
        new: Column = change.after
        table = self.table_name(change)
        alter = f"ALTER TABLE {table} ALTER COLUMN {q(new.name)}"
        if new.generated is not None and (old.generated != new.generated or not old.generated_stored):
            # PostgreSQL 15 cannot change a generation expression in place.
            yield f"ALTER TABLE {table} DROP COLUMN {q(old.name)}"
            yield f"ALTER TABLE {table} ADD COLUMN {column_definition(new, self.desired, self.desired_table(change))}"
            return
        if old.generated is not None and new.generated is None:
            yield f"{alter} DROP EXPRESSION"
        if old.identity is not None and new.identity is None:
            yield f"{alter} DROP IDENTITY"
        old_serial = is_own_serial(old, self.actual, change.schema)
        new_serial = is_own_serial(new, self.desired, change.schema)
        same_default = old.default == new.default or (old_serial and new_serial)
        type_changes = old.type != new.type or old.collation != new.collation
        # A default is bound to the old type: drop it around a type change, set it again.
        reset_default = not same_default or (type_changes and old.default is not None and not old_serial)
        if type_changes and change.unfit is not None and new.using is None:
            yield self.unfit_guard(change)
        if reset_default and old.default is not None:
            yield f"{alter} DROP DEFAULT"
        if type_changes:
            collate = f" COLLATE {new.collation}" if new.collation else ""
            yield f"{alter} TYPE {new.type}{collate}{self.using(change)}"
        if old.nullable != new.nullable:
            yield f"{alter} {'DROP' if new.nullable else 'SET'} NOT NULL"
        if reset_default and as_written(new, "default") is not None:
            if new_serial and not old_serial:
                yield from self.make_serial(change, new)
            else:
                yield f"{alter} SET DEFAULT {as_written(new, 'default')}"
        if new.identity is not None:
            yield from self.identity(change, old.identity, new.identity)
        if old_serial and not new_serial:
            seq = nextval_sequence(old.default)
            assert seq is not None
            key = (seq[0] or change.schema, seq[1])
            if all(s.key != key for s in self.desired.sequences):  # else it stays, listed
                yield f"DROP SEQUENCE IF EXISTS {qn(*key)}"

    def using(self, change: Change) -> str:
        """The USING clause of a type change: the file's, else a cast only where no
        assignment cast converts (an explicit cast to a modified type cuts what does not
        fit: it goes to the unmodified type, and the column's assignment applies the
        modifier, refusing what does not fit), else a placeholder generate asks to edit."""
        old: Column = change.before
        new: Column = change.after
        if new.using is not None:
            return f" USING {new.using}"
        if change.conversion == "none":
            return f" USING {USING_PLACEHOLDER}({q(new.name)})"
        if change.conversion != "explicit":
            return ""
        # Enums cast only to and from text: go through it when either side is one.
        via = "text" + "[]" * old.type.count("[]") if self.is_enum(old.type, self.actual) or \
            self.is_enum(new.type, self.desired) else None
        return f" USING {q(new.name)}::{via + '::' if via else ''}{unmodified_type(new.type)}"

    def unfit_guard(self, change: Change) -> str:
        """Refuses the type change, before anything else of it runs, when a row holds a
        value it would cut or round (an assignment cast rounds numeric scale and time
        precision and cuts trailing spaces without a word): the transaction then fails with
        nothing changed. The table is locked first, so no row slips in between."""
        table = self.table_name(change)
        label = f"{change.schema}.{change.table}.{change.name}".replace("%", "%%")
        message = literal(f"schemalens: % row(s) of {label} hold values that {change.after.type} would not keep "
                          "exactly (cut or rounded): change those values first, or say how to convert them "
                          "with -- @using: <expression> on the column's line")
        count = "schemalens_unfit_rows"  # a variable no column is named: plpgsql refuses the ambiguity
        return (f"DO $schemalens$ DECLARE {count} bigint; BEGIN LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; "
                f"SELECT count(*) INTO {count} FROM {table} WHERE {change.unfit}; "
                f"IF {count} > 0 THEN RAISE EXCEPTION {message}, {count}; END IF; END $schemalens$")

    @staticmethod
    def is_enum(type_: str, schema: Schema) -> bool:
        return any(type_refers_to(type_, e) for e in schema.enums)

    def make_serial(self, change: Change, column: Column) -> Iterator[str]:
        """What `serial` does, for a column that exists: its own sequence, owned by the
        column, continuing after the values already there."""
        seq = nextval_sequence(column.default)
        assert seq is not None
        key = (seq[0] or change.schema, seq[1])
        name = qn(*key)
        table = self.table_name(change)
        if any(s.key == key for s in self.actual.sequences):
            # the database lists it: its own change makes it the serial's
            yield f"ALTER TABLE {table} ALTER COLUMN {q(column.name)} SET DEFAULT {column.default}"
            return
        yield f"CREATE SEQUENCE {name} AS {column.type}"
        yield f"ALTER TABLE {table} ALTER COLUMN {q(column.name)} SET DEFAULT {column.default}"
        yield f"ALTER SEQUENCE {name} OWNED BY {table}.{q(column.name)}"
        yield f"SELECT setval({literal(name)}, COALESCE(MAX({q(column.name)}), 0) + 1, false) FROM {table}"

    def identity(self, change: Change, old: Identity | None, new: Identity) -> Iterator[str]:
        table = self.table_name(change)
        alter = f"{table} ALTER COLUMN {q(change.name)}"
        if old is None:
            yield f"ALTER TABLE {alter} ADD {identity_clause(new, change.schema)}"
            if new.start is None and (new.increment or 1) > 0:
                # Existing rows already hold values: continue after them.
                yield (f"SELECT setval(pg_get_serial_sequence({literal(table)}, {literal(change.name)}), "
                       f"COALESCE(MAX({q(change.name)}), 0) + 1, false) FROM {table}")
            return
        parts = []
        if old.always != new.always:
            parts.append(f"SET GENERATED {'ALWAYS' if new.always else 'BY DEFAULT'}")
        parts += ["SET " + p for p in sequence_changes(old, new)]
        if not parts:
            return
        seq = f"pg_get_serial_sequence({literal(table)}, {literal(change.name)})::regclass"
        yield from in_new_bounds(f"ALTER TABLE {alter}", parts, old, new, (change.before.type, change.after.type),
                                 seq, "SET ")

    def add_constraint(self, change: Change) -> Iterator[str]:
        obj = change.after
        table = self.table_name(change)
        existing = (change.schema, change.table) not in self.created
        if isinstance(obj, (ForeignKey, Check)) and (existing or not obj.valid):
            # Validating after the commit checks the rows under a lock that lets writes go on.
            yield f"ALTER TABLE {table} ADD CONSTRAINT {q(change.name)} {constraint_definition(obj, False)} NOT VALID"
            if obj.valid:
                yield from self.validate_constraint(change)
            return
        # on an existing table, named as the file's database has it: PostgreSQL would choose
        # in the plan's order (keys before checks), not the file's
        named = obj if obj.name or not existing else dataclasses.replace(obj, name=change.name)
        yield f"ALTER TABLE {table} ADD {constraint_definition(named)}"

    def validate_constraint(self, change: Change) -> Iterator[str]:
        yield f"ALTER TABLE {self.table_name(change)} VALIDATE CONSTRAINT {q(change.name)}"

    def drop_constraint(self, change: Change) -> Iterator[str]:
        if not change.before.name:  # (the change is named by the constraint's shape then)
            raise RenderError(f"cannot drop an unnamed constraint on {change.schema}.{change.table}")
        yield f"ALTER TABLE {self.table_name(change)} DROP CONSTRAINT {q(change.before.name)}"

    def rename_constraint(self, change: Change) -> Iterator[str]:
        # a primary key or unique constraint takes its index along to the new name
        yield f"ALTER TABLE {self.table_name(change)} RENAME CONSTRAINT {q(change.before.name)} TO {q(change.name)}"

    def rename_sequence(self, change: Change) -> Iterator[str]:
        yield f"ALTER SEQUENCE {qn(change.before.schema, change.before.name)} RENAME TO {q(change.name)}"

    def rename_index(self, change: Change) -> Iterator[str]:
        yield f"ALTER INDEX {qn(change.schema, change.before.name)} RENAME TO {q(change.name)}"

    def create_index(self, change: Change) -> Iterator[str]:
        assert change.table is not None
        table = self.desired.table(change.schema, change.table)
        index: Index = change.after
        key = (change.schema, change.table, frozenset(index.columns))
        concurrently = (self.online and (change.schema, change.table) not in self.created
                        and not (index.unique and key in self.referenced))
        if concurrently and index.name is None:
            # named as the database would name it: it runs outside the transaction (told by
            # its text), and an INVALID index a failure leaves must be named
            index = dataclasses.replace(index, name=change.name)
        yield index_definition(index, change.schema, change.table, table, concurrently)

    def drop_index(self, change: Change) -> Iterator[str]:
        yield f"DROP INDEX {qn(change.schema, change.name)}"

    def set_comment(self, change: Change) -> Iterator[str]:
        obj = change.after if change.after is not None else change.before
        text = literal(change.after.comment if change.after is not None else None)
        if isinstance(obj, Namespace):
            target = f"SCHEMA {q(obj.name)}"
        elif isinstance(obj, Enum):
            target = f"TYPE {qn(obj.schema, obj.name)}"
        elif isinstance(obj, Table):
            target = f"TABLE {qn(obj.schema, obj.name)}"
        elif isinstance(obj, Index):
            target = f"INDEX {qn(change.schema, change.name)}"
        elif isinstance(obj, (PrimaryKey, Unique, ForeignKey, Check)):
            target = f"CONSTRAINT {q(change.name)} ON {self.table_name(change)}"
        else:
            target = f"COLUMN {self.table_name(change)}.{q(obj.name)}"
        yield f"COMMENT ON {target} IS {text}"


    def set_storage(self, change: Change) -> Iterator[str]:
        """Storage parameters of a table (change.name "") or of an index or a key's index."""
        old, new = change.before.storage, change.after.storage
        target = f"TABLE {self.table_name(change)}" if not change.name else f"INDEX {qn(change.schema, change.name)}"
        yield f"ALTER {target} {', '.join(storage_changes(old, new))}"

    def set_statistics(self, change: Change) -> Iterator[str]:
        """A column's statistics target (-1: the default) and attoptions (n_distinct...), or
        the targets of an index's expression columns."""
        if isinstance(change.after, Index):
            was = change.before.statistics if change.before is not None else {}
            now = change.after.statistics
            parts = [f"ALTER COLUMN {n} SET STATISTICS {now.get(n, -1)}"
                     for n in sorted(set(was) | set(now)) if was.get(n) != now.get(n)]
            yield f"ALTER INDEX {qn(change.schema, change.name)} {', '.join(parts)}"
            return
        old: Column | None = change.before
        new: Column = change.after
        column = f"ALTER COLUMN {q(new.name)}"
        parts = []
        if (old.statistics if old else None) != new.statistics:
            parts.append(f"{column} SET STATISTICS {-1 if new.statistics is None else new.statistics}")
        parts += [f"{column} {part}" for part in
                  storage_changes(old.statistics_options if old else {}, new.statistics_options)]
        yield f"ALTER TABLE {self.table_name(change)} {', '.join(parts)}"

    def set_persistence(self, change: Change) -> Iterator[str]:
        yield f"ALTER TABLE {self.table_name(change)} SET {'UNLOGGED' if change.after.unlogged else 'LOGGED'}"

    def set_row_security(self, change: Change) -> Iterator[str]:
        old: Table | None = change.before
        new: Table = change.after
        parts = []
        if (old.row_security if old else False) != new.row_security:
            parts.append(f"{'ENABLE' if new.row_security else 'DISABLE'} ROW LEVEL SECURITY")
        if (old.force_row_security if old else False) != new.force_row_security:
            parts.append(f"{'FORCE' if new.force_row_security else 'NO FORCE'} ROW LEVEL SECURITY")
        yield f"ALTER TABLE {self.table_name(change)} {', '.join(parts)}"

    def set_replica_identity(self, change: Change) -> Iterator[str]:
        new: Table = change.after
        how = f"USING INDEX {q(new.replica_index or '')}" if new.replica_identity == "index" else \
            new.replica_identity.upper()
        yield f"ALTER TABLE {self.table_name(change)} REPLICA IDENTITY {how}"
