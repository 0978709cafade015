"""PostgreSQL expressions in one canonical spelling (defaults, checks, generated columns,
index elements and predicates), and the expression text other parts of the engine must
read the same way (nextval() defaults, volatile defaults, column renames).

A schema file says `DEFAULT now()`, `CHECK (x IN (1, 2))`; PostgreSQL reports `now()`,
`(x = ANY (ARRAY[1, 2]))`. Both are parsed with PostgreSQL's own parser (pglast),
rewritten where PostgreSQL is known to rewrite what the user wrote (rewrite.py), and
printed back with pglast's deparser. Identifiers inside an expression are quoted by
pglast's printer; the names this module writes itself (sequences, collations) are quoted
as PostgreSQL's quote_identifier does, as the catalog prints them.
"""

from __future__ import annotations

import re
from typing import Any

from pglast import ast, keywords, parse_sql
from pglast.enums import SortByDir, SortByNulls
from pglast.stream import RawStream
from pglast.visitors import Visitor

from schemalens.dialects.postgresql.names import quote_ident, split_qualified
from schemalens.dialects.postgresql.rewrite import Context, Rewriter, Stream, is_null, strip_catalog
from schemalens.dialects.postgresql.types import DEFAULT_USER_SCHEMA
from schemalens.model import Column, Schema

__all__ = ["Context", "canonical_collation", "canonical_expression", "canonical_index_element", "is_own_serial",
           "is_volatile", "nextval_sequence", "rename_columns"]

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

_NEXTVAL = re.compile(r"nextval\('((?:[^']|'')+)'(?:::regclass)?\)")
_VOLATILE = re.compile(r"\b(random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v[14]|nextval)\s*\(", re.I)
_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_KEYWORDS = frozenset().union(*(getattr(keywords, n) for n in dir(keywords) if n.endswith("_KEYWORDS")))

_expr_cache: dict[tuple[str, Context], str | None] = {}
_index_cache: dict[tuple[str, str], str] = {}


def nextval_sequence(default: str | None) -> tuple[str | None, str] | None:
    """(schema, name) of the sequence a `nextval('...')` default draws from, the name read
    as regclass input reads it (unquoted parts folded to lower case)."""
    parts = _nextval_parts(default)
    if parts is None:
        return None
    if len(parts) == 1:
        return None, parts[0]
    return parts[-2], parts[-1]


def _nextval_parts(default: str | None) -> list[str] | None:
    if default is None:
        return None
    m = _NEXTVAL.fullmatch(default.strip())
    return split_qualified(m.group(1).replace("''", "'")) if m else None


def is_own_serial(column: Column, schema: Schema, table_schema: str) -> bool:
    """True when the column's default draws from its own serial sequence (see model docs):
    a nextval() on a sequence that the schema does not list as free-standing."""
    seq = nextval_sequence(column.default)
    if seq is None:
        return False
    seq_schema = seq[0] or table_schema
    return all(s.key != (seq_schema, seq[1]) for s in schema.sequences)


def is_volatile(expression: str) -> bool:
    """Whether the expression gives each row its own value (a new column with such a
    default is filled by rewriting the table)."""
    return _VOLATILE.search(expression) is not None


def canonical_expression(text: str, context: Context = Context()) -> str | None:
    """One spelling for every way of writing the same expression, or None when the
    expression is just NULL; a text pglast cannot parse is compared as written,
    whitespace collapsed."""
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
        node = Rewriter(context).top(node)
        result = None if is_null(node) else _deparse(node, text)
    _expr_cache[key] = result
    return result


def _fast_expression(text: str, context: Context) -> str | None:
    """The two shapes that are distinct in every table of a large schema (a serial's
    nextval(), a bare column) without a parse; same result as the full path."""
    if _SIMPLE_NAME.fullmatch(text) and text not in _KEYWORDS:
        return text
    parts = _nextval_parts(text)
    if parts is not None and len(parts) <= 2 and not any("'" in p or "\\" in p for p in parts):
        if len(parts) == 1:
            parts = [context.schema, *parts]
        return "nextval('" + ".".join(quote_ident(p) for p in parts) + "')"
    return None


def _deparse(node: ast.Node, original: str) -> str:
    try:
        return Stream()(node)
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
        elem.expr = Rewriter(Context()).top(elem.expr)
        if isinstance(elem.expr, ast.ColumnRef) and len(elem.expr.fields) == 1:
            elem.name, elem.expr = elem.expr.fields[0].sval, None
    if elem.collation:
        elem.collation = strip_catalog(elem.collation)
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


def _strip_schema(names: tuple[ast.String, ...]) -> tuple[ast.String, ...]:
    """Operator classes of extensions installed in public (gin_trgm_ops) are printed
    qualified by the database and written unqualified by users."""
    if len(names) == 2 and names[0].sval in ("pg_catalog", DEFAULT_USER_SCHEMA):
        return names[1:]
    return names


def canonical_collation(text: str) -> str | None:
    """`"C"`, `C` written unquoted folds to `c`... as PostgreSQL reads it: parse it.
    `"default"` (or `pg_catalog."default"`) is None: it is the collation text, varchar
    and char columns get anyway, which the catalog names for no column."""
    try:
        node = parse_sql(f"SELECT 1 COLLATE {text}")[0].stmt.targetList[0].val
    except Exception:  # noqa: BLE001
        return text.strip()
    names = [n.sval for n in strip_catalog(node.collname)]
    return None if names == ["default"] else ".".join(quote_ident(n) for n in names)


def rename_columns(expression: str, renamed: dict[str, str]) -> str:
    """The expression as PostgreSQL holds it after RENAME COLUMN: the database carries
    renames into checks and index predicates, so the old text must not look changed."""
    class Rename(Visitor):
        def visit_ColumnRef(self, ancestors: Any, node: ast.ColumnRef) -> Any:
            fields = node.fields
            last = fields[-1] if fields else None
            if isinstance(last, ast.String) and last.sval in renamed:
                return ast.ColumnRef(fields=(*fields[:-1], ast.String(renamed[last.sval])))
            return None

    try:
        tree = parse_sql(f"SELECT {expression}")
        Rename()(tree)
        return RawStream()(tree[0].stmt.targetList[0].val)
    except Exception:  # noqa: BLE001 - not parsable: compared as it is
        return expression
