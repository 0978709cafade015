"""One canonical spelling per dialect for types and expressions, applied to both sides
before `diff`.

A schema file says `int`, `varchar(20)`, `DEFAULT now()`, `CHECK (x IN (1, 2))`;
PostgreSQL reports `integer`, `character varying(20)`, `now()`, `(x = ANY (ARRAY[1,
2]))`. If the two spellings reached `diff`, every one of them would be false drift. So
both are rewritten into one form: types into what `format_type()` prints (with user
types always schema-qualified), expressions by parsing them with PostgreSQL's own
parser (pglast), rewriting the tree where PostgreSQL is known to rewrite what the user
wrote, and printing it back with pglast's deparser.

The rewrites lean towards "equal": a cast on a constant is dropped even where it could
in theory matter, because PostgreSQL adds such casts to nearly every stored expression
and a false alarm on every save is worse than missing a cast nobody writes by hand.

SQLite keeps types as declared; its expressions get one spelling of whitespace and
letter case (normalize_sqlite), as SQLite itself ignores both.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
import json
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pglast import ast, keywords, parse_sql, parser
from pglast.enums import A_Expr_Kind, BoolExprType, CoercionForm, SortByDir, SortByNulls, SQLValueFunctionOp
from pglast.printers import SPECIAL_FUNCTIONS
from pglast.stream import RawStream, maybe_double_quote_name
from pglast.visitors import Ancestor

from schemalens.model import Check, Column, Index, Schema, Sequence, Table
from schemalens.dialects.sqlite.expressions import canonical_expression as sqlite_expression
from schemalens.dialects.sqlite.expressions import spellings
from schemalens.dialects.postgresql.types import INTERVAL_FIELDS

# --- types ----------------------------------------------------------------------------

# Every non-array, non-composite type in PostgreSQL 15's pg_catalog: these print
# unqualified; any other unqualified type name is a user type and gets a schema.
_BUILTIN_TYPES = frozenset("""
aclitem any anyarray anycompatible anycompatiblearray anycompatiblemultirange
anycompatiblenonarray anycompatiblerange anyelement anyenum anymultirange anynonarray
anyrange bit bool box bpchar bytea char cid cidr circle cstring date datemultirange
daterange event_trigger fdw_handler float4 float8 gtsvector index_am_handler inet int2
int2vector int4 int4multirange int4range int8 int8multirange int8range internal interval
json jsonb jsonpath language_handler line lseg macaddr macaddr8 money name numeric
nummultirange numrange oid oidvector path pg_brin_bloom_summary
pg_brin_minmax_multi_summary pg_ddl_command pg_dependencies pg_lsn pg_mcv_list
pg_ndistinct pg_node_tree pg_snapshot point polygon record refcursor regclass
regcollation regconfig regdictionary regnamespace regoper regoperator regproc
regprocedure regrole regtype table_am_handler text tid time timestamp timestamptz timetz
trigger tsm_handler tsmultirange tsquery tsrange tstzmultirange tstzrange tsvector
txid_snapshot unknown uuid varbit varchar void xid xid8 xml
""".split())

# Spellings PostgreSQL resolves to another pg_catalog type without the grammar's help.
_TYPE_ALIASES = {
    "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
    "smallserial": "int2", "serial2": "int2",
}

_FORMAT_NAMES = {
    "bool": "boolean", "int2": "smallint", "int4": "integer", "int8": "bigint",
    "float4": "real", "float8": "double precision", "char": '"char"',
}

_INTERVAL_FULL_RANGE = 0x7FFF

DEFAULT_USER_SCHEMA = "public"


@dataclasses.dataclass(frozen=True)
class _UserType:
    """An unqualified (or qualified) non-builtin type, before its schema is decided."""

    schema: str | None
    name: str
    suffix: str  # typmods and [] as printed after the name

    def qualified(self, schema: str) -> str:
        return f"{maybe_double_quote_name(self.schema or schema)}.{maybe_double_quote_name(self.name)}{self.suffix}"


_type_cache: dict[str, str | _UserType] = {}


def canonical_type(text: str, dialect: str) -> str:
    """The type as PostgreSQL's format_type() prints it, user types qualified (an
    unqualified user type is taken to live in `public`, where search_path finds it)."""
    if dialect != "postgresql":
        return text.strip()
    parsed = _pg_type(text)
    return parsed.qualified(DEFAULT_USER_SCHEMA) if isinstance(parsed, _UserType) else parsed


def _pg_type(text: str) -> str | _UserType:
    cached = _type_cache.get(text)
    if cached is None:
        cached = _type_cache[text] = _parse_type(text)
    return cached


def _parse_type(text: str) -> str | _UserType:
    try:
        tree = json.loads(parser.parse_sql_json(f"SELECT NULL::{text}"))
        stmt = tree["stmts"][0]["stmt"]["SelectStmt"]
        type_name = stmt["targetList"][0]["ResTarget"]["val"]["TypeCast"]["typeName"]
    except Exception:  # noqa: BLE001 - not a type we can parse: compare it as written
        return " ".join(text.split())
    return _format_type_json(type_name)


def _format_type_json(type_name: dict[str, Any]) -> str | _UserType:
    names = [n["String"]["sval"] for n in type_name["names"]]
    typmods = [_typmod_json(m) for m in type_name.get("typmods", [])]
    array = "[]" if type_name.get("arrayBounds") else ""
    builtin = None
    if len(names) == 2 and names[0] == "pg_catalog":
        builtin = names[1]
    elif len(names) == 1:
        builtin = _TYPE_ALIASES.get(names[0], names[0])
        if builtin.startswith("_") and builtin[1:] in _BUILTIN_TYPES:
            builtin, array = builtin[1:], "[]"  # _int4: the array type's own name
        elif builtin not in _BUILTIN_TYPES:
            builtin = None
    if builtin is not None:
        return _format_builtin(builtin, typmods) + array
    suffix = f"({','.join(typmods)})" if typmods else ""
    if len(names) == 1:
        return _UserType(None, names[0], suffix + array)
    return _UserType(names[-2], names[-1], suffix + array)


def _typmod_json(node: dict[str, Any]) -> str:
    if "A_Const" in node:
        const = node["A_Const"]
        if "ival" in const:
            return str(const["ival"].get("ival", 0))
        for key, field in (("fval", "fval"), ("sval", "sval")):
            if key in const:
                return str(const[key][field])
    if "ColumnRef" in node:
        return ".".join(f["String"]["sval"] for f in node["ColumnRef"]["fields"])
    return "?"


def _format_builtin(name: str, typmods: list[str]) -> str:
    mods = f"({','.join(typmods)})" if typmods else ""
    if name == "bpchar":
        return f"character{mods}" if typmods else "bpchar"
    if name == "varchar":
        return f"character varying{mods}"
    if name == "varbit":
        return f"bit varying{mods}"
    if name == "numeric":
        if len(typmods) == 1:
            return f"numeric({typmods[0]},0)"
        return f"numeric{mods}"
    if name in ("timestamp", "timestamptz", "time", "timetz"):
        base = name[:-2] if name.endswith("tz") else name
        zone = "with time zone" if name.endswith("tz") else "without time zone"
        return f"{base}{mods} {zone}"
    if name == "interval":
        return _format_interval(typmods)
    return _FORMAT_NAMES.get(name, maybe_double_quote_name(name)) + mods


def _format_interval(typmods: list[str]) -> str:
    if not typmods:
        return "interval"
    fields = int(typmods[0])
    precision = f"({typmods[1]})" if len(typmods) > 1 else ""
    if fields == _INTERVAL_FULL_RANGE:
        return f"interval{precision}"
    return f"interval {INTERVAL_FIELDS.get(fields, '')}{precision}".rstrip()


# --- expressions ----------------------------------------------------------------------

# Casts PostgreSQL adds around a column inside an expression (varchar -> text for LIKE
# or =, integer -> numeric against a decimal constant): the user never wrote them.
_IMPLICIT_COLUMN_CASTS = frozenset({
    "text", "character varying", "bpchar", "numeric", "double precision", "real", "bigint",
    "timestamp with time zone", "timestamp without time zone",
})
_BOOLEAN_WORDS = {"t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
                  "f": False, "false": False, "n": False, "no": False, "off": False, "0": False}
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")
_NUMERIC_TYPE = re.compile(r"(smallint|integer|bigint|real|double precision|numeric)(\(\d+(,\d+)?\))?")
_BIT_TYPE = re.compile(r"(bit|bit varying)(\(\d+\))?")
_BIT_DIGITS = re.compile(r"[01]*")
_ZONED = re.compile(r"(timestamp|time)(?:\(\d+\))? (with|without) time zone")
_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_SEQUENCE_FUNCTIONS = frozenset({"nextval", "currval", "setval"})
# Functions pglast prints in SQL syntax (trim, substring, AT TIME ZONE ...) only when
# qualified with pg_catalog; PostgreSQL prints some of them as plain calls.
_SPECIAL_FUNCTIONS = frozenset(name.split(".", 1)[1] for name in SPECIAL_FUNCTIONS)
_SAME_AS_NOW = frozenset({"now", "transaction_timestamp"})

# Default operator classes per index method (PostgreSQL 15, opcdefault): writing them
# is the same as leaving them out, and the database never shows them.
_DEFAULT_OPCLASSES = {
    "btree": frozenset("""array_ops bit_ops bool_ops bpchar_ops bytea_ops char_ops date_ops
        enum_ops float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops interval_ops
        jsonb_ops macaddr8_ops macaddr_ops money_ops multirange_ops name_ops numeric_ops
        oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops time_ops
        timestamp_ops timestamptz_ops timetz_ops tsquery_ops tsvector_ops uuid_ops
        varbit_ops xid8_ops""".split()),
    "hash": frozenset("""aclitem_ops array_ops bool_ops bpchar_ops bytea_ops char_ops cid_ops
        date_ops enum_ops float4_ops float8_ops inet_ops int2_ops int4_ops int8_ops
        interval_ops jsonb_ops macaddr8_ops macaddr_ops multirange_ops name_ops numeric_ops
        oid_ops oidvector_ops pg_lsn_ops range_ops record_ops text_ops tid_ops time_ops
        timestamp_ops timestamptz_ops timetz_ops uuid_ops xid8_ops xid_ops""".split()),
    "gin": frozenset("array_ops jsonb_ops tsvector_ops".split()),
    "gist": frozenset("""box_ops circle_ops multirange_ops point_ops poly_ops range_ops
        tsquery_ops tsvector_ops""".split()),
    "spgist": frozenset("box_ops inet_ops poly_ops quad_point_ops range_ops text_ops".split()),
    "brin": frozenset("""bit_minmax_ops box_inclusion_ops bpchar_minmax_ops bytea_minmax_ops
        char_minmax_ops date_minmax_ops float4_minmax_ops float8_minmax_ops
        inet_inclusion_ops int2_minmax_ops int4_minmax_ops int8_minmax_ops
        interval_minmax_ops macaddr8_minmax_ops macaddr_minmax_ops name_minmax_ops
        numeric_minmax_ops oid_minmax_ops pg_lsn_minmax_ops range_inclusion_ops
        text_minmax_ops tid_minmax_ops time_minmax_ops timestamp_minmax_ops
        timestamptz_minmax_ops timetz_minmax_ops uuid_minmax_ops varbit_minmax_ops""".split()),
}


@dataclasses.dataclass(frozen=True)
class _Context:
    """What an expression's meaning depends on besides its text."""

    schema: str = DEFAULT_USER_SCHEMA  # for unqualified sequence names in nextval()
    column_type: str | None = None      # a default is coerced to its column's type
    # (column, canonical type) of the table: `x > '5'` is stored as `x > 5` for an
    # integer x, and stays '5' for a text one.
    columns: tuple[tuple[str, str], ...] = ()


_expr_cache: dict[tuple[str, _Context], str | None] = {}
_index_cache: dict[tuple[str, str], str] = {}


def canonical_expression(text: str, dialect: str) -> str:
    """One spelling for every way of writing the same expression (PostgreSQL); a text
    pglast cannot parse is compared as written, whitespace collapsed."""
    if dialect != "postgresql":
        return text.strip()
    result = _pg_expression(text, _Context())
    return "NULL" if result is None else result


def _pg_expression(text: str, context: _Context) -> str | None:
    """Canonical text, or None when the expression is just NULL."""
    key = (text, context)
    if key in _expr_cache:
        return _expr_cache[key]
    fast = _fast_expression(text, context)
    if fast is not None:
        _expr_cache[key] = fast
        return fast
    try:
        node = parse_sql(f"SELECT {text}")[0].stmt.targetList[0].val
    except Exception:  # noqa: BLE001 - unparsable: keep it comparable as written
        result: str | None = " ".join(text.split())
    else:
        node = _Rewriter(context).top(node)
        result = None if _is_null(node) else _deparse(node, text)
    _expr_cache[key] = result
    return result


class _Stream(RawStream):
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


_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_NEXTVAL = re.compile(r"nextval\('([A-Za-z0-9_.\"$]+)'(?:::regclass)?\)")
_KEYWORDS = frozenset().union(*(getattr(keywords, n) for n in dir(keywords) if n.endswith("_KEYWORDS")))


def _fast_expression(text: str, context: _Context) -> str | None:
    """The two shapes that are distinct in every table of a large schema (a serial's
    nextval(), a bare column) without a parse; same result as the full path."""
    if _SIMPLE_NAME.fullmatch(text) and text not in _KEYWORDS:
        return text
    match = _NEXTVAL.fullmatch(text)
    if match:
        parts = _split_identifier(match.group(1))
        if len(parts) == 1:
            parts = [context.schema, *parts]
        return "nextval('" + ".".join(maybe_double_quote_name(p) for p in parts) + "')"
    return None


def _deparse(node: ast.Node, original: str) -> str:
    try:
        return _Stream()(node)
    except Exception:  # noqa: BLE001 - a tree pglast cannot print: compare as written
        return " ".join(original.split())


def canonical_index_element(text: str, method: str = "btree") -> str:
    """A CREATE INDEX key element (`lower(email) text_pattern_ops DESC NULLS LAST`)
    with default opclass, ASC and default NULLS ordering left out."""
    key = (text, method)
    cached = _index_cache.get(key)
    if cached is None:
        cached = _index_cache[key] = _index_element(text, method)
    return cached


def _index_element(text: str, method: str) -> str:
    if _SIMPLE_NAME.fullmatch(text) and text not in _KEYWORDS:
        return text
    try:
        stmt = parse_sql(f"CREATE INDEX x ON t ({text})")[0].stmt
        (elem,) = stmt.indexParams
    except Exception:  # noqa: BLE001
        return " ".join(text.split())
    if elem.expr is not None:
        elem.expr = _Rewriter(_Context()).top(elem.expr)
        if isinstance(elem.expr, ast.ColumnRef) and len(elem.expr.fields) == 1:
            elem.name, elem.expr = elem.expr.fields[0].sval, None
    if elem.collation:
        elem.collation = _strip_catalog(elem.collation)
    if elem.opclass:
        opclass = _strip_schema(elem.opclass)
        is_default = len(opclass) == 1 and opclass[0].sval in _DEFAULT_OPCLASSES.get(method, ())
        elem.opclass = None if is_default and not elem.opclassopts else opclass
    descending = elem.ordering == SortByDir.SORTBY_DESC
    if elem.ordering == SortByDir.SORTBY_ASC:
        elem.ordering = SortByDir.SORTBY_DEFAULT
    default_nulls = SortByNulls.SORTBY_NULLS_FIRST if descending else SortByNulls.SORTBY_NULLS_LAST
    if elem.nulls_ordering == default_nulls:
        elem.nulls_ordering = SortByNulls.SORTBY_NULLS_DEFAULT
    return _deparse(elem, text)


def _strip_catalog(names: tuple[ast.String, ...]) -> tuple[ast.String, ...]:
    if len(names) == 2 and names[0].sval == "pg_catalog":
        return names[1:]
    return names


def _strip_schema(names: tuple[ast.String, ...]) -> tuple[ast.String, ...]:
    """Operator classes of extensions installed in public (gin_trgm_ops) are printed
    qualified by the database and written unqualified by users."""
    if len(names) == 2 and names[0].sval in ("pg_catalog", DEFAULT_USER_SCHEMA):
        return names[1:]
    return names


def _is_null(node: ast.Node) -> bool:
    return isinstance(node, ast.A_Const) and bool(node.isnull)


def _is_constant(node: Any) -> bool:
    if isinstance(node, ast.A_Const):
        return True
    if isinstance(node, ast.A_ArrayExpr):
        return all(_is_constant(e) for e in node.elements or ())
    return False


def _const_string(node: Any) -> str | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String):
        return node.val.sval
    return None


class _Rewriter:
    """Rewrites a raw parse tree bottom-up into the canonical tree."""

    def __init__(self, context: _Context) -> None:
        self.context = context

    def top(self, node: ast.Node) -> ast.Node:
        node = self.visit(node, nested=False)
        if self.context.column_type is not None:
            node = _coerce_constant(node, self.context.column_type)
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
            return _bit_string(_bits(node.val.bsval))
        return node

    def _RowExpr(self, node: ast.RowExpr, nested: bool) -> ast.Node:
        node.row_format = CoercionForm.COERCE_EXPLICIT_CALL  # (a, b) is ROW(a, b)
        return node

    def _TypeCast(self, node: ast.TypeCast, nested: bool) -> ast.Node:
        written = _Stream()(node.typeName)
        type_text = canonical_type(written, "postgresql")
        if isinstance(node.arg, ast.A_ArrayExpr) and not node.arg.elements:
            # ARRAY[]::int[] is '{}'::int[]; a bare ARRAY[] is not valid SQL to render
            return _coerce_constant(ast.A_Const(val=ast.String("{}")), type_text)
        if _is_constant(node.arg) and not (not nested and _shifts_zone(type_text, self.context.column_type)):
            return _coerce_constant(node.arg, type_text)
        if isinstance(node.arg, ast.A_ArrayExpr):
            return node.arg  # PostgreSQL drops ARRAY[x::text]::text[]'s outer cast
        if nested and isinstance(node.arg, ast.ColumnRef) and type_text in _IMPLICIT_COLUMN_CASTS:
            return node.arg
        if type_text != written:
            node.typeName = _type_node(type_text, node.typeName)
        return node

    def _A_Expr(self, node: ast.A_Expr, nested: bool) -> ast.Node:
        node.name = _strip_catalog(node.name) if node.name else node.name
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
        """A constant compared with a column takes the column's type, as the parser does."""
        types = dict(self.context.columns)

        def type_of(side: Any) -> str | None:
            if isinstance(side, ast.ColumnRef) and len(side.fields) == 1 and isinstance(side.fields[0], ast.String):
                return types.get(side.fields[0].sval)
            return None

        left, right = type_of(node.lexpr), type_of(node.rexpr)
        if left is not None and isinstance(node.rexpr, ast.A_Const):
            node.rexpr = _coerce_constant(node.rexpr, left)
        elif left is not None and isinstance(node.rexpr, ast.A_ArrayExpr):
            node.rexpr.elements = tuple(_coerce_constant(e, left) for e in node.rexpr.elements or ())
        elif left is not None and isinstance(node.rexpr, tuple):
            node.rexpr = tuple(_coerce_constant(e, left) for e in node.rexpr)
        elif right is not None and isinstance(node.lexpr, ast.A_Const):
            node.lexpr = _coerce_constant(node.lexpr, right)

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
        text = _const_string(arg)
        if text is None:
            return arg
        parts = _split_identifier(text)
        if len(parts) == 1:
            parts = [self.context.schema, *parts]
        return ast.A_Const(val=ast.String(".".join(maybe_double_quote_name(p) for p in parts)))


def _shifts_zone(cast_type: str, column_type: str | None) -> bool:
    """'2020-01-01'::timestamp in a timestamptz column is read in the session's time
    zone at each insert; without the cast it is a fixed instant: not the same default."""
    if column_type is None:
        return False
    cast, column = _ZONED.fullmatch(cast_type), _ZONED.fullmatch(column_type)
    return bool(cast and column and cast.group(1) == column.group(1) and cast.group(2) != column.group(2))


def _bit_string(bits: str) -> ast.A_Const:
    return ast.A_Const(val=ast.BitString("b" + bits))


def _bits(value: str) -> str:
    kind, digits = value[0].lower(), value[1:]
    if kind == "x":
        return "".join(f"{int(d, 16):04b}" for d in digits)
    return digits


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


def _number(text: str) -> ast.A_Const | None:
    """'0', '-1', '1.50': a number in quotes is the number (`'-1'::integer` is how
    PostgreSQL stores DEFAULT -1)."""
    if _INTEGER.fullmatch(text):
        value = int(text)
        if -(2**31) <= value < 2**31:
            return ast.A_Const(val=ast.Integer(value))
        return ast.A_Const(val=ast.Float(text))
    if _DECIMAL.fullmatch(text):
        return ast.A_Const(val=ast.Float(text))
    return None


def _coerce_constant(node: ast.Node, type_text: str) -> ast.Node:
    """A constant as it is once coerced to `type_text`: 't' for a boolean is true, '-1'
    for an integer is -1, '1010' for a bit string is b'1010'. Only where the type makes
    the spellings equal: '5' is not 5 for jsonb or bit, and 5 would not even be accepted."""
    if _NUMERIC_TYPE.fullmatch(type_text):
        text = _const_string(node)
        return (_number(text) if text is not None else None) or node
    if _BIT_TYPE.fullmatch(type_text):
        text = _const_string(node)
        return _bit_string(text) if text is not None and _BIT_DIGITS.fullmatch(text) else node
    if type_text == "boolean":
        text = _const_string(node)
        if text is not None and text.strip().lower() in _BOOLEAN_WORDS:
            return ast.A_Const(val=ast.Boolean(_BOOLEAN_WORDS[text.strip().lower()]))
    if type_text == "money":
        return _money(node)
    if type_text.startswith("interval"):
        text = _const_string(node) if not isinstance(node, ast.A_Const) or node.val is None or isinstance(
            node.val, ast.String) else str(getattr(node.val, "ival", None) or getattr(node.val, "fval", "0"))
        canonical = _interval(text, type_text[len("interval"):].strip()) if text is not None else None
        if canonical is not None:
            return ast.A_Const(val=ast.String(canonical))
    return node


_INTERVAL_UNITS = {  # unit -> (months, days, seconds) per 1
    "year": (12, 0, 0), "years": (12, 0, 0), "yr": (12, 0, 0), "yrs": (12, 0, 0), "y": (12, 0, 0),
    "month": (1, 0, 0), "months": (1, 0, 0), "mon": (1, 0, 0), "mons": (1, 0, 0),
    "week": (0, 7, 0), "weeks": (0, 7, 0), "w": (0, 7, 0),
    "day": (0, 1, 0), "days": (0, 1, 0), "d": (0, 1, 0),
    "hour": (0, 0, 3600), "hours": (0, 0, 3600), "hr": (0, 0, 3600), "hrs": (0, 0, 3600), "h": (0, 0, 3600),
    "minute": (0, 0, 60), "minutes": (0, 0, 60), "min": (0, 0, 60), "mins": (0, 0, 60), "m": (0, 0, 60),
    "second": (0, 0, 1), "seconds": (0, 0, 1), "sec": (0, 0, 1), "secs": (0, 0, 1), "s": (0, 0, 1),
}
_INTERVAL_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)")
_INTERVAL_CLOCK = re.compile(r"\s*(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*$")


def _interval(text: str, fields: str) -> str | None:
    """An interval constant as PostgreSQL prints it ('1 day', '01:30:00', '1 year 6
    mons'), for the spellings users write: '24 hours', '1 week', interval '90' minute.
    None for anything else (negative, ISO 8601, ago): compared as written."""
    lowest = fields.split(" ")[-1].split("(")[0] if fields else ""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text) and lowest:
        text = f"{text} {lowest}"
    months, days, seconds = Decimal(0), Decimal(0), Decimal(0)
    position = 0
    for match in _INTERVAL_PART.finditer(text):
        if match.start() != position or match.group(2) not in _INTERVAL_UNITS:
            break
        amount = Decimal(match.group(1))
        m, d, sec = _INTERVAL_UNITS[match.group(2)]
        months += amount * m
        days += amount * d
        seconds += amount * sec
        position = match.end()
    rest = text[position:]
    if rest.strip():
        clock = _INTERVAL_CLOCK.fullmatch(rest)
        if clock is None:
            return None
        seconds += int(clock.group(1)) * 3600 + int(clock.group(2)) * 60 + Decimal(clock.group(3) or 0)
    # fractions cascade down as PostgreSQL does: a month is 30 days, a day 24 hours
    days += (months - int(months)) * 30
    months = Decimal(int(months))
    seconds += (days - int(days)) * 86400
    days = Decimal(int(days))
    months, days, seconds = _truncate_interval(lowest, months, days, seconds)
    return _format_interval_value(int(months), int(days), seconds)


def _truncate_interval(lowest: str, months: Decimal, days: Decimal, seconds: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """`interval year` keeps whole years only, `interval hour` whole hours, ..."""
    if lowest == "year":
        return Decimal(int(months / 12) * 12), Decimal(0), Decimal(0)
    if lowest == "month":
        return months, Decimal(0), Decimal(0)
    if lowest == "day":
        return months, days, Decimal(0)
    step = {"hour": 3600, "minute": 60}.get(lowest)
    if step:
        return months, days, Decimal(int(seconds / step) * step)
    return months, days, seconds


def _format_interval_value(months: int, days: int, seconds: Decimal) -> str:
    parts = []
    years, months = divmod(months, 12)
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if months:
        parts.append(f"{months} mon{'s' if months != 1 else ''}")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if seconds or not parts:
        whole = int(seconds)
        hours, rest = divmod(whole, 3600)
        minutes, secs = divmod(rest, 60)
        fraction = seconds - whole
        clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
        if fraction:
            clock += str(fraction.normalize())[1:]
        parts.append(clock)
    return " ".join(parts)


def _money(node: ast.Node) -> ast.Node:
    """PostgreSQL stores a money default as '$2.00' (rounded to cents, in the en_US/C
    format this assumes) however it was written: '1.999', 1.999, '$1.999'."""
    if not isinstance(node, ast.A_Const) or node.val is None:
        return node
    value = node.val
    raw = getattr(value, "sval", None) or getattr(value, "fval", None) or getattr(value, "ival", None)
    try:
        amount = Decimal(str(raw).replace("$", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return node
    return ast.A_Const(val=ast.Float(str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))))


def _type_node(canonical: str, written: ast.TypeName) -> ast.TypeName:
    """The TypeName node of a canonical type text, so that `x::int4` and `x::integer`
    print the same."""
    try:
        return parse_sql(f"SELECT NULL::{canonical}")[0].stmt.targetList[0].val.typeName
    except Exception:  # noqa: BLE001
        return written


def _split_identifier(text: str) -> list[str]:
    """Split a regclass literal ('public."T_seq"') into names, folding unquoted parts to
    lower case as PostgreSQL does."""
    parts: list[str] = []
    for match in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', text):
        quoted, plain = match.groups()
        parts.append(quoted.replace('""', '"') if quoted is not None else plain.strip().lower())
    return parts or [text]


# --- whole schemas --------------------------------------------------------------------

_T = TypeVar("_T")


def _clone(obj: _T, **changes: Any) -> _T:
    """dataclasses.replace without re-running __init__: a fifth of the time of
    normalizing a large schema went into replace()."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def normalize_schema(schema: Schema) -> Schema:
    """A new Schema in canonical spelling; spans and declared renames carried over."""
    if schema.dialect != "postgresql":
        return _copy_schema(schema)
    resolve, homes = _user_type_resolver(schema)
    return _clone(
        schema,
        namespaces=[_clone(n) for n in schema.namespaces],
        extensions=[
            _clone(e, schema=None if e.schema == DEFAULT_USER_SCHEMA else e.schema)
            for e in schema.extensions
        ],
        enums=[_clone(e, values=list(e.values)) for e in schema.enums],
        sequences=[_sequence(s, resolve) for s in schema.sequences],
        tables=_tables(schema.tables, resolve, homes),
    )


# Normalized tables by the identity of the table they came from, with the enum homes the
# resolver had: the PostgreSQL source hands back an unchanged table as the same object
# (tables are never modified once built), so a save normalizes only the edited tables, and
# diff finds the same normalized objects as last time. Two generations: what the last two
# calls used (the editor's file, and the database's schema when it changed).
_Memo = dict[int, tuple[Table, Any, Table]]
_TABLES: list[_Memo] = [{}, {}]
_TABLES_LOCK = threading.Lock()


# A database's tables come back as new objects from every read, so the identity memo
# never finds them; and the catalog changes one table at a time. They carry no spans, so
# they are matched by value against the tables of the last database schema normalized:
# after a change in one table of a 1,000-table database, one table is normalized again,
# and diff, finding the other 999 normalized objects it saw last time, compares only it.
_BY_VALUE: dict[tuple[str, str], tuple[Table, Any, Table]] = {}


def _tables(tables: list[Table], resolve: Callable[[str], str], homes: Any) -> list[Table]:
    global _BY_VALUE
    with _TABLES_LOCK:
        older, newer = _TABLES
        by_value = _BY_VALUE
    used: _Memo = {}
    read: dict[tuple[str, str], tuple[Table, Any, Table]] = {}
    out = []
    for table in tables:
        hit = _hit(table, homes, newer, older)
        unannotated = hit is None and _unannotated(table)
        if unannotated:
            was = by_value.get(table.key)
            if was is not None and was[1] == homes and was[0] == table:
                hit = (table, homes, was[2])
        if hit is None:
            hit = (table, homes, _table(table, resolve))
        if unannotated:
            read[table.key] = hit
        used[id(table)] = hit
        out.append(hit[2])
    with _TABLES_LOCK:
        _TABLES[:] = [_TABLES[1], used]
        if read:
            _BY_VALUE = read
    return out


def _unannotated(table: Table) -> bool:
    """No span and no declared rename anywhere in it (equality ignores both): a table
    read from a database."""
    parts = (table, *table.columns, table.primary_key, *table.uniques, *table.foreign_keys, *table.checks,
             *table.indexes)
    return all(p is None or (p.span is None and getattr(p, "renamed_from", None) is None) for p in parts)


def _hit(table: Table, homes: Any, newer: _Memo, older: _Memo) -> tuple[Table, Any, Table] | None:
    hit = newer.get(id(table)) or older.get(id(table))
    return hit if hit is not None and hit[0] is table and hit[1] == homes else None


def _user_type_resolver(schema: Schema) -> tuple[Callable[[str], str], Any]:
    """Qualify an unqualified enum: with the schema of the only enum of that name when
    there is one, else with public (where search_path looks). A type the schema does not
    define (an extension's: citext, vector) stays as written: the search_path finds it
    wherever the platform installed it, and diff compares such types by name."""
    homes: dict[str, set[str]] = {}
    for enum in schema.enums:
        homes.setdefault(enum.name, set()).add(enum.schema)

    def resolve(text: str) -> str:
        parsed = _pg_type(text)
        if not isinstance(parsed, _UserType):
            return parsed
        found = homes.get(parsed.name, set())
        if parsed.schema is None and not found:
            return f"{maybe_double_quote_name(parsed.name)}{parsed.suffix}"
        home = next(iter(found)) if len(found) == 1 and DEFAULT_USER_SCHEMA not in found else DEFAULT_USER_SCHEMA
        return parsed.qualified(home)

    return resolve, {name: frozenset(schemas) for name, schemas in homes.items()}


def _sequence(sequence: Sequence, resolve: Callable[[str], str]) -> Sequence:
    return _clone(sequence, data_type=resolve(sequence.data_type))


def _table(table: Table, resolve: Callable[[str], str]) -> Table:
    context = _Context(schema=table.schema,
                       columns=tuple((c.name, resolve(c.type)) for c in table.columns))
    return _clone(
        table,
        columns=[_column(c, table.schema, resolve) for c in table.columns],
        primary_key=_clone(table.primary_key, columns=list(table.primary_key.columns))
        if table.primary_key else None,
        uniques=[_clone(u, columns=list(u.columns)) for u in table.uniques],
        foreign_keys=[
            _clone(f, columns=list(f.columns), ref_columns=list(f.ref_columns))
            for f in table.foreign_keys
        ],
        checks=[_check(c, context) for c in table.checks],
        indexes=[_index(i, context) for i in table.indexes],
    )


def _column(column: Column, schema: str, resolve: Callable[[str], str]) -> Column:
    type_ = resolve(column.type)
    default = None
    if column.default is not None and column.identity is None and column.generated is None:
        default = _pg_expression(column.default, _Context(schema=schema, column_type=type_))
    generated = _pg_expression(column.generated, _Context(schema=schema)) if column.generated else None
    return _clone(
        column,
        type=type_,
        default=default,
        generated=generated,
        identity=_clone(column.identity) if column.identity else None,
        collation=_collation(column.collation) if column.collation else None,
    )


def _collation(text: str) -> str:
    """`"C"`, `C` written unquoted folds to `c`... as PostgreSQL reads it: parse it."""
    try:
        node = parse_sql(f"SELECT 1 COLLATE {text}")[0].stmt.targetList[0].val
    except Exception:  # noqa: BLE001
        return text.strip()
    names = [n.sval for n in _strip_catalog(node.collname)]
    return ".".join(maybe_double_quote_name(n) for n in names)


def _check(check: Check, context: _Context) -> Check:
    expression = _pg_expression(check.expression, context)
    return _clone(check, expression=expression if expression is not None else "NULL")


def _index(index: Index, context: _Context) -> Index:
    method = index.method.lower()
    where = _pg_expression(index.where, context) if index.where else None
    return _clone(
        index,
        method=method,
        columns=[canonical_index_element(c, method) for c in index.columns],
        where=where,
        include=list(index.include),
    )


def _copy_schema(schema: Schema) -> Schema:
    """SQLite keeps its types as declared and its expressions in one spelling (see
    normalize_sqlite); a structural copy, so callers may mutate the result without
    touching the input."""
    return _clone(
        schema,
        namespaces=[_clone(n) for n in schema.namespaces],
        extensions=[_clone(e) for e in schema.extensions],
        enums=[_clone(e, values=list(e.values)) for e in schema.enums],
        sequences=[_clone(s) for s in schema.sequences],
        tables=[_copy_table(t) for t in schema.tables],
    )


def _copy_table(table: Table) -> Table:
    columns = spellings([c.name for c in table.columns])

    def spelled(text: str | None) -> str | None:
        return sqlite_expression(text, columns) if text is not None else None

    return _clone(
        table,
        columns=[_clone(
            c, type=c.type.strip(), default=spelled(c.default), generated=spelled(c.generated),
            identity=_clone(c.identity) if c.identity else None,
        ) for c in table.columns],
        primary_key=_clone(table.primary_key, columns=list(table.primary_key.columns))
        if table.primary_key else None,
        uniques=[_clone(u, columns=list(u.columns)) for u in table.uniques],
        foreign_keys=[
            _clone(f, columns=list(f.columns), ref_columns=list(f.ref_columns))
            for f in table.foreign_keys
        ],
        checks=[_clone(c, expression=spelled(c.expression)) for c in table.checks],
        indexes=[_clone(i, columns=[sqlite_expression(e, columns) for e in i.columns],
                        where=spelled(i.where), include=list(i.include))
                 for i in table.indexes],
    )
