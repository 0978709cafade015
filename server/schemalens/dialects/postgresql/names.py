"""PostgreSQL's names: how an identifier is written (quote_ident), and the names it chooses
for what a statement leaves unnamed (serial sequences, constraints, indexes). The file
reader, diff and render all write and choose names here, so that a pushed database matches
one built from the file directly. SQLite borrows the names for what is unnamed
(default_constraint_name), so this module loads pglast's keyword lists only when it quotes."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from schemalens.model import Check, ForeignKey, Index, PrimaryKey, Schema, Table, Unique


@functools.cache
def _quoted_keywords() -> frozenset[str]:
    """PostgreSQL quotes every keyword that is not unreserved (its own quote_identifier
    rule); unreserved keywords (name, type, key, ...) are valid identifiers everywhere."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    return frozenset(RESERVED_KEYWORDS) | frozenset(COL_NAME_KEYWORDS) | frozenset(TYPE_FUNC_NAME_KEYWORDS)


# \Z, not $: a `$` pattern also matches before a final newline, and "note\n" must be quoted.
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """The identifier as PostgreSQL's quote_identifier writes it: bare only when it is a
    plain lower-case name and no keyword, so that case, spaces, quotes and keywords survive."""
    if _PLAIN.match(name) and name not in _quoted_keywords():
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str | None) -> str:
    """A string constant as SQL (NULL for None)."""
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def split_qualified(text: str) -> list[str]:
    """A qualified name as PostgreSQL reads it from text (a regclass literal such as
    'public."T_seq"'): split at dots outside quotes, unquoted parts folded to lower case."""
    parts: list[str] = []
    for match in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', text):
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain.strip().lower())
    return parts or [text]


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: `name1_name2_label`, the longer part shortened until the
    whole fits in 63 bytes (cut at a character boundary)."""
    overhead = len(label) + 1 if label else 0
    if name2:
        overhead += 1
    avail = 63 - overhead
    b1, b2 = name1.encode(), (name2 or "").encode()
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = b1[:n1].decode("utf-8", "ignore")
    if name2:
        out += "_" + b2[:n2].decode("utf-8", "ignore")
    if label:
        out += "_" + label
    return out


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """PostgreSQL's ChooseRelationName / ChooseConstraintName: makeObjectName, with a
    number after the label on a collision."""
    attempt = 0
    while True:
        candidate = make_object_name(name1, name2, label if attempt == 0 else f"{label}{attempt}")
        if not taken(candidate):
            return candidate
        attempt += 1


def own_sequence_name(table: str, column: str) -> str:
    """The name `serial` or an identity gives the column's own sequence when nothing holds it."""
    return make_object_name(table, column, "seq")


def identity_sequence_name(name: str, table: str, column: str) -> str | None:
    """Identity.sequence_name of an identity whose sequence is called `name`: None where that
    is the name PostgreSQL picks anyway (the model names only the exceptions)."""
    return None if name == own_sequence_name(table, column) else name


def default_constraint_name(table: Table, obj: Any, taken: set[str]) -> str:
    """The name PostgreSQL would choose for a constraint or index the file did not name,
    among `taken` (added to it): for change ids, and where only one table is at hand
    (a migration's snapshot, a quick fix). A whole file's names are `generated_names`."""
    name2, label = _name_parts(table, obj)
    name = choose_name(table.name, name2, label, taken.__contains__)
    taken.add(name)
    return name


def first_choice(table: Table, obj: Any) -> str:
    """The name PostgreSQL gives an unnamed constraint or index when nothing holds it."""
    name2, label = _name_parts(table, obj)
    return make_object_name(table.name, name2, label)


def generated_names(schema: Schema) -> dict[int, str]:
    """By object id, the name PostgreSQL gives each constraint and index the file leaves
    unnamed when psql runs the file: a database pushed from the file must hold the same
    names, or it dumps differently (after a column rename, `users_username_key` where the
    file's database has `users_user_name_key`).

    PostgreSQL picks `table_columns_label` and numbers the label on a collision
    (ChooseConstraintName for checks and foreign keys, among the schema's constraint names;
    ChooseIndexName for keys and indexes, among its relation names, keys also among its
    constraint names). Tables come in file order; within a table CREATE TABLE names its
    checks, then builds its primary key and unique indexes, then adds its foreign keys, and
    CREATE INDEX follows. Every name the file gives is taken from the start: a name given
    later in the file would make psql fail on the later statement, except a constraint name
    of another table given after this one (constraint names repeat across tables), the one
    order this does not follow."""
    # Kept on the schema, outside its fields (as Schema.table keeps its index), while its
    # table list is the same: render asks once per group of tables of one schema (pull
    # writes a file group by group), and naming the whole schema each time was quadratic.
    # A copy (deepcopy, pickle) holds other objects: its first one is not among the ids.
    kept = schema.__dict__.get("_generated_names")
    if (kept is not None and kept[0] is schema.tables and kept[1] == len(schema.tables)
            and (kept[2] is None or id(kept[2]) in kept[3])):
        return kept[3]
    names, first = _names(schema)
    schema.__dict__["_generated_names"] = (schema.tables, len(schema.tables), first, names)
    return names


def names_now(schema: Schema) -> dict[int, str]:
    """`generated_names` of a schema whose objects are being named or renamed (the file
    reader's), never kept: what it returns is only true until the next change."""
    schema.__dict__.pop("_generated_names", None)
    return _names(schema)[0]


def _names(schema: Schema) -> tuple[dict[int, str], Any]:
    """The names, and the first object named (None when nothing is)."""
    constraints: dict[str, set[str]] = {}
    relations: dict[str, set[str]] = {}
    for table in schema.tables:
        relations.setdefault(table.schema, set()).add(table.name)
        for obj in named_objects(table):
            if obj.name is not None:
                for home in _homes(obj, constraints.setdefault(table.schema, set()), relations[table.schema]):
                    home.add(obj.name)
    for seq in schema.sequences:
        relations.setdefault(seq.schema, set()).add(seq.name)
    names: dict[int, str] = {}
    first = None
    for table in schema.tables:
        homes_of = constraints.setdefault(table.schema, set()), relations[table.schema]
        for obj in named_objects(table):
            if obj.name is None:
                homes = _homes(obj, *homes_of)
                name2, label = _name_parts(table, obj)
                name = choose_name(table.name, name2, label, lambda n, homes=homes: any(n in h for h in homes))
                for home in homes:
                    home.add(name)
                names[id(obj)] = name
                first = obj if first is None else first
    return names, first


def named_objects(table: Table) -> list[Any]:
    """A table's constraints and indexes in the order PostgreSQL names them."""
    pk = [table.primary_key] if table.primary_key is not None else []
    return [*table.checks, *pk, *table.uniques, *table.foreign_keys, *table.indexes]


def _homes(obj: Any, constraints: set[str], relations: set[str]) -> tuple[set[str], ...]:
    """The name sets an object's name lives in: a key is a constraint and an index."""
    if isinstance(obj, Index):
        return (relations,)
    if isinstance(obj, (PrimaryKey, Unique)):
        return (constraints, relations)
    return (constraints,)


def _name_parts(table: Table, obj: Any) -> tuple[str | None, str]:
    """name2 and label of makeObjectName for an unnamed object."""
    if isinstance(obj, PrimaryKey):
        return None, "pkey"
    if isinstance(obj, Unique):
        return "_".join(obj.columns), "key"
    if isinstance(obj, ForeignKey):
        return "_".join(obj.columns), "fkey"
    if isinstance(obj, Check):
        used = _expression_columns(obj.expression)
        return (used[0] if len(used) == 1 else None), "check"
    return "_".join(_index_column_names(table, obj)), "idx"


def _parsed(sql: str) -> Any:
    """The parse tree of a statement, None when PostgreSQL's grammar refuses it (text
    from another dialect)."""
    import json

    from pglast.parser import ParseError, parse_sql_json

    try:
        return json.loads(parse_sql_json(sql))["stmts"][0]["stmt"]
    except (ParseError, KeyError, IndexError):
        return None


@functools.lru_cache(maxsize=4096)
def _expression_columns(expression: str) -> tuple[str, ...]:
    """The columns a check refers to, in order of first use (AddRelationNewConstraints
    names a check after its column when it refers to exactly one)."""
    tree = _parsed(f"SELECT ({expression})")
    found: list[str] = []
    for ref in _nodes(tree, "ColumnRef"):
        last = ref["fields"][-1].get("String")
        if last is not None and last["sval"] not in found:
            found.append(last["sval"])
    return tuple(found)


def _nodes(tree: Any, kind: str) -> list[Any]:
    if isinstance(tree, list):
        return [n for item in tree for n in _nodes(item, kind)]
    if not isinstance(tree, dict):
        return []
    return [tree[key] if key == kind else n for key, value in tree.items()
            for n in ([value] if key == kind else _nodes(value, kind))]


def _index_column_names(table: Table, index: Index) -> list[str]:
    """ChooseIndexColumnNames: each key and INCLUDE column's name (an expression's as
    FigureIndexColname makes it, else `expr`), numbered where one repeats."""
    out: list[str] = []
    for element in [*index.columns, *index.include]:
        base = element if table.column(element) is not None else _element_name(element)
        name, n = base, 0
        while name in out:
            n += 1
            name = base.encode()[:63 - len(str(n))].decode("utf-8", "ignore") + str(n)
        out.append(name)
    return out


@functools.lru_cache(maxsize=4096)
def _element_name(element: str) -> str:
    """The name of one index key element written as SQL (a column, quoted or not, or an
    expression, with its opclass, collation and order)."""
    tree = _parsed(f"CREATE INDEX ON t ({element})")
    e = tree["IndexStmt"]["indexParams"][0]["IndexElem"] if tree else {}
    return e.get("name") or (_figure_colname(e["expr"])[0] if e.get("expr") else None) or "expr"


_VALUE_FUNCTIONS = {"SVFOP_CURRENT_DATE": "current_date", "SVFOP_CURRENT_TIME": "current_time",
                    "SVFOP_CURRENT_TIME_N": "current_time", "SVFOP_CURRENT_TIMESTAMP": "current_timestamp",
                    "SVFOP_CURRENT_TIMESTAMP_N": "current_timestamp", "SVFOP_LOCALTIME": "localtime",
                    "SVFOP_LOCALTIME_N": "localtime", "SVFOP_LOCALTIMESTAMP": "localtimestamp",
                    "SVFOP_LOCALTIMESTAMP_N": "localtimestamp", "SVFOP_CURRENT_ROLE": "current_role",
                    "SVFOP_CURRENT_USER": "current_user", "SVFOP_USER": "user", "SVFOP_SESSION_USER": "session_user",
                    "SVFOP_CURRENT_CATALOG": "current_catalog", "SVFOP_CURRENT_SCHEMA": "current_schema"}


def _figure_colname(node: dict[str, Any]) -> tuple[str | None, int]:
    """PostgreSQL's FigureColnameInternal: the column name an expression suggests, and
    how strongly (2: a name, 1: a type name or keyword, 0: none)."""
    kind, body = next(iter(node.items()))
    if kind == "ColumnRef":
        last = body["fields"][-1].get("String")
        return (last["sval"], 2) if last else (None, 0)
    if kind == "A_Indirection":
        last = body["indirection"][-1].get("String")
        return (last["sval"], 2) if last else _figure_colname(body["arg"])
    if kind == "FuncCall":
        return body["funcname"][-1]["String"]["sval"], 2
    if kind == "A_Expr":
        return ("nullif", 2) if body.get("kind") == "AEXPR_NULLIF" else (None, 0)
    if kind == "TypeCast":
        name, strength = _figure_colname(body["arg"])
        if strength <= 1:
            return body["typeName"]["names"][-1]["String"]["sval"], 1
        return name, strength
    if kind == "CollateClause":
        return _figure_colname(body["arg"])
    if kind == "CaseExpr":
        name, strength = _figure_colname(body["defresult"]) if body.get("defresult") else (None, 0)
        return (name, strength) if strength > 1 else ("case", 1)
    simple = {"A_ArrayExpr": "array", "RowExpr": "row", "CoalesceExpr": "coalesce", "GroupingFunc": "grouping",
              "MinMaxExpr": "greatest" if body.get("op") == "IS_GREATEST" else "least"}
    if kind in simple:
        return simple[kind], 2
    if kind == "SQLValueFunction":
        return _VALUE_FUNCTIONS.get(body.get("op", ""), None), 2
    return None, 0
