"""Constraints, in CREATE TABLE or added by ALTER TABLE: NOT NULL, defaults and generation
expressions (kept as trees, rendered at the end), identity, checks, primary keys and unique
constraints, foreign keys; and dropping or altering one.
"""

from __future__ import annotations

from typing import Any

from schemalens.dialects.postgresql.files.nodes import Json, int_arg, names_of
from schemalens.dialects.postgresql.files.properties import storage_options
from schemalens.dialects.postgresql.keys import merged_into
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Check, Column, ForeignKey, Identity, PrimaryKey, Span, Table, Unique


_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_FK_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}
_SPANNED_CONSTRAINTS = {"CONSTR_CHECK", "CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_FOREIGN",
                        "CONSTR_EXCLUSION"}


class Constraints(State):
    """A table's constraints, as statements add, alter and drop them."""

    def add_constraint(self, stmt: Stmt, table: Table, c: Json, column: Column | None,
                       where: tuple[int, int]) -> None:
        kind = c["contype"]
        extra = self.extra[id(table)]
        name = c.get("conname")
        if kind in ("CONSTR_ATTR_DEFERRABLE", "CONSTR_ATTR_NOT_DEFERRABLE",
                    "CONSTR_ATTR_DEFERRED", "CONSTR_ATTR_IMMEDIATE"):
            target = extra.last_constraint
            if isinstance(target, (Unique, ForeignKey)):
                if kind == "CONSTR_ATTR_DEFERRABLE":
                    target.deferrable = True
                elif kind == "CONSTR_ATTR_NOT_DEFERRABLE":
                    target.deferrable = False
                else:
                    target.initially_deferred = kind == "CONSTR_ATTR_DEFERRED"
            return
        span = self.f.span(*where) if kind in _SPANNED_CONSTRAINTS else None
        if name and kind not in ("CONSTR_NOTNULL", "CONSTR_NULL", "CONSTR_DEFAULT",
                                 "CONSTR_IDENTITY", "CONSTR_GENERATED"):
            if name in constraint_names(table):
                self.error("duplicate-constraint",
                           f'constraint "{name}" for relation "{table.name}" already exists', span)
                return
        keys = [column.name] if column is not None else names_of(c.get("keys", []))
        if kind == "CONSTR_NOTNULL":
            for key in keys:
                col = self.col(table, key)
                if col is not None:
                    col.nullable = False
        elif kind == "CONSTR_NULL" and column is not None:
            column.nullable = True
        elif kind == "CONSTR_DEFAULT" and column is not None:
            column.default = None
            extra.deferred[(id(column), "default")] = (column, "default", c["raw_expr"])
        elif kind == "CONSTR_GENERATED" and column is not None:
            column.generated_stored = c.get("generated_kind", "s") == "s"
            extra.deferred[(id(column), "generated")] = (column, "generated", c["raw_expr"])
        elif kind == "CONSTR_IDENTITY" and column is not None:
            self.set_identity(stmt, table, column, c)
        elif kind == "CONSTR_CHECK":
            check = Check(name, "", no_inherit=bool(c.get("is_no_inherit")), valid=is_valid(stmt, c), span=span)
            extra.deferred[(id(check), "expression")] = (check, "expression", c["raw_expr"])
            table.checks.append(check)
        elif kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            self.add_key(stmt, table, c, keys, span)
        elif kind == "CONSTR_FOREIGN":
            self.add_foreign_key(stmt, table, c, column, span)
        elif kind == "CONSTR_EXCLUSION":
            self.not_managed("exclusion constraint", f"{name or '(unnamed)'} on {table.schema}.{table.name}", span)

    def add_key(self, stmt: Stmt, table: Table, c: Json, keys: list[str], span: Span) -> None:
        name = c.get("conname")
        primary = c["contype"] == "CONSTR_PRIMARY"
        if c.get("indexname"):
            keys = self.take_index(stmt, table, c["indexname"], span)
            if keys is None:
                return
            name = name or c["indexname"]
        missing = [k for k in keys if self.col(table, k) is None]
        if missing:
            self.error("unknown-column", f'column "{missing[0]}" named in key does not exist', span)
            return
        if name and not self.register(table.schema, name, "constraint-index", None, table, span):
            return
        storage = storage_options(c.get("options", []), table=False)
        if c.get("indexspace"):
            self.not_managed("USING INDEX TABLESPACE of constraint", name or "(unnamed)", span)
        if primary:
            if table.primary_key is not None:
                self.error("duplicate-constraint",
                           f'multiple primary keys for table "{table.name}" are not allowed', span)
                return
            table.primary_key = PrimaryKey(name, keys, storage=storage, span=span)
            for key in keys:
                self.col(table, key).nullable = False  # type: ignore[union-attr]
            self.extra[id(table)].last_constraint = table.primary_key
            return
        unique = Unique(name, keys, nulls_not_distinct=bool(c.get("nulls_not_distinct")),
                        deferrable=bool(c.get("deferrable")),
                        initially_deferred=bool(c.get("initdeferred")), storage=storage, span=span)
        table.uniques.append(unique)
        self.extra[id(table)].last_constraint = unique
        if c.get("including"):
            self.not_managed("INCLUDE columns of unique constraint", name or "(unnamed)", span)

    def merge_duplicate_keys(self, table: Table) -> None:
        """A unique constraint CREATE TABLE merges into its primary key or an earlier one
        (keys.merged_into) is no constraint of its own; its name, if the earlier one has
        none, goes to the earlier one."""
        kept: list[PrimaryKey | Unique] = [table.primary_key] if table.primary_key is not None else []
        uniques = []
        for unique in table.uniques:
            same = merged_into(unique, kept)
            if same is None:
                kept.append(unique)
                uniques.append(unique)
                continue
            if same.name is None:
                same.name = unique.name
            elif unique.name is not None:
                self.relations.pop((table.schema, unique.name), None)
        table.uniques = uniques

    def take_index(self, stmt: Stmt, table: Table, index_name: str, span: Span) -> list[str] | None:
        """ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's."""
        entry = self.relations.get((table.schema, index_name))
        index = entry[1] if entry and entry[0] == "index" else None
        if index is None or index not in table.indexes:
            self.error("unknown-index", f'index "{index_name}" does not exist', span)
            return None
        raw = self.extra[id(table)].deferred.get((id(index), "columns"))
        elements = raw[2] if raw else []
        names = [e["IndexElem"].get("name") for e in elements]
        if not index.unique or None in names or index.where or index.include:
            self.error("invalid-index", f'index "{index_name}" cannot implement a constraint '
                       "(it must be a plain unique index on columns)", span)
            return None
        table.indexes.remove(index)
        del self.relations[(table.schema, index_name)]
        return names  # type: ignore[return-value]

    def add_foreign_key(self, stmt: Stmt, table: Table, c: Json, column: Column | None,
                        span: Span) -> None:
        rv = c["pktable"]
        columns = [column.name] if column is not None else names_of(c.get("fk_attrs", []))
        missing = [k for k in columns if self.col(table, k) is None]
        if missing:
            self.error("unknown-column", f'column "{missing[0]}" referenced in foreign key '
                       "constraint does not exist", span)
            return
        target = self.find_table(rv)
        ref_schema = target.schema if target else (rv.get("schemaname") or self.creation_schema())
        if target is None and not rv.get("schemaname"):
            for s in self.lookup_schemas():
                if self.has_unmanaged((s, rv["relname"])):
                    ref_schema = s
                    break
        fk = ForeignKey(
            c.get("conname"), columns, ref_schema, rv["relname"], names_of(c.get("pk_attrs", [])),
            on_delete=_FK_ACTIONS.get(c.get("fk_del_action", "a"), "NO ACTION"),
            on_update=_FK_ACTIONS.get(c.get("fk_upd_action", "a"), "NO ACTION"),
            match=_FK_MATCH.get(c.get("fk_matchtype", "s"), "SIMPLE"),
            deferrable=bool(c.get("deferrable")), initially_deferred=bool(c.get("initdeferred")),
            valid=is_valid(stmt, c), span=span,
        )
        self.fk_ref_spans[id(fk)] = self.name_span(stmt, rv)
        table.foreign_keys.append(fk)
        self.extra[id(table)].last_constraint = fk

    def set_identity(self, stmt: Stmt, table: Table, column: Column, c: Json) -> None:
        """The identity and its sequence, a relation named as PostgreSQL names it now (see
        Finish.name_identity_sequences for what a later rename leaves)."""
        identity = Identity(always=c.get("generated_when") == "a")
        given = self.identity_options(identity, c.get("options", ()))
        name = given or self.choose_name(table.schema, table.name, column.name, "seq")
        if not self.register(table.schema, name, "identity-sequence", column, table, self.stmt_span(stmt)):
            return
        column.identity = identity
        column.nullable = False

    def identity_options(self, identity: Identity, options: Any) -> str | None:
        """Sets the options; the SEQUENCE NAME given, if any."""
        given = None
        for opt in options:
            d = opt["DefElem"]
            name, arg = d["defname"], d.get("arg")
            if name == "generated":
                identity.always = int_arg(arg) == ord("a")
            elif name == "cycle":
                identity.cycle = bool(arg["Boolean"].get("boolval")) if arg else True
            elif name in ("start", "increment", "minvalue", "maxvalue", "cache"):
                attr = {"minvalue": "min_value", "maxvalue": "max_value"}.get(name, name)
                setattr(identity, attr, int_arg(arg))
            elif name == "sequence_name":
                given = names_of(arg["List"]["items"])[-1]
        return given

    def drop_constraint(self, table: Table, cmd: Json, span: Span) -> None:
        name = cmd["name"]
        key = next((k for k in [table.primary_key, *table.uniques] if k is not None and k.name == name), None)
        if key is not None:
            if not self.drop_key_dependents(table, key.columns, cmd, span):
                return
            if key is table.primary_key:
                table.primary_key = None
            else:
                table.uniques.remove(key)  # type: ignore[arg-type]
            self.relations.pop((table.schema, name), None)
        elif any(f.name == name for f in table.foreign_keys):
            table.foreign_keys = [f for f in table.foreign_keys if f.name != name]
        elif any(c.name == name for c in table.checks):
            table.checks = [c for c in table.checks if c.name != name]
        elif not cmd.get("missing_ok"):
            self.error("unknown-constraint", f'constraint "{name}" of relation '
                       f'"{table.name}" does not exist', span)

    def alter_constraint(self, table: Table, change: Json, span: Span) -> None:
        """ALTER CONSTRAINT ... [NOT] DEFERRABLE [INITIALLY ...]: foreign keys only, as in
        PostgreSQL 15."""
        fk = next((f for f in table.foreign_keys if f.name == change["conname"]), None)
        if fk is None:
            self.error("unknown-constraint", f'foreign key constraint "{change["conname"]}" of '
                       f'relation "{table.name}" does not exist', span)
            return
        if change.get("alterDeferrability"):
            fk.deferrable = bool(change.get("deferrable"))
            fk.initially_deferred = bool(change.get("initdeferred"))

    def validate_constraint(self, table: Table, name: str, span: Span) -> None:
        """ALTER TABLE ... VALIDATE CONSTRAINT: what NOT VALID left unchecked is checked."""
        found = next((o for o in [*table.foreign_keys, *table.checks] if o.name == name), None)
        if found is None:
            self.error("unknown-constraint", f'constraint "{name}" of relation "{table.name}" does not exist', span)
            return
        found.valid = True

    def drop_key_dependents(self, table: Table, columns: list[str], cmd: Json, span: Span) -> bool:
        """Foreign keys of other tables that rely on this key go with it under CASCADE;
        without, PostgreSQL refuses the drop."""
        dependents = [(other, fk) for other in self.schema.tables for fk in other.foreign_keys
                      if (fk.ref_schema, fk.ref_table) == table.key
                      and (fk.ref_columns == columns or (not fk.ref_columns and table.primary_key is not None
                                                         and table.primary_key.columns == columns))]
        if dependents and cmd.get("behavior") != "DROP_CASCADE":
            other, _ = dependents[0]
            self.error("dependent-objects", f'cannot drop constraint "{cmd["name"]}": a foreign key '
                       f"of {other.name} depends on it (use CASCADE)", span)
            return False
        for other, fk in dependents:
            other.foreign_keys.remove(fk)
        return True


def is_valid(stmt: Stmt, c: Json) -> bool:
    """NOT VALID counts in ALTER TABLE ... ADD CONSTRAINT only: PostgreSQL marks the
    constraints of CREATE TABLE valid whatever they say (there are no rows to skip)."""
    return not (c.get("skip_validation") and stmt.kind == "AlterTableStmt")


def has_unique_key(table: Table, columns: list[str]) -> bool:
    wanted = set(columns)
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and i.where is None]
    return any(set(k) == wanted and len(k) == len(columns) for k in keys)


def constraint_names(table: Table) -> set[str]:
    objs = [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks]
    return {o.name for o in objs if o is not None and o.name}
