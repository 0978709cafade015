"""Which sequence is a serial column's own: the one rule the file reader, the catalog and
diff share, so that both sides of a comparison fold (or list) the same sequences.

`serial` makes a sequence AS the column's integer type with every option at its default,
owned by the column, and makes the column NOT NULL with DEFAULT nextval() of it. A sequence
that is exactly that is part of its column and is not listed (see model.Sequence); any other
sequence is listed with its own type, options and owner (a bigint sequence, START 100,
OWNED BY NONE), since the database keeps what the file says and push must make it so.
"""

from __future__ import annotations

from schemalens.dialects.postgresql.expressions import nextval_sequence
from schemalens.dialects.postgresql.types import canonical_type
from schemalens.model import Column, Schema, Sequence, Table

SERIAL_TYPES = frozenset({"smallint", "integer", "bigint"})


def drawn_from(column: Column, table_schema: str) -> tuple[str, str] | None:
    """(schema, name) of the sequence the column's default is nextval() of."""
    seq = nextval_sequence(column.default)
    return None if seq is None else (seq[0] or table_schema, seq[1])


def serial_sequence(table: Table, column: Column, key: tuple[str, str]) -> Sequence:
    """The sequence `serial` makes for this column, named `key`."""
    return Sequence(key[0], key[1], data_type=canonical_type(column.type),
                    owned_by=(table.schema, table.name, column.name))


def made_by_serial(seq: Sequence, schema: Schema) -> bool:
    """Whether the sequence is exactly what `serial` makes for the column that owns it
    (options already None where they are PostgreSQL's defaults)."""
    if seq.owned_by is None:
        return False
    table = schema.table(seq.owned_by[0], seq.owned_by[1])
    column = table.column(seq.owned_by[2]) if table is not None else None
    if column is None or column.nullable or column.identity is not None or column.generated is not None:
        return False
    return (drawn_from(column, table.schema) == seq.key
            and canonical_type(seq.data_type) == canonical_type(column.type) in SERIAL_TYPES
            and serial_sequence(table, column, seq.key) == seq)


def fold_serial_sequences(schema: Schema) -> None:
    """Leave out the sequences that are their column's serial (the model's convention)."""
    schema.sequences = [s for s in schema.sequences if not made_by_serial(s, schema)]


def implied_sequences(schema: Schema) -> list[Sequence]:
    """The sequences the serial columns of a (folded) schema stand for, as listed
    sequences: what a listed sequence of the other side is compared with."""
    listed = {s.key for s in schema.sequences}
    found: dict[tuple[str, str], Sequence] = {}
    for table in schema.tables:
        for column in table.columns:
            key = drawn_from(column, table.schema)
            if key is not None and key not in listed and column.identity is None:
                found.setdefault(key, serial_sequence(table, column, key))
    return list(found.values())
