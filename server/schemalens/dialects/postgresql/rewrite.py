"""How PostgreSQL rewrites what the user wrote into the expression it stores: the raw
parse tree (pglast) rewritten bottom-up into the tree pg_get_expr() would print. The
rewrites lean towards "equal": a cast on a constant is dropped even where it could in
theory matter, because PostgreSQL adds such casts to nearly every stored expression and a
false alarm on every save is worse than missing a cast nobody writes by hand."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType, CoercionForm, SQLValueFunctionOp
from pglast.printers import SPECIAL_FUNCTIONS
from pglast.stream import RawStream
from pglast.visitors import Ancestor

from schemalens.dialects.postgresql.constants import bit_string, bits, coerce_constant, const_string, is_constant
from schemalens.dialects.postgresql.names import quote_ident, split_qualified
from schemalens.dialects.postgresql.types import DEFAULT_USER_SCHEMA, canonical_type

# Casts PostgreSQL adds around a column inside an expression (varchar -> text for LIKE
# or =, integer -> numeric against a decimal constant): the user never wrote them.
_IMPLICIT_COLUMN_CASTS = frozenset({
    "text", "character varying", "bpchar", "numeric", "double precision", "real", "bigint",
    "timestamp with time zone", "timestamp without time zone",
})
_ZONED = re.compile(r"(timestamp|time)(?:\(\d+\))? (with|without) time zone")
_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_SEQUENCE_FUNCTIONS = frozenset({"nextval", "currval", "setval"})
# Functions pglast prints in SQL syntax (trim, substring, AT TIME ZONE ...) only when
# qualified with pg_catalog; PostgreSQL prints some of them as plain calls.
_SPECIAL_FUNCTIONS = frozenset(name.split(".", 1)[1] for name in SPECIAL_FUNCTIONS)
_SAME_AS_NOW = frozenset({"now", "transaction_timestamp"})
_NUMERIC_TYPMOD = re.compile(r"^numeric\(\d+(?:,-?\d+)?\)(?=(\[\])*$)")


@dataclasses.dataclass(frozen=True)
class Context:
    """What an expression's meaning depends on besides its text."""

    schema: str = DEFAULT_USER_SCHEMA  # for unqualified sequence names in nextval()
    column_type: str | None = None      # a default is coerced to its column's type
    # (column, canonical type) of the table: `x > '5'` is stored as `x > 5` for an
    # integer x, and stays '5' for a text one.
    columns: tuple[tuple[str, str], ...] = ()


class Stream(RawStream):
    """RawStream without its per-call ancestor visitor: that visitor rebuilds a class
    and inspects it on every call, which was most of the time spent normalizing a large
    schema. `_populate_ancestors` sets the same chains directly."""

    def __call__(self, node: Any, plpgsql: bool = False) -> str:
        _populate_ancestors(node, Ancestor())
        self.print_node(node)
        return self.getvalue()


def _populate_ancestors(node: Any, ancestors: Ancestor) -> None:
    if isinstance(node, tuple):
        for index, value in enumerate(node):
            if isinstance(value, (tuple, ast.Node)):
                _populate_ancestors(value, ancestors / (node, index))
        return
    object.__setattr__(node, "ancestors", ancestors)
    for member in type(node).__slots__:
        value = getattr(node, member, None)
        if isinstance(value, (tuple, ast.Node)):
            _populate_ancestors(value, ancestors / (node, member))


def strip_catalog(names: tuple[ast.String, ...]) -> tuple[ast.String, ...]:
    if len(names) == 2 and names[0].sval == "pg_catalog":
        return names[1:]
    return names


def is_null(node: ast.Node) -> bool:
    return isinstance(node, ast.A_Const) and bool(node.isnull)


class Rewriter:
    """Rewrites a raw parse tree bottom-up into the canonical tree."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def top(self, node: ast.Node) -> ast.Node:
        node = self.visit(node, nested=False)
        if self.context.column_type is not None:
            node = coerce_constant(node, self.context.column_type)
        return node

    def visit(self, node: Any, nested: bool) -> Any:
        if isinstance(node, tuple):
            items = tuple(self.visit(n, nested) for n in node)
            return node if all(a is b for a, b in zip(items, node)) else items
        if not isinstance(node, ast.Node):
            return node
        for slot in type(node).__slots__:
            value = getattr(node, slot, None)
            if isinstance(value, (ast.Node, tuple)):
                new = self.visit(value, nested=True)
                if new is not value:
                    setattr(node, slot, new)
        handler: Callable[[Any, bool], Any] | None = getattr(self, f"_{type(node).__name__}", None)
        return handler(node, nested) if handler else node

    def _A_Const(self, node: ast.A_Const, nested: bool) -> ast.Node:
        if isinstance(node.val, ast.BitString):  # x'1F' is b'00011111'
            return bit_string(bits(node.val.bsval))
        return node

    def _RowExpr(self, node: ast.RowExpr, nested: bool) -> ast.Node:
        node.row_format = CoercionForm.COERCE_EXPLICIT_CALL  # (a, b) is ROW(a, b)
        return node

    def _TypeCast(self, node: ast.TypeCast, nested: bool) -> ast.Node:
        written = Stream()(node.typeName)
        type_text = canonical_type(written)
        if isinstance(node.arg, ast.A_ArrayExpr) and not node.arg.elements:
            # ARRAY[]::int[] is '{}'::int[]; a bare ARRAY[] is not valid SQL to render
            return coerce_constant(ast.A_Const(val=ast.String("{}")), type_text)
        if is_constant(node.arg):
            if not nested and _shifts_zone(type_text, self.context.column_type):
                node.arg = coerce_constant(node.arg, type_text)  # the cast stays (see _shifts_zone)
            else:
                return coerce_constant(node.arg, type_text)
        if isinstance(node.arg, ast.A_ArrayExpr):
            return node.arg  # PostgreSQL drops ARRAY[x::text]::text[]'s outer cast
        if nested and isinstance(node.arg, ast.ColumnRef) and type_text in _IMPLICIT_COLUMN_CASTS:
            return node.arg
        if type_text != written:
            node.typeName = _type_node(type_text, node.typeName)
        return node

    def _A_Expr(self, node: ast.A_Expr, nested: bool) -> ast.Node:
        node.name = strip_catalog(node.name) if node.name else node.name
        op = node.name[-1].sval if node.name else ""
        kind = node.kind
        if op in _COMPARISONS:
            self._coerce_against_column(node)
        listed = isinstance(node.rexpr, ast.A_ArrayExpr) and bool(node.rexpr.elements)
        if kind == A_Expr_Kind.AEXPR_OP_ANY and op == "=" and listed:
            return _in_list(node, "=")
        if kind == A_Expr_Kind.AEXPR_OP_ALL and op == "<>" and listed:
            return _in_list(node, "<>")
        if kind in (A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE, A_Expr_Kind.AEXPR_SIMILAR):
            node.kind = A_Expr_Kind.AEXPR_OP  # the operator (~~, ~~*, ~) is already in name
            return node
        if kind == A_Expr_Kind.AEXPR_IN and len(node.rexpr) == 1:
            return _op(op, node.lexpr, node.rexpr[0])  # PostgreSQL stores x IN (1) as x = 1
        if kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN):
            low, high = node.rexpr
            inside = kind == A_Expr_Kind.AEXPR_BETWEEN
            return _bool(
                BoolExprType.AND_EXPR if inside else BoolExprType.OR_EXPR,
                [_op(">=" if inside else "<", node.lexpr, low), _op("<=" if inside else ">", node.lexpr, high)],
            )
        return node

    def _coerce_against_column(self, node: ast.A_Expr) -> None:
        """A constant compared with a column takes the column's type, as the parser does:
        without its typmod (`x = '1.555'` for a numeric(10,2) x is not rounded)."""
        types = dict(self.context.columns)

        def type_of(side: Any) -> str | None:
            if isinstance(side, ast.ColumnRef) and len(side.fields) == 1 and isinstance(side.fields[0], ast.String):
                found = types.get(side.fields[0].sval)
                return _NUMERIC_TYPMOD.sub("numeric", found) if found else found
            return None

        left, right = type_of(node.lexpr), type_of(node.rexpr)
        if left is not None and isinstance(node.rexpr, ast.A_Const):
            node.rexpr = coerce_constant(node.rexpr, left)
        elif left is not None and isinstance(node.rexpr, ast.A_ArrayExpr):
            node.rexpr.elements = tuple(coerce_constant(e, left) for e in node.rexpr.elements or ())
        elif left is not None and isinstance(node.rexpr, tuple):
            node.rexpr = tuple(coerce_constant(e, left) for e in node.rexpr)
        elif right is not None and isinstance(node.lexpr, ast.A_Const):
            node.lexpr = coerce_constant(node.lexpr, right)

    def _BoolExpr(self, node: ast.BoolExpr, nested: bool) -> ast.Node:
        if node.boolop == BoolExprType.NOT_EXPR:
            return node
        return _bool(node.boolop, list(node.args))

    def _SQLValueFunction(self, node: ast.SQLValueFunction, nested: bool) -> ast.Node:
        if node.op == SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP and node.typmod in (None, -1):
            return _now()
        return node

    def _FuncCall(self, node: ast.FuncCall, nested: bool) -> ast.Node:
        names = [n.sval for n in node.funcname]
        name = names[-1]
        if len(names) == 1 or names[0] in ("pg_catalog", DEFAULT_USER_SCHEMA):
            if name in _SAME_AS_NOW and not node.args:
                return _now()
            qualified = name in _SPECIAL_FUNCTIONS
            node.funcname = (ast.String("pg_catalog"), ast.String(name)) if qualified else (ast.String(name),)
            if name in _SEQUENCE_FUNCTIONS and node.args:
                node.args = (self._sequence_name(node.args[0]), *node.args[1:])
        last = node.args[-1] if node.args else None
        if node.func_variadic and isinstance(last, ast.A_ArrayExpr) and last.elements:
            # f(a, 'x', 'y') is stored as f(a, VARIADIC ARRAY['x', 'y'])
            node.args = (*node.args[:-1], *last.elements)
            node.func_variadic = False
        return node

    def _sequence_name(self, arg: ast.Node) -> ast.Node:
        text = const_string(arg)
        if text is None:
            return arg
        parts = split_qualified(text)
        if len(parts) == 1:
            parts = [self.context.schema, *parts]
        return ast.A_Const(val=ast.String(".".join(quote_ident(p) for p in parts)))


def _shifts_zone(cast_type: str, column_type: str | None) -> bool:
    """'2020-01-01'::timestamp in a timestamptz column is read in the session's time
    zone at each insert; without the cast it is a fixed instant: not the same default."""
    if column_type is None:
        return False
    cast, column = _ZONED.fullmatch(cast_type), _ZONED.fullmatch(column_type)
    return bool(cast and column and cast.group(1) == column.group(1) and cast.group(2) != column.group(2))


def _in_list(node: ast.A_Expr, op: str) -> ast.A_Expr:
    elements = node.rexpr.elements or ()
    if len(elements) == 1:
        return _op(op, node.lexpr, elements[0])
    return ast.A_Expr(kind=A_Expr_Kind.AEXPR_IN, name=(ast.String(op),), lexpr=node.lexpr,
                      rexpr=tuple(elements))


def _op(op: str, left: ast.Node, right: ast.Node) -> ast.A_Expr:
    return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(op),), lexpr=left, rexpr=right)


def _bool(boolop: BoolExprType, args: list[ast.Node]) -> ast.BoolExpr:
    """AND/OR with nested AND/OR of the same kind flattened: (a AND (b AND c))."""
    flat: list[ast.Node] = []
    for arg in args:
        if isinstance(arg, ast.BoolExpr) and arg.boolop == boolop:
            flat.extend(arg.args)
        else:
            flat.append(arg)
    return ast.BoolExpr(boolop=boolop, args=tuple(flat))


def _now() -> ast.FuncCall:
    return ast.FuncCall(funcname=(ast.String("now"),), funcformat=0)


def _type_node(canonical: str, written: ast.TypeName) -> ast.TypeName:
    """The TypeName node of a canonical type text, so that `x::int4` and `x::integer`
    print the same."""
    try:
        return parse_sql(f"SELECT NULL::{canonical}")[0].stmt.targetList[0].val.typeName
    except Exception:  # noqa: BLE001
        return written
