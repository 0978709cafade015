"""Changes -> SQLite statements.

SQLite's ALTER TABLE can add, drop and rename columns and rename tables, each only under
conditions. Every other change to a table is done the way SQLite documents (the
"12-step" procedure, section 7 of lang_altertable), in the order that keeps the file's
own text: the old table is renamed away, the desired table is created under its own
name, the rows are copied, the old table is dropped and the indexes are created again,
then the triggers that were on it, with the text the database kept, but for those the
plan drops or makes again. All changes of a rebuilt table fold into that one rebuild.

Views and triggers are dropped first, dependants first (a replacement's drop too), and
created, from their own text, once the tables are as the file says.

SQLite keeps a CREATE TABLE / CREATE INDEX as written (sqlite_master.sql), and that text
is the schema the file makes: a table or index the file defines is created with the
file's own statement (`Table.sql`, `Index.sql`), and only one without a text (a schema
built in code) is written from the model. Types and defaults are then written exactly as
the model holds them: SQLite keeps them as declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemalens.changes import DEFINITION_KINDS, Change, RenderError, Statement
from schemalens.dependencies import drop_order, label
from schemalens.dialects.postgresql.names import default_constraint_name
from schemalens.dialects.sqlite.catalog import parse_table_sql
from schemalens.dialects.sqlite.ddl import tokenize
from schemalens.model import Check, Column, Definition, ForeignKey, Index, PrimaryKey, Schema, Table, Unique
from schemalens.dialects.sqlite.names import qualified as qt
from schemalens.dialects.sqlite.names import quote_ident as q

REBUILD_PREFIX = "_schemalens_old_"


def in_user_names(message: str) -> str:
    """A message about a rebuild's scratch table, about the user's table: the scratch
    name is the old table's for the length of the rebuild, and a failing rebuild rolls
    the name back."""
    return message.replace(REBUILD_PREFIX, "")

# A DEFAULT that needs no parentheses and that ALTER TABLE ADD COLUMN accepts.
_CONSTANT = re.compile(
    r"""^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|'(?:[^']|'')*'|[xX]'[0-9a-fA-F]*'"""
    r"""|NULL|TRUE|FALSE)$""", re.I)
_TIME_KEYWORD = re.compile(r"^(CURRENT_TIME|CURRENT_DATE|CURRENT_TIMESTAMP)$", re.I)

_TABLE_KINDS = ("create_table", "drop_table", "rename_table")


def default_sql(default: str) -> str:
    text = default.strip()
    if _CONSTANT.match(text) or _TIME_KEYWORD.match(text) or _parenthesized(text):
        return text
    return f"({text})"


def _parenthesized(text: str) -> bool:
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return True


def column_list(names: list[str]) -> str:
    return ", ".join(q(n) for n in names)


def column_definition(column: Column, table: Table) -> str:
    parts = [q(column.name)]
    if column.type:
        parts.append(column.type)
    pk = table.primary_key
    if pk is not None and pk.columns == [column.name]:
        if pk.name:
            parts.append(f"CONSTRAINT {q(pk.name)}")
        parts.append("PRIMARY KEY AUTOINCREMENT" if table.autoincrement else "PRIMARY KEY")
    if not column.nullable:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {default_sql(column.default)}")
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    if column.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) {'STORED' if column.generated_stored else 'VIRTUAL'}")
    return " ".join(parts)


def added_column_sql(column: Column, table: Table) -> str:
    """The column as the table's own text defines it: SQLite keeps the declared type and
    the default as written (PRAGMA table_info shows them so), the file's spelling is
    the file's database. Anything in that text ADD COLUMN cannot take (a key, a check, a
    reference) is a change that rebuilds the table instead."""
    parsed = parse_table_sql(table.sql) if table.sql else None
    written = parsed.column(column.name) if parsed is not None else None
    return table.sql[written.start : written.end] if written is not None and table.sql else column_definition(column, table)


def constraint_definition(obj: PrimaryKey | Unique | ForeignKey | Check) -> str:
    prefix = f"CONSTRAINT {q(obj.name)} " if obj.name else ""
    if isinstance(obj, PrimaryKey):
        return f"{prefix}PRIMARY KEY ({column_list(obj.columns)})"
    if isinstance(obj, Unique):
        return f"{prefix}UNIQUE ({column_list(obj.columns)})"
    if isinstance(obj, Check):
        return f"{prefix}CHECK ({obj.expression})"
    refs = [c for c in obj.ref_columns if c]
    sql = f"{prefix}FOREIGN KEY ({column_list(obj.columns)}) REFERENCES {q(obj.ref_table)}"
    if refs:
        sql += f" ({column_list(refs)})"
    if obj.on_delete != "NO ACTION":
        sql += f" ON DELETE {obj.on_delete}"
    if obj.on_update != "NO ACTION":
        sql += f" ON UPDATE {obj.on_update}"
    if obj.match != "SIMPLE":
        sql += f" MATCH {obj.match}"
    if obj.deferrable:
        sql += " DEFERRABLE INITIALLY DEFERRED" if obj.initially_deferred else " DEFERRABLE"
    return sql


def create_table_sql(table: Table) -> str:
    if table.sql:
        return table.sql
    lines = [column_definition(c, table) for c in table.columns]
    pk = table.primary_key
    if pk is not None and len(pk.columns) != 1:
        lines.append(constraint_definition(pk))
    lines += [constraint_definition(u) for u in table.uniques]
    lines += [constraint_definition(c) for c in table.checks]
    lines += [constraint_definition(fk) for fk in table.foreign_keys]
    body = ",\n".join(f"    {line}" for line in lines)
    options = [o for o, on in (("WITHOUT ROWID", table.without_rowid), ("STRICT", table.strict)) if on]
    return f"CREATE TABLE {qt(table.schema, table.name)} (\n{body}\n){' ' + ', '.join(options) if options else ''}"


def index_sql(index: Index, table: Table, name: str | None = None) -> str:
    """SQLite requires a name: an unnamed index gets one in PostgreSQL's style."""
    if index.sql and name in (None, index.name):
        return index.sql
    name = name or index.name or default_constraint_name(table, index, {i.name for i in table.indexes if i.name})
    unique = "UNIQUE " if index.unique else ""
    elements = ", ".join(q(e) if table.column(e) is not None else e for e in index.columns)
    sql = f"CREATE {unique}INDEX {qt(table.schema, name)} ON {q(table.name)} ({elements})"
    if index.where:
        sql += f" WHERE {index.where}"
    return sql


def _mentions(text: str | None, column: str) -> bool:
    if not text:
        return False
    pattern = r'(?<![\w"])(?:"' + re.escape(column.replace('"', '""')) + r'"|' + re.escape(column) + r")(?![\w\"])"
    return re.search(pattern, text, re.I) is not None


def can_add_column(column: Column, table: Table) -> bool:
    """SQLite's conditions for ALTER TABLE ADD COLUMN (lang_altertable, section 5)."""
    if table.primary_key is not None and column.name in table.primary_key.columns:
        return False
    if any(column.name in u.columns for u in table.uniques):
        return False
    if column.generated is not None:
        return not column.generated_stored
    if column.default is not None and not _CONSTANT.match(column.default.strip()):
        return False
    if not column.nullable and (column.default is None or column.default.strip().upper() == "NULL"):
        return False
    return True


def can_drop_column(name: str, table: Table, schema: Schema) -> bool:
    """SQLite's conditions for ALTER TABLE DROP COLUMN (lang_altertable, section 6)."""
    if table.primary_key is not None and name in table.primary_key.columns:
        return False
    if any(name in u.columns for u in table.uniques):
        return False
    if any(name in fk.columns for fk in table.foreign_keys):
        return False
    if any(_mentions(c.expression, name) for c in table.checks):
        return False
    if any(_mentions(c.generated, name) for c in table.columns):
        return False
    if any(any(_mentions(e, name) for e in i.columns) or _mentions(i.where, name) for i in table.indexes):
        return False
    return not any(fk.ref_table == table.name and name in fk.ref_columns
                   for other in schema.tables for fk in other.foreign_keys)


def can_rename_column(name: str, table: Table) -> bool:
    """SQLite 3.40 fails RENAME COLUMN of a WITHOUT ROWID table's primary key column that a
    UNIQUE constraint also holds ("error in table t after rename: no such column", or
    "expressions prohibited in PRIMARY KEY and UNIQUE constraints"); a UNIQUE that repeats
    the key is not in the model, so any key column of such a table is renamed by a rebuild."""
    if not table.without_rowid or table.primary_key is None:
        return True
    return name.lower() not in (c.lower() for c in table.primary_key.columns)


def render_sqlite(changes: list[Change], actual: Schema, desired: Schema) -> list[Statement]:
    return _Renderer(changes, actual, desired).run()


def rebuilt_tables(changes: list[Change], actual: Schema, desired: Schema) -> set[tuple[str, str]]:
    """The tables these changes rebuild. A rebuild makes the table as `desired` has it,
    so it carries every change of that table, chosen or not."""
    return _Renderer(changes, actual, desired).rebuilt


def owner(change: Change) -> tuple[str, str]:
    """The (schema, table) a change belongs to."""
    return _Renderer.owner(change)


def broken_triggers(changes: list[Change], actual: Schema, desired: Schema) -> list[str]:
    """Why these changes cannot run: a rebuild makes the table's triggers again from their
    text, and SQLite takes a trigger naming a column that is not there and fails only when
    it fires. A trigger the plan keeps as it is while its column goes is a file that
    contradicts itself: push refuses, naming it, before anything runs."""
    renderer = _Renderer(changes, actual, desired)
    found = []
    for key in sorted(renderer.rebuilt):
        new, old = desired.table(*key), renderer.old_table(key)
        assert new is not None and old is not None
        kept = {c.name.lower() for c in new.columns}
        renamed = {c.before.name.lower(): c.after for c in renderer.by_table[key] if c.kind == "rename_column"}
        for trigger in renderer.kept_triggers(old):
            used = _identifiers(trigger.statement)
            for column in old.columns:
                if column.name.lower() in kept or column.name.lower() not in used:
                    continue
                became = renamed.get(column.name.lower())
                what = f"renames to {became.name}" if became is not None else "drops"
                span = became.span if became is not None else new.span
                where = f" ({span.file}:{span.start_line + 1})" if span is not None else ""
                found.append(f"{label(trigger)} uses column {column.name}, which this change {what}{where}: "
                             "made again as it is after the rebuild, it would fail when it fires; change or drop "
                             "the trigger in the schema file too")
    return found


def _identifiers(sql: str) -> set[str]:
    """The names a statement spells (not inside strings or comments), in lower case:
    SQLite compares names without case."""
    return {t.name.lower() for t in tokenize(sql) if t.kind in ("ident", "qident")}


class _Renderer:
    def __init__(self, changes: list[Change], actual: Schema, desired: Schema) -> None:
        self.changes = changes
        self.actual = actual
        self.desired = desired
        self.by_table: dict[tuple[str, str], list[Change]] = {}
        for change in changes:
            if change.kind not in DEFINITION_KINDS:
                self.by_table.setdefault(self.owner(change), []).append(change)
        # views and triggers the plan drops (also to make them again), by key: they go first,
        # and a rebuild does not make them again
        self.definition_drops = {c.before.key: c for c in changes
                                 if c.kind in ("drop_definition", "replace_definition")}
        self.rebuilt = {key for key, group in self.by_table.items() if self.needs_rebuild(key, group)}

    @staticmethod
    def owner(change: Change) -> tuple[str, str]:
        if change.kind in _TABLE_KINDS or change.table is None:
            return change.schema, change.name
        return change.schema, change.table

    def old_table(self, key: tuple[str, str]) -> Table | None:
        for change in self.by_table.get(key, []):
            if change.kind == "rename_table":
                return change.before
        return self.actual.table(*key)

    def kept_triggers(self, old: Table) -> list[Definition]:
        """The triggers on the table that the plan leaves as they are: a rebuild makes them again."""
        return [d for d in self.actual.definitions if d.kind == "trigger" and d.table is not None
                and d.table.lower() == old.name.lower() and d.key not in self.definition_drops]

    def needs_rebuild(self, key: tuple[str, str], group: list[Change]) -> bool:
        if any(c.kind in ("create_table", "drop_table") for c in group):
            return False
        new = self.desired.table(*key)
        old = self.old_table(key)
        if new is None or old is None:
            return False
        for change in group:
            if change.kind in ("alter_column", "alter_table", "add_constraint", "drop_constraint"):
                return True
            if change.kind == "add_column" and not can_add_column(change.after, new):
                return True
            if change.kind == "drop_column" and not can_drop_column(change.name, old, self.actual):
                return True
            if change.kind == "rename_column" and not can_rename_column(change.before.name, old):
                return True
        return False

    def run(self) -> list[Statement]:
        drops = self.definition_drops
        out = [Statement(f"DROP {old.kind.upper()} {qt(old.schema, old.name)}", (drops[old.key].id,))
               for old in drop_order([c.before for c in drops.values()])]
        done: set[tuple[str, str]] = set()
        # Index names are the database's: a rebuild (run where its table's first change is)
        # may create one under the name of an index dropped elsewhere. Nothing depends on an
        # index, so the drops go first.
        early = [c.kind == "drop_index" and self.owner(c) not in self.rebuilt for c in self.changes]
        ordered = [c for c, e in zip(self.changes, early) if e] + [c for c, e in zip(self.changes, early) if not e]
        for change in ordered:
            if change.kind in DEFINITION_KINDS:
                if change.after is not None:
                    out.append(Statement(change.after.statement, (change.id,)))
                continue
            key = self.owner(change)
            if key in self.rebuilt:
                if key not in done:
                    done.add(key)
                    ids = tuple(c.id for c in self.by_table[key])
                    out += [Statement(sql, ids, needs_foreign_keys_off=True) for sql in self.rebuild(key)]
                continue
            out += self.simple(change)
        return out

    def simple(self, change: Change) -> list[Statement]:
        ids = (change.id,)
        if change.kind == "create_table":
            return [Statement(create_table_sql(change.after), ids)]
        if change.kind == "drop_table":
            # With foreign keys on, DROP TABLE deletes the rows first and fires the
            # children's ON DELETE actions; the tables pointing at it are gone or rebuilt.
            return [Statement(f"DROP TABLE {qt(change.schema, change.name)}", ids, needs_foreign_keys_off=True)]
        if change.kind == "rename_table":
            return [Statement(f"ALTER TABLE {qt(change.schema, change.before.name)} RENAME TO {q(change.name)}", ids)]
        if change.kind == "set_comment":
            return []  # SQLite has no comments
        if change.kind == "create_index":
            table = self.desired.table(*self.owner(change))
            assert table is not None
            return [Statement(index_sql(change.after, table, change.name), ids)]
        if change.kind == "drop_index":
            return [Statement(f"DROP INDEX {qt(change.schema, change.name)}", ids)]
        table = qt(change.schema, change.table or "")
        if change.kind == "add_column":
            new = self.desired.table(*self.owner(change))
            assert new is not None
            return [Statement(f"ALTER TABLE {table} ADD COLUMN {added_column_sql(change.after, new)}", ids)]
        if change.kind == "drop_column":
            return [Statement(f"ALTER TABLE {table} DROP COLUMN {q(change.name)}", ids)]
        if change.kind == "rename_column":
            return [Statement(f"ALTER TABLE {table} RENAME COLUMN {q(change.before.name)} TO {q(change.name)}", ids)]
        raise RenderError(f"cannot render {change.kind} for SQLite")

    def rebuild(self, key: tuple[str, str]) -> Iterator[str]:
        """The old table is renamed away and the desired one created under its own name, so
        that it keeps the file's text (a rename would rewrite the name in it). With
        legacy_alter_table on and foreign keys off (outside the transaction, see
        runtime.py), renaming rewrites no reference in other tables, views or triggers:
        they name the table, and the table under that name is the new one."""
        new = self.desired.table(*key)
        old = self.old_table(key)
        assert new is not None and old is not None
        scratch = REBUILD_PREFIX + new.name
        renamed = {c.name: c.before.name for c in self.by_table[key] if c.kind == "rename_column"}
        targets: list[str] = []
        sources: list[str] = []
        for column in new.columns:
            if column.generated is not None:
                continue
            source = old.column(renamed.get(column.name, column.name))
            if source is None or source.generated is not None:
                continue  # a new column: it gets its default
            expr = q(source.name)
            if not column.nullable and source.nullable and column.default is not None:
                expr = f"COALESCE({expr}, {default_sql(column.default)})"
            targets.append(q(column.name))
            sources.append(expr)
        named = q(new.name).replace("\r", "\\r").replace("\n", "\\n")  # a line break would end the comment
        triggers = self.kept_triggers(old)
        again = "its triggers are made again as they were" if triggers else "no trigger of it stays as it was"
        yield (f"-- rebuild of {named}: SQLite cannot make this change in place; {again}\n"
               "PRAGMA legacy_alter_table = ON")
        yield f"ALTER TABLE {qt(old.schema, old.name)} RENAME TO {q(scratch)}"
        yield create_table_sql(new)
        if not targets:  # no column survives: the rows do, with the new columns' defaults
            first = next(c for c in new.columns if c.generated is None)
            targets, sources = [q(first.name)], [default_sql(first.default) if first.default is not None else "NULL"]
        yield (f"INSERT INTO {qt(new.schema, new.name)} ({', '.join(targets)}) "
               f"SELECT {', '.join(sources)} FROM {qt(old.schema, scratch)}")
        yield f"DROP TABLE {qt(old.schema, scratch)}"
        yield "PRAGMA legacy_alter_table = OFF"
        for index in new.indexes:
            yield index_sql(index, new)
        for trigger in triggers:
            yield trigger.statement
