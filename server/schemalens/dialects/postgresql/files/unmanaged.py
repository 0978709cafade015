"""What the reader does not model, named for the user: statements skipped as not part of a
schema (data, session settings), why a table is left out whole (INHERITS, PARTITION OF,
...), and the kind and name of any other statement reported as unmanaged.
"""

from __future__ import annotations

import re
from typing import Any

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.names import quote_ident


SKIPPED = {
    "TransactionStmt": "transaction control", "InsertStmt": "data (INSERT)",
    "UpdateStmt": "data (UPDATE)", "DeleteStmt": "data (DELETE)", "CopyStmt": "data (COPY)",
    "VariableSetStmt": "session setting", "VariableShowStmt": "SHOW", "SelectStmt": "SELECT",
    "CheckPointStmt": "CHECKPOINT", "VacuumStmt": "VACUUM/ANALYZE", "LockStmt": "LOCK",
    "NotifyStmt": "NOTIFY", "ListenStmt": "LISTEN", "DiscardStmt": "DISCARD",
    "ExplainStmt": "EXPLAIN", "TruncateStmt": "data (TRUNCATE)", "ReindexStmt": "REINDEX",
    "ClusterStmt": "CLUSTER", "ConstraintsSetStmt": "SET CONSTRAINTS",
}


_STRATEGIES = {"PARTITION_STRATEGY_RANGE": "RANGE", "PARTITION_STRATEGY_LIST": "LIST",
               "PARTITION_STRATEGY_HASH": "HASH"}


def partition_key(spec: Json) -> str | None:
    """PARTITION BY as pg_get_partkeydef prints it, when its keys are plain columns (the
    only form read today: an expression key would need PostgreSQL's own deparse rules)."""
    keys = []
    for param in spec.get("partParams", ()):
        elem = param["PartitionElem"]
        if "name" not in elem or elem.get("collation") or elem.get("opclass"):
            return None
        keys.append(quote_ident(elem["name"]))
    strategy = _STRATEGIES.get(spec.get("strategy", ""))
    return f"{strategy} ({', '.join(keys)})" if strategy and keys else None


def unmanaged_table_reason(body: Json) -> str:
    if body.get("inhRelations"):
        return "INHERITS"
    if body.get("partspec") and partition_key(body["partspec"]) is None:
        return "PARTITION BY an expression"
    if body.get("partbound"):
        return "PARTITION OF"
    if body.get("ofTypename"):
        return "OF type"
    if body["relation"].get("relpersistence", "p") == "t":
        return "TEMPORARY"
    if any("TableLikeClause" in e for e in body.get("tableElts", ())):
        return "LIKE"
    return ""


_KIND_NAMES = {
    "ViewStmt": "view", "CreateFunctionStmt": "function", "CreateTrigStmt": "trigger",
    "CreatePolicyStmt": "policy", "GrantStmt": "privilege", "GrantRoleStmt": "role membership",
    "CreateDomainStmt": "domain", "CompositeTypeStmt": "type", "CreateRangeStmt": "type",
    "RuleStmt": "rule", "CreateRoleStmt": "role", "DoStmt": "DO block",
    "AlterDefaultPrivilegesStmt": "default privileges", "CreateEventTrigStmt": "event trigger",
    "CreateForeignTableStmt": "foreign table", "CreateStatsStmt": "statistics",
    "AlterTableStmt": "ALTER", "CommentStmt": "comment", "CreateCastStmt": "cast",
    "AlterObjectSchemaStmt": "ALTER ... SET SCHEMA", "CreatePublicationStmt": "publication",
}


def describe(kind: str, body: Json) -> tuple[str, str]:
    """(kind, name) of an unmanaged statement, for the user: best effort."""
    label = _KIND_NAMES.get(kind) or re.sub(r"(?<!^)(?=[A-Z])", " ", kind.removesuffix("Stmt")).lower()
    if kind == "CreateTableAsStmt":
        label = "materialized view" if body.get("objtype") == "OBJECT_MATVIEW" else "table (AS SELECT)"
    if kind == "CreateFunctionStmt" and body.get("is_procedure"):
        label = "procedure"
    if kind == "DefineStmt":
        label = body.get("kind", "OBJECT_").removeprefix("OBJECT_").lower()
    if kind == "CommentStmt":
        target = body.get("objtype", "OBJECT_").removeprefix("OBJECT_").lower()
        label = "comment on " + {"tabconstraint": "constraint"}.get(target, target)
        return label, _object_name(body.get("object"))
    rv = body.get("view") or body.get("relation") or (body.get("into") or {}).get("rel")
    if isinstance(rv, dict) and "relname" in rv:
        name = ".".join(n for n in (rv.get("schemaname"), rv["relname"]) if n)
    else:
        name = next((body[k] for k in ("trigname", "policy_name", "conditionname", "role",
                                        "stat_name", "servername") if isinstance(body.get(k), str)), "")
        if not name and body.get("funcname"):
            name = ".".join(names_of(body["funcname"]))
        if not name and isinstance(body.get("domainname"), list):
            name = ".".join(names_of(body["domainname"]))
        if not name and isinstance(body.get("defnames"), list):
            name = ".".join(names_of(body["defnames"]))
        if not name and isinstance(body.get("typevar"), dict):
            name = body["typevar"].get("relname", "")
        if not name and isinstance(body.get("typeName"), list):
            name = ".".join(names_of(body["typeName"]))
        if not name and isinstance(body.get("objects"), list):
            parts = [o["RangeVar"]["relname"] if "RangeVar" in o else _object_name(o)
                     for o in body["objects"]]
            name = ("on " if kind == "GrantStmt" else "") + ", ".join(parts)
    if kind in ("CreateTrigStmt", "CreatePolicyStmt") and isinstance(body.get("relation"), dict):
        table = body["relation"]
        name = f"{name} on {'.'.join(n for n in (table.get('schemaname'), table['relname']) if n)}"
    return label, name or "(statement)"


def defined_type(kind: str, body: Json) -> list[str]:
    """The name of the type an unmanaged statement creates, if it creates one."""
    if kind == "CreateDomainStmt":
        return names_of(body.get("domainname", []))
    if kind == "CompositeTypeStmt":
        rv = body.get("typevar", {})
        return [n for n in (rv.get("schemaname"), rv.get("relname")) if n]
    if kind == "CreateRangeStmt":
        return names_of(body.get("typeName", []))
    if kind == "DefineStmt" and body.get("kind") == "OBJECT_TYPE":
        return names_of(body.get("defnames", []))
    return []


def _object_name(node: Any) -> str:
    """The dotted name of a COMMENT/ALTER target in whichever shape the grammar gave it."""
    if not isinstance(node, dict):
        return "(statement)"
    if "List" in node:
        return ".".join(names_of(node["List"].get("items", []))) or "(statement)"
    if "String" in node:
        return node["String"]["sval"]
    if "TypeName" in node:
        return ".".join(names_of(node["TypeName"]["names"]))
    if "ObjectWithArgs" in node:
        return ".".join(names_of(node["ObjectWithArgs"].get("objname", [])))
    return "(statement)"
