"""The SQL text of one object's definition in PostgreSQL: a column, a constraint, an index,
storage parameters. Push and generate write these inside CREATE and ALTER statements
(render), and the editor's quick fixes write them into files; expressions come as the
file wrote them (`model.as_written`).
"""

from __future__ import annotations

from schemalens.dialects.postgresql.expressions import is_own_serial, nextval_sequence
from schemalens.dialects.postgresql.names import own_sequence_name
from schemalens.dialects.postgresql.names import quote_ident as q
from schemalens.dialects.postgresql.names import quote_literal as literal
from schemalens.dialects.postgresql.names import qualified as qn
from schemalens.dialects.postgresql.sequence_sql import sequence_options
from schemalens.dialects.postgresql.types import parse_type
from schemalens.model import Check, Column, ForeignKey, Identity, Index, PrimaryKey, Schema, Table, Unique, as_written


_SERIAL = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


_SHORT_NAMES = {"character varying": "varchar", "character": "char", "bit varying": "varbit"}


def written_type(type_: str) -> str:
    """format_type()'s spelling (`character varying(20)`, `timestamp(3) with time zone`)
    as people write it (`varchar(20)`, `timestamptz(3)`): for files pull writes."""
    base, args, zone, depth = parse_type(type_)
    short = f"{base}tz" if zone == "with time zone" else base if zone else _SHORT_NAMES.get(base)
    if short is None:
        return type_
    return short + (f"({','.join(args)})" if args else "") + "[]" * depth


def column_list(names: list[str]) -> str:
    return ", ".join(q(n) for n in names)


def serial_type(column: Column, schema: Schema, table: Table) -> str | None:
    """serial/bigserial/smallserial for a column whose default is its own sequence, when
    `serial` gives that sequence its name (else it is written out: _Renderer.own_sequences)."""
    if column.identity is None and column.type in _SERIAL and is_own_serial(column, schema, table.schema):
        seq = nextval_sequence(column.default)
        if seq is not None and seq[1] == own_sequence_name(table.name, column.name):
            return _SERIAL[column.type]
    return None


def identity_clause(identity: Identity, schema: str) -> str:
    kind = "ALWAYS" if identity.always else "BY DEFAULT"
    options = sequence_options(identity.start, identity.increment, identity.min_value,
                               identity.max_value, identity.cache, identity.cycle)
    if identity.sequence_name is not None:
        named = f"SEQUENCE NAME {q(schema)}.{q(identity.sequence_name)}"
        options = f"{named} {options}" if options else named
    return f"GENERATED {kind} AS IDENTITY" + (f" ({options})" if options else "")


def column_definition(column: Column, schema: Schema, table: Table) -> str:
    serial = serial_type(column, schema, table)
    parts = [q(column.name), serial or column.type]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    default = as_written(column, "default")
    if column.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({as_written(column, 'generated')}) STORED")
    elif column.identity is not None:
        parts.append(identity_clause(column.identity, table.schema))
    elif default is not None and serial is None:
        parts.append(f"DEFAULT {default}")
    if not column.nullable:
        parts.append("NOT NULL")
    return " ".join(parts)


def constraint_definition(obj: PrimaryKey | Unique | ForeignKey | Check, with_name: bool = True) -> str:
    prefix = f"CONSTRAINT {q(obj.name)} " if with_name and obj.name else ""
    if isinstance(obj, PrimaryKey):
        return f"{prefix}PRIMARY KEY ({column_list(obj.columns)}){with_storage(obj.storage)}"
    if isinstance(obj, Unique):
        nnd = " NULLS NOT DISTINCT" if obj.nulls_not_distinct else ""
        return f"{prefix}UNIQUE{nnd} ({column_list(obj.columns)}){with_storage(obj.storage)}{deferrable(obj)}"
    if isinstance(obj, Check):
        return f"{prefix}CHECK ({as_written(obj, 'expression')})" + (" NO INHERIT" if obj.no_inherit else "")
    sql = (f"{prefix}FOREIGN KEY ({column_list(obj.columns)}) REFERENCES {qn(obj.ref_schema, obj.ref_table)} "
           f"({column_list(obj.ref_columns)})")
    if obj.match != "SIMPLE":
        sql += f" MATCH {obj.match}"
    if obj.on_delete != "NO ACTION":
        sql += f" ON DELETE {obj.on_delete}"
    if obj.on_update != "NO ACTION":
        sql += f" ON UPDATE {obj.on_update}"
    return sql + deferrable(obj)


def deferrable(obj: Unique | ForeignKey) -> str:
    if not obj.deferrable:
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if obj.initially_deferred else " DEFERRABLE"


def index_element(element: str, table: Table | None) -> str:
    """Key elements are SQL text; one that is just a column name is quoted here, since a
    source may hand over the bare name."""
    if table is not None and table.column(element) is not None:
        return q(element)
    return element


def index_definition(index: Index, schema: str, table_name: str, table: Table | None,
                     concurrently: bool = False) -> str:
    unique = "UNIQUE " if index.unique else ""
    name = f"{q(index.name)} " if index.name else ""
    elements = ", ".join(index_element(e, table) for e in as_written(index, "columns"))
    how = "CONCURRENTLY " if concurrently else ""
    sql = f"CREATE {unique}INDEX {how}{name}ON {qn(schema, table_name)} USING {index.method} ({elements})"
    if index.include:
        sql += f" INCLUDE ({', '.join(index_element(e, table) for e in index.include)})"
    if index.nulls_not_distinct:
        sql += " NULLS NOT DISTINCT"
    sql += with_storage(index.storage)
    if index.where:
        sql += f" WHERE {as_written(index, 'where')}"
    return sql


def storage_list(storage: dict[str, str]) -> str:
    """`name='value', ...`: a value quoted is stored as written (pg_dump quotes them too)."""
    return ", ".join(f"{'.'.join(q(part) for part in name.split('.'))}={literal(value)}"
                     for name, value in storage.items())


def with_storage(storage: dict[str, str]) -> str:
    return f" WITH ({storage_list(storage)})" if storage else ""


def storage_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """SET and RESET clauses that make `old` into `new`. Every option of `new` is set when
    any is: PostgreSQL moves a set option to the end of its list, so the list ends up in the
    file's order (as pg_dump prints it)."""
    parts = []
    gone = [name for name in old if name not in new]
    if gone:
        parts.append(f"RESET ({', '.join('.'.join(q(p) for p in n.split('.')) for n in gone)})")
    if any(old.get(name) != value for name, value in new.items()):
        parts.append(f"SET ({storage_list(new)})")
    return parts
