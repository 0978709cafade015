"""Statements about schemas, extensions, the search_path, enums and sequences.
"""

from __future__ import annotations

from typing import Any

from schemalens.dialects.postgresql.files.deparse import plain_type_text
from schemalens.dialects.postgresql.files.nodes import Json, int_arg, names_of
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.dialects.postgresql.types import canonical_type
from schemalens.model import Enum, Extension, Namespace, Sequence


class Objects(State):
    """Schemas, extensions, search_path, enums, sequences."""

    def _VariableSetStmt(self, stmt: Stmt, body: Json) -> None:
        if body.get("name") != "search_path":
            self.skipped(stmt, "session setting")
            return
        if body.get("kind") in ("VAR_SET_DEFAULT", "VAR_RESET"):
            self.search_path = [self.default_schema]
            return
        values = []
        for arg in body.get("args", ()):
            const = arg.get("A_Const", {})
            value = const.get("sval", {}).get("sval")
            if value is None:
                value = arg.get("ColumnRef", {}).get("fields", [{}])[0].get("String", {}).get("sval")
            if value is not None:
                values.append(value)
        self.set_search_path(values)

    def set_search_path(self, values: list[str]) -> None:
        self.search_path = [v for v in values if v and v not in ("$user", "pg_catalog", "pg_temp")]

    def _SelectStmt(self, stmt: Stmt, body: Json) -> None:
        targets = body.get("targetList", ())
        call = targets[0]["ResTarget"].get("val", {}).get("FuncCall") if len(targets) == 1 else None
        if call and names_of(call["funcname"])[-1] == "set_config":
            args = [a.get("A_Const", {}).get("sval", {}).get("sval") for a in call.get("args", ())]
            if len(args) >= 2 and args[0] == "search_path" and args[1] is not None:
                self.set_search_path([_unquote(p.strip()) for p in args[1].split(",") if p.strip()])
                return
        self.skipped(stmt, "SELECT")

    def _CreateSchemaStmt(self, stmt: Stmt, body: Json) -> None:
        name = body.get("schemaname") or body.get("authrole", {}).get("rolename", "")
        if name != "public":
            if any(n.name == name for n in self.schema.namespaces):
                if not body.get("if_not_exists"):
                    self.error("duplicate-name", f"schema {name} already exists", self.stmt_span(stmt))
            else:
                self.schema.namespaces.append(Namespace(name, span=self.stmt_span(stmt)))
        saved = self.search_path
        self.search_path = [name]
        for element in body.get("schemaElts", ()):
            (kind, sub), = element.items()
            self.dispatch(Stmt(kind, sub, stmt.base, stmt.start, stmt.end))
        self.search_path = saved

    def _CreateExtensionStmt(self, stmt: Stmt, body: Json) -> None:
        name = body["extname"]
        if any(e.name == name for e in self.schema.extensions):
            if not body.get("if_not_exists"):
                self.error("duplicate-name", f"extension {name} already exists", self.stmt_span(stmt))
            return
        options = {o["DefElem"]["defname"]: o["DefElem"].get("arg", {}).get("String", {}).get("sval")
                   for o in body.get("options", ())}
        self.schema.extensions.append(Extension(name, options.get("schema"), span=self.stmt_span(stmt),
                                                version=options.get("new_version")))

    def _CreateEnumStmt(self, stmt: Stmt, body: Json) -> None:
        names = names_of(body["typeName"])
        schema, name = (names[0], names[1]) if len(names) > 1 else (self.creation_schema(), names[0])
        span = self.stmt_span(stmt)
        if self.schema.enum(schema, name) is not None or (schema, name) in self.tables:
            self.error("duplicate-name", f"type {schema}.{name} already exists", span)
            return
        values: list[str] = []
        for v in names_of(body.get("vals", [])):
            if v in values:
                self.error("duplicate-name", f'enum label "{v}" used more than once', span)
            else:
                values.append(v)
        self.schema.enums.append(Enum(schema, name, values, span=span))

    def _AlterEnumStmt(self, stmt: Stmt, body: Json) -> None:
        enum = self.find_enum(names_of(body["typeName"]))
        span = self.stmt_span(stmt)
        if enum is None:
            self.error("unknown-type", f"type {'.'.join(names_of(body['typeName']))} does not exist", span)
            return
        new = body["newVal"]
        if "oldVal" in body:
            old = body["oldVal"]
            if old not in enum.values:
                self.error("unknown-value", f'"{old}" is not an existing enum label', span)
            elif new in enum.values:
                self.error("duplicate-name", f'enum label "{new}" already exists', span)
            else:
                enum.values[enum.values.index(old)] = new
            return
        if new in enum.values:
            if not body.get("skipIfNewValExists"):
                self.error("duplicate-name", f'enum label "{new}" already exists', span)
            return
        neighbor = body.get("newValNeighbor")
        if neighbor is None:
            enum.values.append(new)
        elif neighbor not in enum.values:
            self.error("unknown-value", f'"{neighbor}" is not an existing enum label', span)
        else:
            at = enum.values.index(neighbor) + (1 if body.get("newValIsAfter") else 0)
            enum.values.insert(at, new)

    def _CreateSeqStmt(self, stmt: Stmt, body: Json) -> None:
        rv = body["sequence"]
        schema, name = self.qualify(rv.get("schemaname"), rv["relname"])
        span = self.name_span(stmt, rv)
        if (schema, name) in self.relations and body.get("if_not_exists"):
            return
        seq = Sequence(schema, name, span=span)
        if not self.register(schema, name, "sequence", seq, None, span):
            return
        self.sequence_options(stmt, seq, body.get("options", ()))
        self.schema.sequences.append(seq)

    def _AlterSeqStmt(self, stmt: Stmt, body: Json) -> None:
        rv = body["sequence"]
        found = self.find_relation([n for n in (rv.get("schemaname"), rv["relname"]) if n])
        if found is not None and found[1][0] == "identity-sequence":  # the identity's options
            self.identity_options(found[1][1].identity, body.get("options", ()))
            return
        seq = self.listed_sequence(found[0]) if found is not None else None
        if seq is None:
            if not body.get("missing_ok"):
                self.error("unknown-sequence", f"sequence {self.rel_name(rv)} does not exist",
                           self.name_span(stmt, rv))
            return
        self.sequence_options(stmt, seq, body.get("options", ()))

    def sequence_options(self, stmt: Stmt, seq: Sequence, options: Any) -> None:
        for opt in options:
            d = opt["DefElem"]
            name, arg = d["defname"], d.get("arg")
            if name == "as":
                seq.data_type = canonical_type(plain_type_text(arg["TypeName"]))
            elif name == "owned_by":
                names = names_of(arg["List"]["items"]) if "List" in arg else names_of(arg)
                seq.owned_by = self.owned_by(stmt, names)
            elif name == "cycle":
                seq.cycle = bool(arg["Boolean"].get("boolval")) if arg else True
            elif name in ("start", "increment", "minvalue", "maxvalue", "cache"):
                attr = {"minvalue": "min_value", "maxvalue": "max_value"}.get(name, name)
                setattr(seq, attr, int_arg(arg))

    def owned_by(self, stmt: Stmt, names: list[str]) -> tuple[str, str, str] | None:
        if names == ["none"] or len(names) < 2:
            return None
        rv = {"relname": names[-2], "schemaname": names[-3] if len(names) > 2 else None}
        table = self.find_table(rv)
        if table is None or self.col(table, names[-1]) is None:
            if not self.is_unmanaged_rel(rv):
                self.error("unknown-column", f"column {'.'.join(names)} of OWNED BY does not exist",
                           self.stmt_span(stmt))
            return None
        return (table.schema, table.name, names[-1])


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name.lower()
