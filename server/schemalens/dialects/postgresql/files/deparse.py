"""Parse-tree nodes -> SQL text, spelled as PostgreSQL prints it: type names (format_type's
spelling of the catalog names the grammar produces) and expressions (the common simple
shapes by the small renderer here, the rest by pglast's deparser). Types and expressions
share a module because each needs the other: a cast names a type, a type modifier is an
expression.
"""

from __future__ import annotations

from typing import Any

from pglast import ast as pg_ast
from pglast.enums import CoercionForm
from pglast.precedence import is_b_expr_rule
from pglast.printers import get_special_function, sfuncs
from pglast.stream import RawStream

from schemalens.dialects.postgresql.files.nodes import Json, names_of
from schemalens.dialects.postgresql.names import quote_ident, quote_literal
from schemalens.dialects.postgresql.types import format_builtin


def array_suffix(type_name: Json) -> str:
    out = []
    for bound in type_name.get("arrayBounds", ()):
        n = bound.get("Integer", {}).get("ival", 0)
        out.append("[]" if n < 0 else f"[{n}]")
    return "".join(out)


def builtin_type_text(name: str, type_name: Json) -> str:
    return format_builtin(name, [deparse(m) for m in type_name.get("typmods", ())])


_SVF = {
    "SVFOP_CURRENT_DATE": "CURRENT_DATE", "SVFOP_CURRENT_TIME": "CURRENT_TIME",
    "SVFOP_CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP", "SVFOP_LOCALTIME": "LOCALTIME",
    "SVFOP_LOCALTIMESTAMP": "LOCALTIMESTAMP", "SVFOP_CURRENT_ROLE": "CURRENT_ROLE",
    "SVFOP_CURRENT_USER": "CURRENT_USER", "SVFOP_USER": "USER",
    "SVFOP_SESSION_USER": "SESSION_USER", "SVFOP_CURRENT_CATALOG": "CURRENT_CATALOG",
    "SVFOP_CURRENT_SCHEMA": "CURRENT_SCHEMA",
}
_ATOMIC = ("A_Const", "ColumnRef", "FuncCall", "SQLValueFunction", "TypeCast", "A_ArrayExpr",
           "CoalesceExpr")


def _const_text(body: Json) -> str:
    if body.get("isnull"):
        return "NULL"
    if "ival" in body:
        return str(body["ival"].get("ival", 0))
    if "fval" in body:
        return body["fval"].get("fval", "0")
    if "sval" in body:
        return quote_literal(body["sval"].get("sval", ""))
    if "boolval" in body:
        return "true" if body["boolval"].get("boolval") else "false"
    if "bsval" in body:
        bits = body["bsval"].get("bsval", "")
        return f"{bits[0].upper()}'{bits[1:]}'"
    raise ValueError("unknown constant")


def _fast(node: Json) -> str | None:
    """SQL text of the common simple shapes; None where pglast's deparser must do it."""
    (kind, body), = node.items()
    if kind == "A_Const":
        return _const_text(body)
    if kind == "ColumnRef":
        fields = body["fields"]
        if all("String" in f for f in fields):
            return ".".join(quote_ident(f["String"]["sval"]) for f in fields)
        return None
    if kind == "TypeCast":
        arg = _fast(body["arg"])
        if arg is None:
            return None
        if next(iter(body["arg"])) not in _ATOMIC or arg.startswith("-"):
            arg = f"({arg})"
        return f"{arg}::{plain_type_text(body['typeName'])}"
    if kind == "FuncCall":
        if set(body) - {"funcname", "args", "funcformat", "location"}:
            return None
        if body.get("funcformat") != "COERCE_EXPLICIT_CALL":
            return None
        args = [_fast(a) for a in body.get("args", ())]
        if any(a is None for a in args):
            return None
        name = ".".join(quote_ident(n) for n in names_of(body["funcname"]))
        return f"{name}({', '.join(args)})"  # type: ignore[arg-type]
    if kind == "SQLValueFunction":
        op = body["op"]
        if op.endswith("_N"):  # CURRENT_TIME(p) and the like; the JSON leaves out a 0
            return f"{_SVF[op[:-2]]}({body.get('typmod', 0)})"
        return _SVF.get(op)
    if kind == "A_Expr":
        return _fast_a_expr(body)
    if kind == "BoolExpr":
        parts = [_fast(a) for a in body["args"]]
        if any(p is None for p in parts):
            return None
        wrapped = [_paren(a, p) for a, p in zip(body["args"], parts)]  # type: ignore[arg-type]
        if body["boolop"] == "NOT_EXPR":
            return f"NOT {wrapped[0]}"
        return (" AND " if body["boolop"] == "AND_EXPR" else " OR ").join(wrapped)
    if kind == "NullTest":
        arg = _fast(body["arg"])
        if arg is None:
            return None
        test = "IS NULL" if body["nulltesttype"] == "IS_NULL" else "IS NOT NULL"
        return f"{_paren(body['arg'], arg)} {test}"
    if kind == "BooleanTest":
        arg = _fast(body["arg"])
        if arg is None:
            return None
        test = body["booltesttype"].replace("_", " ")
        return f"{_paren(body['arg'], arg)} {test}"
    if kind in ("A_ArrayExpr", "CoalesceExpr"):
        items = [_fast(a) for a in body.get("elements" if kind == "A_ArrayExpr" else "args", ())]
        if any(i is None for i in items):
            return None
        joined = ", ".join(items)  # type: ignore[arg-type]
        return f"ARRAY[{joined}]" if kind == "A_ArrayExpr" else f"COALESCE({joined})"
    return None


_LIKE_OPS = {"~~": "LIKE", "!~~": "NOT LIKE", "~~*": "ILIKE", "!~~*": "NOT ILIKE"}


def _fast_a_expr(body: Json) -> str | None:
    op = names_of(body.get("name", []))
    kind = body.get("kind")
    if len(op) != 1 or "rexpr" not in body:
        return None
    right_node = body["rexpr"]
    if "List" in right_node:
        items = [_fast(i) for i in right_node["List"].get("items", ())]
        if any(i is None for i in items):
            return None
        right = None
    else:
        items = []
        right = _fast(right_node)
        if right is None:
            return None
        right = _paren(right_node, right)
    if "lexpr" not in body:
        return f"{op[0]} {right}" if kind == "AEXPR_OP" and right is not None else None
    left = _fast(body["lexpr"])
    if left is None:
        return None
    left = _paren(body["lexpr"], left)
    if kind == "AEXPR_OP" and right is not None:
        return f"{left} {op[0]} {right}"
    if kind in ("AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN") and len(items) == 2:
        items = [_paren(n, t) for n, t in zip(right_node["List"]["items"], items)]  # type: ignore[arg-type]
        return f"{left} {op[0]} {items[0]} AND {items[1]}"
    if kind == "AEXPR_IN" and items:
        return f"{left} {'IN' if op[0] == '=' else 'NOT IN'} ({', '.join(items)})"  # type: ignore[arg-type]
    if kind in ("AEXPR_LIKE", "AEXPR_ILIKE") and right is not None and op[0] in _LIKE_OPS:
        return f"{left} {_LIKE_OPS[op[0]]} {right}"
    if kind in ("AEXPR_OP_ANY", "AEXPR_OP_ALL") and right is not None:
        return f"{left} {op[0]} {'ANY' if kind == 'AEXPR_OP_ANY' else 'ALL'} ({right})"
    if kind in ("AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT") and right is not None:
        return f"{left} IS {'NOT ' if kind == 'AEXPR_NOT_DISTINCT' else ''}DISTINCT FROM {right}"
    return None


def _paren(node: Json, text: str) -> str:
    return text if next(iter(node)) in _ATOMIC and not text.startswith("-") else f"({text})"


def plain_type_text(type_name: Json) -> str:
    """A type as written, for casts inside expressions (no schema resolution)."""
    names = names_of(type_name["names"])
    if len(names) == 2 and names[0] == "pg_catalog":
        base = builtin_type_text(names[1], type_name)
    else:
        mods = [deparse(m) for m in type_name.get("typmods", ())]
        base = ".".join(quote_ident(n) for n in names) + (f"({','.join(mods)})" if mods else "")
    return base + array_suffix(type_name)


# libpg_query's JSON leaves out the fields that are 0 or false (`LOCALTIMESTAMP(0)` has no
# typmod): pglast's own parser fills them in, and its printers expect them so.
_ZERO = {"int": 0, "int16": 0, "int32": 0, "long": 0, "bool": False}
_CONST_FIELDS = (("ival", "Integer", 0), ("fval", "Float", "0"), ("sval", "String", ""),
                 ("boolval", "Boolean", False), ("bsval", "BitString", ""))


def _to_ast(value: Any) -> Any:
    """libpg_query JSON -> pglast AST node (so that pglast's deparser can print it)."""
    if isinstance(value, list):
        return tuple(_to_ast(v) for v in value)
    if isinstance(value, dict) and len(value) == 1:
        (kind, body), = value.items()
        if kind == "List":
            return tuple(_to_ast(v) for v in body.get("items", ()))
        if isinstance(body, dict) and kind[:1].isupper() and hasattr(pg_ast, kind):
            return _build_ast(kind, body)
    return value


def _build_ast(kind: str, body: Json) -> Any:
    if kind == "A_Const":
        if body.get("isnull"):
            return pg_ast.A_Const(isnull=True)
        for key, cls, default in _CONST_FIELDS:
            if key in body:
                return pg_ast.A_Const(val=getattr(pg_ast, cls)(body[key].get(key, default)))
    for key, cls, default in _CONST_FIELDS:
        if kind == cls:
            return getattr(pg_ast, cls)(body.get(key, default))
    cls_ = getattr(pg_ast, kind)
    kwargs: dict[str, Any] = {}
    for attr, info in cls_.__slots__.items():
        value = body.get(attr)
        ctype = info.c_type
        if value is None:
            if ctype in _ZERO:
                kwargs[attr] = _ZERO[ctype]
            continue
        if ctype == "List*":
            value = tuple(_to_ast(v) for v in value)
        elif ctype.endswith("*") and ctype != "char*":
            target = getattr(pg_ast, ctype[:-1], None)
            if target is not None and isinstance(target.__slots__, dict):
                value = _build_ast(ctype[:-1], value)
            else:
                value = _to_ast(value)
        kwargs[attr] = value
    return cls_(**kwargs)


class _AsWritten(RawStream):
    """A call written in SQL syntax (`x AT TIME ZONE 'utc'`, `(a, b) OVERLAPS (c, d)`,
    `substring(x FROM 2)`) printed in it again: PostgreSQL keeps which form a call was
    written in, and pg_get_expr prints it back so; pglast prints most as plain calls."""

    def get_printer_for_function(self, name: str, node: Any = None) -> Any:
        if node is not None and node.funcformat == CoercionForm.COERCE_SQL_SYNTAX:
            printer = get_special_function(name)
            if printer is not None and sfuncs.can_use_special_syntax(printer, node):
                return printer
        return super().get_printer_for_function(name, node)


def deparse(node: Json) -> str:
    """The file's own expression, printed back from its parse tree."""
    text = _fast(node)
    if text is not None:
        return text
    return _AsWritten()(_to_ast(node))


def deparse_default(node: Json) -> str:
    """A column's DEFAULT, which CREATE TABLE and ADD COLUMN read as a b_expr: one that is
    not (`now() AT TIME ZONE 'utc'`, `x IS NULL`) in parentheses, which change nothing in
    the expression PostgreSQL stores."""
    text = deparse(node)
    return text if is_b_expr_rule(_to_ast(node), _AsWritten()) else f"({text})"
