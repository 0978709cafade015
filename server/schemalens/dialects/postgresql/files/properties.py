"""Table and index properties that are not columns or constraints: storage parameters
(WITH (...), SET (...), RESET (...)), UNLOGGED / SET LOGGED, REPLICA IDENTITY and the row
level security flags, as ALTER TABLE and ALTER INDEX set them; and a column's statistics
settings (ALTER COLUMN ... SET STATISTICS, SET / RESET (n_distinct...)).

Storage parameters are kept as PostgreSQL keeps them in `reloptions`: `name=value` text,
the value as the parser hands it over (so push writes back what the file wrote).
"""

from __future__ import annotations

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.files.state import State
from schemalens.dialects.postgresql.files.statements import Stmt
from schemalens.model import Column, Index, PrimaryKey, Span, Table, Unique

_REPLICA_IDENTITY = {"d": "default", "f": "full", "n": "nothing", "i": "index"}
_ROW_SECURITY = {"AT_EnableRowSecurity": ("row_security", True),
                 "AT_DisableRowSecurity": ("row_security", False),
                 "AT_ForceRowSecurity": ("force_row_security", True),
                 "AT_NoForceRowSecurity": ("force_row_security", False)}
TABLE_PROPERTY_CMDS = frozenset({"AT_SetRelOptions", "AT_ResetRelOptions", "AT_SetLogged", "AT_SetUnLogged",
                                 "AT_ReplicaIdentity", *_ROW_SECURITY})
COLUMN_STATISTICS_CMDS = frozenset({"AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions"})


def option_name(elem: Json) -> str:
    namespace = elem.get("defnamespace")
    return f"{namespace}.{elem['defname']}" if namespace else elem["defname"]


def option_value(arg: Json | None) -> str:
    """The value text PostgreSQL stores for a WITH option (defGetString); a bare name is true."""
    if arg is None:
        return "true"
    (kind, node), = arg.items()
    if kind == "Integer":
        return str(node.get("ival", 0))
    if kind == "Float":
        return node["fval"]
    if kind == "Boolean":
        return "true" if node.get("boolval") else "false"
    if kind == "TypeName":
        return ".".join(names_of(node["names"]))
    return node.get("sval", "")


def storage_options(options: list[Json], table: bool) -> dict[str, str]:
    """WITH (...) as reloptions. `oids` is accepted by CREATE TABLE and ignored (only
    `oids=false` is allowed since PostgreSQL 12)."""
    found = {}
    for option in options:
        elem = option["DefElem"]
        if table and option_name(elem) == "oids":
            continue
        found[option_name(elem)] = option_value(elem.get("arg"))
    return found


def changed_options(options: dict[str, str], cmd: Json, setting: bool) -> dict[str, str]:
    """`options` after SET (...) (`setting`) or RESET (...): a set option moves to the end,
    as PostgreSQL rewrites the list."""
    items = [i["DefElem"] for i in cmd.get("def", {}).get("List", {}).get("items", [])]
    changed = dict(options)
    for elem in items:
        changed.pop(option_name(elem), None)
    if setting:
        changed.update((option_name(e), option_value(e.get("arg"))) for e in items)
    return changed


def set_storage(target: Table | Index | PrimaryKey | Unique, cmd: Json) -> None:
    """ALTER ... SET (...) / RESET (...) of storage parameters."""
    target.storage = changed_options(target.storage, cmd, cmd["subtype"] == "AT_SetRelOptions")


def set_column_statistics(column: Column, cmd: Json) -> None:
    """ALTER COLUMN ... SET STATISTICS n (-1 or DEFAULT: the default target) or SET / RESET
    (n_distinct...)."""
    sub = cmd["subtype"]
    if sub == "AT_SetStatistics":
        target = cmd.get("def", {}).get("Integer", {}).get("ival", 0) if cmd.get("def") else -1
        column.statistics = None if target == -1 else target
    else:
        column.statistics_options = changed_options(column.statistics_options, cmd, sub == "AT_SetOptions")


def set_index_statistics(index: Index, cmd: Json) -> None:
    target = cmd["def"]["Integer"].get("ival", 0) if cmd.get("def") else -1
    index.statistics.pop(cmd["num"], None)
    if target != -1:
        index.statistics[cmd["num"]] = target
        index.statistics = dict(sorted(index.statistics.items()))


INDEX_CMDS = frozenset({"AT_SetRelOptions", "AT_ResetRelOptions", "AT_SetStatistics"})


class Properties(State):
    """ALTER TABLE commands on table properties, and ALTER INDEX ... SET / RESET."""

    def table_property(self, table: Table, cmd: Json, span: Span) -> None:
        sub = cmd["subtype"]
        if sub in ("AT_SetRelOptions", "AT_ResetRelOptions"):
            set_storage(table, cmd)
        elif sub in ("AT_SetLogged", "AT_SetUnLogged"):
            table.unlogged = sub == "AT_SetUnLogged"
        elif sub in _ROW_SECURITY:
            attr, on = _ROW_SECURITY[sub]
            setattr(table, attr, on)
        else:
            node = cmd["def"]["ReplicaIdentityStmt"]
            # (USING INDEX may name a key's index the database named: it is not looked up)
            table.replica_identity = _REPLICA_IDENTITY[node["identity_type"]]
            table.replica_index = node.get("name") if table.replica_identity == "index" else None

    def alter_index(self, stmt: Stmt, body: Json) -> bool:
        """ALTER INDEX ... SET / RESET (...) on an index or a key's index, ALTER COLUMN n SET
        STATISTICS on an index; False when the statement is something else (left to be
        reported)."""
        cmds = [c["AlterTableCmd"] for c in body.get("cmds", ())]
        if not cmds or any(c["subtype"] not in INDEX_CMDS for c in cmds):
            return False
        rv = body["relation"]
        found = self.find_relation([n for n in (rv.get("schemaname"), rv["relname"]) if n])
        target = self.index_object(found[0][1], found[1]) if found else None
        if target is None:  # (a key's index the database named is not known by name here)
            self.not_managed("change to index", self.rel_name(rv), self.stmt_span(stmt),
                             "the files define no index of that name")
            return True
        for cmd in cmds:
            if cmd["subtype"] == "AT_SetStatistics":
                refused = self.statistics_refused(target, found[1][2], cmd["num"])  # type: ignore[index]
                if refused:
                    self.error("invalid-statistics", f'{refused} of index "{self.rel_name(rv)}"', self.stmt_span(stmt))
                    return True
        for cmd in cmds:
            if cmd["subtype"] == "AT_SetStatistics":
                set_index_statistics(target, cmd)  # type: ignore[arg-type]
            else:
                set_storage(target, cmd)
        return True

    def statistics_refused(self, target: Index | PrimaryKey | Unique, table: Table | None, num: int) -> str | None:
        """Why PostgreSQL refuses a statistics target on this index column: only expression
        columns take one."""
        if not isinstance(target, Index) or table is None:
            return "cannot alter statistics on a non-expression column"
        raw = self.extra[id(table)].deferred.get((id(target), "columns"))
        if raw is None:  # (a table reused from an earlier parse: its elements were checked then)
            return None
        elements = raw[2]
        if not 1 <= num <= len(elements) + len(target.include):
            return f"column number {num} does not exist"
        if num > len(elements) or elements[num - 1]["IndexElem"].get("name"):
            return f"cannot alter statistics on non-expression column {num}"
        return None

    @staticmethod
    def index_object(name: str, entry: tuple[str, object, Table | None]) -> Index | PrimaryKey | Unique | None:
        """The model object behind a relation entry that is an index (a key's index is its key)."""
        kind, obj, table = entry
        if kind == "index":
            return obj  # type: ignore[return-value]
        if kind != "constraint-index" or table is None:
            return None
        return next((k for k in [table.primary_key, *table.uniques] if k is not None and k.name == name), None)
