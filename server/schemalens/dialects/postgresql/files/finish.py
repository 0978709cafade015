"""After every statement is applied: expressions rendered from their (renamed) trees, types
not known yet resolved, foreign keys checked against their targets, identity/sequence options
equal to PostgreSQL's defaults dropped, and the sequences that are exactly what `serial` makes
folded into their columns (serials.py).
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.constraints import has_unique_key
from schemalens.dialects.postgresql.files.creation_names import CreationNames
from schemalens.dialects.postgresql.files.deparse import array_suffix, deparse, deparse_default
from schemalens.dialects.postgresql.files.indexes import index_element
from schemalens.dialects.postgresql.files.nodes import names_of
from schemalens.dialects.postgresql.names import identity_sequence_name, quote_ident
from schemalens.dialects.postgresql.serials import fold_serial_sequences
from schemalens.model import Identity, Sequence


class Finish(CreationNames):
    """The steps after the last statement."""

    def finish(self) -> None:
        for table in self.schema.tables:  # (a reused table has nothing deferred)
            for obj, attr, raw in self.extra[id(table)].deferred.values():
                if attr == "columns":
                    obj.columns = [index_element(e["IndexElem"]) for e in raw]
                else:
                    setattr(obj, attr, deparse_default(raw) if attr == "default" else deparse(raw))
        self.settle_names()
        self.name_identity_sequences()
        self.resolve_pending_types()
        self.check_foreign_keys()
        for table in self.schema.tables:
            for column in table.columns:
                if column.identity is not None:
                    _drop_defaults(column.identity, column.type)
        for key in [k for k, entry in self.relations.items() if entry[0] == "serial-sequence"]:
            self.listed_sequence(key)
        for seq in self.schema.sequences:
            _drop_defaults(seq, seq.data_type)
        fold_serial_sequences(self.schema)

    def name_identity_sequences(self) -> None:
        """An identity's sequence keeps the name it was made with (or renamed to): after the
        table or column is renamed, PostgreSQL does not rename it, so push must name it."""
        for (_, name), (kind, column, table) in self.relations.items():
            if kind == "identity-sequence" and column.identity is not None:
                column.identity.sequence_name = identity_sequence_name(name, table.name, column.name)

    def resolve_pending_types(self) -> None:
        extensions = bool(self.schema.extensions)
        for table, column, type_name, path, span in self.pending_types:
            if self.col(table, column.name) is not column:
                continue
            names = names_of(type_name["names"])
            saved, self.search_path = self.search_path, path
            enum = self.find_enum(names)
            self.search_path = saved
            schemas = names[:-1] if len(names) > 1 else path or [self.default_schema]
            other = next(((s, names[-1]) for s in schemas if (s, names[-1]) in self.unmanaged_types), None)
            if enum is not None:
                self.set_enum_type(column, enum, array_suffix(type_name))
            elif other is not None:
                column.type = f"{quote_ident(other[0])}.{quote_ident(other[1])}{array_suffix(type_name)}"
            elif not extensions and names[0] not in ("pg_catalog", "information_schema"):
                self.warn("unknown-type", f'unknown type "{".".join(names)}" of column '
                          f"{table.name}.{column.name}: not built in and not defined in the "
                          "schema files", span)

    def check_foreign_keys(self) -> None:
        for table in self.schema.tables:
            for fk in table.foreign_keys:
                target = self.tables.get((fk.ref_schema, fk.ref_table))
                ref_span = self.fk_ref_spans.get(id(fk), fk.span)
                if target is None:
                    if (fk.ref_schema, fk.ref_table) not in self.unmanaged_relations:
                        self.error("unknown-table", f"foreign key references unknown table "
                                   f"{fk.ref_schema}.{fk.ref_table}", ref_span)
                    continue
                if not fk.ref_columns:
                    if target.primary_key is None:
                        self.error("unknown-column", f'there is no primary key for referenced '
                                   f'table "{target.name}"', ref_span)
                        continue
                    fk.ref_columns = list(target.primary_key.columns)
                missing = [c for c in fk.ref_columns if self.col(target, c) is None]
                if missing:
                    self.error("unknown-column", f'column "{missing[0]}" referenced in foreign '
                               f"key does not exist in {target.name}", fk.span)
                elif len(fk.ref_columns) != len(fk.columns):
                    self.error("invalid-foreign-key", "number of referencing and referenced "
                               "columns for foreign key disagree", fk.span)
                elif not has_unique_key(target, fk.ref_columns):
                    self.error("invalid-foreign-key", "there is no unique constraint matching "
                               f'given keys for referenced table "{target.name}"', fk.span)


_INT_RANGES = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
               "bigint": (-9223372036854775808, 9223372036854775807)}


def _int_type(type_text: str) -> str:
    return type_text if type_text in _INT_RANGES else "bigint"


def _drop_defaults(obj: Identity | Sequence, data_type: str) -> None:
    """Set to None the options equal to what PostgreSQL picks for this type and direction,
    so that a spelled-out default (pg_dump writes them all) is not a difference."""
    low, high = _INT_RANGES[_int_type(data_type)]
    ascending = (obj.increment if obj.increment is not None else 1) > 0
    default_min, default_max = (1, high) if ascending else (low, -1)
    effective_min = obj.min_value if obj.min_value is not None else default_min
    effective_max = obj.max_value if obj.max_value is not None else default_max
    if obj.start == (effective_min if ascending else effective_max):
        obj.start = None
    if obj.min_value == default_min:
        obj.min_value = None
    if obj.max_value == default_max:
        obj.max_value = None
    if obj.increment == 1:
        obj.increment = None
    if obj.cache == 1:
        obj.cache = None
