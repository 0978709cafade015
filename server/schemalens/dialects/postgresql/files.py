"""PostgreSQL schema files -> the desired Schema, read with PostgreSQL's own parser (pglast).

The desired schema must mean what PostgreSQL would make of the files, so the files are
parsed by libpg_query (PostgreSQL's grammar) and applied statement by statement, in
order, to an in-memory model: the final state counts, as if the files had been run on an
empty database. `pg_dump --schema-only` output and installer scripts are real input, so
psql-only text (backslash meta-commands, `COPY ... FROM stdin` data) is cut out before
parsing, and session/data statements are skipped with a note rather than rejected.

Speed: the whole file is parsed in one call of `parse_sql_json` (C, fast); only when that
fails is the file split psql-style into statements and parsed one by one, so that one
bad statement is reported at its exact place without hiding the others. Expressions are
rendered to SQL text once, after all statements are applied (renames rewrite the tree
first): simple shapes by a small renderer here, the rest by pglast's deparser.

What is not modeled is never half-modeled: a table with INHERITS, PARTITION BY,
PARTITION OF, OF type, LIKE, UNLOGGED or TEMP is left out of the model entirely (pushing
a plain table in its place would be wrong) and reported as unmanaged. An EXCLUDE
constraint is reported as unmanaged while its table stays modeled: dropping the whole
table from the model would make push try to drop it, the constraint alone is harmless to
leave to the database. Ownership (OWNER TO) is not modeled either: it gets an info note
like other skipped statements, since pg_dump writes one for every object.
"""

from __future__ import annotations

import copy
import gc
import json
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pglast import ast as pg_ast
from pglast.parser import ParseError, parse_sql_json, split
from pglast.stream import RawStream

from schemalens.model import (
    Anchor,
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Problem,
    Schema,
    Sequence,
    Span,
    Table,
    Unique,
)
from schemalens.dialects.postgresql.names import choose_name, quote_ident
from schemalens.dialects.postgresql.types import INTERVAL_FIELDS
from schemalens.sources import SourceResult, Unmanaged, directives

Json = dict[str, Any]

# --- identifiers and positions ----------------------------------------------------------

def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_IDENT = r'(?:"[^"]*(?:""[^"]*)*"|[^\W\d][\w$]*)'
_IDENT_CHAIN = re.compile(_IDENT + r"(?:\s*\.\s*" + _IDENT + r")*")


class _File:
    """One file's text: converts the parser's UTF-8 byte offsets to code-point positions."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.anchor: Anchor | None = None  # of the table group statement being read
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._data = text.encode("utf-8")
        self._ascii = len(self._data) == len(text)
        self._line_bytes = (self.line_starts if self._ascii
                            else [0] + [m.end() for m in re.finditer(b"\n", self._data)])

    def char(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        line = bisect_right(self._line_bytes, byte_offset) - 1
        start = self._line_bytes[line]
        prefix = self._data[start:byte_offset].decode("utf-8", "replace")
        return self.line_starts[line] + len(prefix)

    def line_col(self, char_offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, char_offset) - 1
        return line, char_offset - self.line_starts[line]

    def line(self, char_offset: int) -> int:
        return bisect_right(self.line_starts, char_offset) - 1

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        line = bisect_right(starts, start) - 1
        end = max(start, end)
        if line + 1 == len(starts) or end < starts[line + 1]:
            return Span(self.path, line, start - starts[line], line, end - starts[line], self.anchor)
        el, ec = self.line_col(end)
        return Span(self.path, line, start - starts[line], el, ec, self.anchor)

    def ident_span(self, start: int) -> Span:
        """Span of the (possibly qualified) name that starts at `start`."""
        m = _IDENT_CHAIN.match(self.text, start)
        return self.span(start, m.end() if m else start)


# --- psql-style statement splitting ----------------------------------------------------

_SPLIT_TOKEN = re.compile(
    r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|(?<![\w$])\$(?:[^\W\d]\w*)?\$|;|\\|\(|\)"""
)
_SINGLE_QUOTED = re.compile(r"'[^']*(?:''[^']*)*'")
_ESCAPE_QUOTED = re.compile(r"[Ee]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.S)
_DOUBLE_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_BLOCK_COMMENT_PART = re.compile(r"/\*|\*/")
_COPY_FROM_STDIN = re.compile(r"\bCOPY\b[^;]*\bFROM\s+STDIN\b", re.I)
_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
_COPY_START = re.compile(r"COPY\b", re.I)


def _block_comment_end(text: str, start: int) -> int:
    depth = 0
    pos = start
    while True:
        m = _BLOCK_COMMENT_PART.search(text, pos)
        if m is None:
            return len(text)
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
        if depth == 0:
            return pos


def _quoted_end(text: str, start: int, token: str) -> int:
    """End of the quoted string/identifier/dollar body opened at `start` (unterminated: EOF)."""
    if token.startswith("$"):
        end = text.find(token, start + len(token))
        return len(text) if end < 0 else end + len(token)
    pattern = {"'": _SINGLE_QUOTED, '"': _DOUBLE_QUOTED}.get(token, _ESCAPE_QUOTED)
    m = pattern.match(text, start)
    return m.end() if m else len(text)


@dataclass
class _Cut:
    """A stretch psql would not send to the server: a meta-command or COPY data."""

    start: int
    end: int
    kind: str  # "meta" | "copy-data"


def _split(text: str, parens: bool = True) -> tuple[list[tuple[int, int]], list[_Cut]]:
    """psql's view of a script: statement (start, end) char ranges and the cut stretches.

    Like psql: a `;` ends a statement only outside quotes, comments and parentheses; a
    backslash outside them starts a meta-command running to the end of the line; after
    `COPY ... FROM stdin;` the data runs up to a line `\\.`.
    """
    statements: list[tuple[int, int]] = []
    cuts: list[_Cut] = []
    pos = stmt_start = depth = 0
    while True:
        m = _SPLIT_TOKEN.search(text, pos)
        if m is None:
            break
        tok = m.group()
        if tok.startswith("--"):
            pos = m.end()
        elif tok == "/*":
            pos = _block_comment_end(text, m.start())
        elif tok in ("'", '"') or tok.startswith("$") or tok[0] in "Ee":
            pos = _quoted_end(text, m.start(), tok)
        elif tok == "(":
            depth += parens
            pos = m.end()
        elif tok == ")":
            depth = max(0, depth - 1)
            pos = m.end()
        elif tok == "\\":
            eol = text.find("\n", m.start())
            eol = len(text) if eol < 0 else eol
            cuts.append(_Cut(m.start(), eol, "meta"))
            pos = eol
        elif depth == 0:  # ";"
            statements.append((stmt_start, m.end()))
            pos = stmt_start = m.end()
            body = text[statements[-1][0]:m.start()]
            lead = _LEADING_NOISE.match(body)
            if _COPY_START.match(body, lead.end() if lead else 0) and _COPY_FROM_STDIN.search(body):
                pos = stmt_start = _cut_copy_data(text, m.end(), cuts)
        else:
            pos = m.end()
    if text[stmt_start:].strip():
        statements.append((stmt_start, len(text)))
    return statements, cuts


def _cut_copy_data(text: str, after: int, cuts: list[_Cut]) -> int:
    eol = text.find("\n", after)
    if eol < 0:
        return len(text)
    start = eol + 1
    m = re.compile(r"^\\\.\r?$", re.M).search(text, start)
    end = len(text) if m is None else m.end()
    cuts.append(_Cut(start, end, "copy-data"))
    return end


def _blank(text: str, cuts: list[_Cut]) -> str:
    """The text with cut stretches replaced by spaces: code-point offsets stay valid."""
    if not cuts:
        return text
    parts: list[str] = []
    pos = 0
    for cut in cuts:
        parts.append(text[pos:cut.start])
        parts.append(re.sub(r"[^\n]", " ", text[cut.start:cut.end]))
        pos = cut.end
    parts.append(text[pos:])
    return "".join(parts)


_ELEMENT_TOKEN = re.compile(r"""--[^\n]*|/\*|(?<![\w$])[Ee]'|'|"|(?<![\w$])\$(?:[^\W\d]\w*)?\$|[(),]""")


def _element_end(text: str, start: int, limit: int) -> int:
    """End of the list element (column, constraint) starting at `start`: before the next
    top-level `,` or `)`, without trailing whitespace and comments."""
    if limit < len(text) and "--" not in text[start:limit] and "/*" not in text[start:limit]:
        chunk = text[start:limit].rstrip()
        if chunk.endswith(","):
            chunk = chunk[:-1].rstrip()
        return start + len(chunk)
    pos = last = start
    depth = 0
    while True:
        m = _ELEMENT_TOKEN.search(text, pos)
        gap_end = m.start() if m else len(text)
        gap = text[pos:gap_end]
        if gap.strip():
            last = pos + len(gap.rstrip())
        if m is None:
            return last
        tok = m.group()
        if tok.startswith("--"):
            pos = m.end()
        elif tok == "/*":
            pos = _block_comment_end(text, m.start())
        elif tok in ",)" and depth == 0:
            return last
        elif tok == "(":
            depth += 1
            pos = last = m.end()
        elif tok == ")":
            depth -= 1
            pos = last = m.end()
        elif tok == ",":
            pos = last = m.end()
        else:
            pos = last = _quoted_end(text, m.start(), tok)


# --- types ------------------------------------------------------------------------------

_BUILTIN_TYPES = frozenset("""
aclitem bit bool box bpchar bytea char cid cidr circle date datemultirange daterange float4
float8 gtsvector inet int2 int2vector int4 int4multirange int4range int8 int8multirange
int8range interval json jsonb jsonpath line lseg macaddr macaddr8 money name numeric
nummultirange numrange oid oidvector path pg_lsn pg_snapshot point polygon refcursor
regclass regcollation regconfig regdictionary regnamespace regoper regoperator regproc
regprocedure regrole regtype text tid time timestamp timestamptz timetz tsmultirange tsquery
tsrange tstzmultirange tstzrange tsvector txid_snapshot uuid varbit varchar xid xid8 xml
record void trigger anyelement anyarray cstring
""".split())

# format_type() spellings of the catalog names the grammar produces for SQL keywords.
_TYPE_SPELLING = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
    "float8": "double precision", "bool": "boolean", "varchar": "character varying",
    "bpchar": "character", "varbit": "bit varying", "numeric": "numeric", "bit": "bit",
}
_TIME_TYPES = {
    "timestamp": ("timestamp", " without time zone"), "timestamptz": ("timestamp", " with time zone"),
    "time": ("time", " without time zone"), "timetz": ("time", " with time zone"),
}
_SERIAL_TYPES = {"serial": "integer", "serial4": "integer", "bigserial": "bigint",
                 "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint"}
_INT_RANGES = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
               "bigint": (-9223372036854775808, 9223372036854775807)}


def _names(items: list[Json]) -> list[str]:
    return [i["String"]["sval"] for i in items if "String" in i]


def _array_suffix(type_name: Json) -> str:
    out = []
    for bound in type_name.get("arrayBounds", ()):
        n = bound.get("Integer", {}).get("ival", 0)
        out.append("[]" if n < 0 else f"[{n}]")
    return "".join(out)


def _builtin_type_text(name: str, type_name: Json) -> str:
    if "typmods" not in type_name and name in _TYPE_SPELLING:
        # bpchar without a length is bpchar (blank-padded, any length): only the grammar's
        # `character` has a length, 1 when none is written (format_type prints the same)
        return "bpchar" if name == "bpchar" else _TYPE_SPELLING[name]
    mods = [_deparse(m) for m in type_name.get("typmods", ())]
    if name == "interval":
        text = "interval"
        if mods:
            mask = type_name["typmods"][0].get("A_Const", {}).get("ival", {}).get("ival", 0)
            if mask in INTERVAL_FIELDS:
                text += " " + INTERVAL_FIELDS[mask]
            if len(mods) > 1:
                text += f"({mods[1]})"
        return text
    if name in _TIME_TYPES:
        base, zone = _TIME_TYPES[name]
        return base + (f"({','.join(mods)})" if mods else "") + zone
    base = _TYPE_SPELLING.get(name, quote_ident(name))
    return base + (f"({','.join(mods)})" if mods else "")


# --- expressions ------------------------------------------------------------------------

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
        return _quote_literal(body["sval"].get("sval", ""))
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
        return f"{arg}::{_plain_type_text(body['typeName'])}"
    if kind == "FuncCall":
        if set(body) - {"funcname", "args", "funcformat", "location"}:
            return None
        if body.get("funcformat") != "COERCE_EXPLICIT_CALL":
            return None
        args = [_fast(a) for a in body.get("args", ())]
        if any(a is None for a in args):
            return None
        name = ".".join(quote_ident(n) for n in _names(body["funcname"]))
        return f"{name}({', '.join(args)})"  # type: ignore[arg-type]
    if kind == "SQLValueFunction" and body.get("typmod", -1) == -1:
        return _SVF.get(body["op"])
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
    op = _names(body.get("name", []))
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


def _plain_type_text(type_name: Json) -> str:
    """A type as written, for casts inside expressions (no schema resolution)."""
    names = _names(type_name["names"])
    if len(names) == 2 and names[0] == "pg_catalog":
        base = _builtin_type_text(names[1], type_name)
    else:
        mods = [_deparse(m) for m in type_name.get("typmods", ())]
        base = ".".join(quote_ident(n) for n in names) + (f"({','.join(mods)})" if mods else "")
    return base + _array_suffix(type_name)


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
        if value is None:
            continue
        ctype = info.c_type
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


def _deparse(node: Json) -> str:
    text = _fast(node)
    if text is not None:
        return text
    return RawStream()(_to_ast(node))


def _walk(value: Any) -> Iterator[tuple[str, Json]]:
    """Every (node kind, body) in a JSON subtree."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if isinstance(sub, dict) and key[:1].isupper():
                yield key, sub
            yield from _walk(sub)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _column_refs(node: Any) -> set[str]:
    out = set()
    for kind, body in _walk(node):
        if kind == "ColumnRef":
            fields = body.get("fields", ())
            if fields and "String" in fields[-1]:
                out.add(fields[-1]["String"]["sval"])
    return out


def _rename_refs(node: Any, old: str, new: str) -> None:
    for kind, body in _walk(node):
        if kind == "ColumnRef":
            last = body.get("fields", [])[-1:] or [{}]
            if last[0].get("String", {}).get("sval") == old:
                last[0]["String"]["sval"] = new
        elif kind == "IndexElem" and body.get("name") == old:
            body["name"] = new


def _int_arg(node: Json | None) -> int | None:
    if not node:
        return None
    if "Integer" in node:
        return int(node["Integer"].get("ival", 0))
    if "Float" in node:
        return int(node["Float"]["fval"])
    return None


# --- the builder ------------------------------------------------------------------------


_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_FK_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}

_SKIPPED = {
    "TransactionStmt": "transaction control", "InsertStmt": "data (INSERT)",
    "UpdateStmt": "data (UPDATE)", "DeleteStmt": "data (DELETE)", "CopyStmt": "data (COPY)",
    "VariableSetStmt": "session setting", "VariableShowStmt": "SHOW", "SelectStmt": "SELECT",
    "CheckPointStmt": "CHECKPOINT", "VacuumStmt": "VACUUM/ANALYZE", "LockStmt": "LOCK",
    "NotifyStmt": "NOTIFY", "ListenStmt": "LISTEN", "DiscardStmt": "DISCARD",
    "ExplainStmt": "EXPLAIN", "TruncateStmt": "data (TRUNCATE)", "ReindexStmt": "REINDEX",
    "ClusterStmt": "CLUSTER", "ConstraintsSetStmt": "SET CONSTRAINTS",
}


@dataclass
class _Stmt:
    kind: str
    body: Json
    base: int      # byte offset of the parsed text within the file
    start: int     # char offsets of the statement in the file
    end: int


@dataclass
class _Group:
    """A CREATE TABLE and the later statements of its file that only add to that table
    (CREATE INDEX, COMMENT ON TABLE/COLUMN): the unit a parse reuses from an earlier one.

    Its table is reused, as the same objects, when the statements' text, place and
    search_path are unchanged (the key), what they read of the shared state (relation
    names, enums, foreign key targets: the log) is the same again, and no other statement
    of the files names anything it touched (Builder.touched): an ALTER, DROP or RENAME of
    it or of what it read makes it be built again."""

    create: _Stmt
    members: list[_Stmt] = field(default_factory=list)
    key: tuple[Any, ...] | None = None
    logs: list[list[tuple[Any, ...]]] = field(default_factory=list)
    clean: bool = True  # its statements raised no problem and left no type to resolve
    table: Table | None = None
    entry: _Entry | None = None  # set when reused
    lines: tuple[int, ...] = ()  # where its statements start
    anchors: list[Anchor] = field(default_factory=list)  # of the spans read from each statement


@dataclass
class _Entry:
    key: tuple[Any, ...]
    table: Table
    logs: list[list[tuple[Any, ...]]]
    names: frozenset[str]
    enum_columns: list[tuple[int, tuple[tuple[str, str], Column, str]]]
    fk_ref_spans: list[tuple[int, Span]]
    lines: tuple[int, ...]
    anchors: list[Anchor]


def _moved(entry: _Entry, lines: tuple[int, ...]) -> None:
    """Move a group whose statements are now at other lines (same text, same columns):
    its anchors, hence every span of its table, go with them."""
    for anchor, line in zip(entry.anchors, lines, strict=True):
        anchor.line = line
    entry.lines = lines


class _Stale(Exception):
    """A reused table turned out not to fit the file: parse it from scratch."""


@dataclass
class _TableExtra:
    """What a table needs beyond the model while the files are applied."""

    deferred: dict[tuple[int, str], tuple[Any, str, Any]] = field(default_factory=dict)
    last_constraint: Any = None
    columns: dict[str, Column] = field(default_factory=dict)


class _Builder:
    def __init__(self, default_schema: str) -> None:
        self.default_schema = default_schema
        self.schema = Schema(dialect="postgresql")
        self.problems: list[Problem] = []
        self.unmanaged: list[Unmanaged] = []
        self.search_path: list[str] = [default_schema]
        self.tables: dict[tuple[str, str], Table] = {}
        self.extra: dict[int, _TableExtra] = {}
        # Relation names per namespace (tables, indexes, sequences, PK/UNIQUE indexes):
        # PostgreSQL keeps them in one namespace, so a clash is an error wherever it is.
        self.relations: dict[tuple[str, str], tuple[str, Any, Table | None]] = {}
        self.unmanaged_relations: set[tuple[str, str]] = set()
        # Types the files define without schemalens managing them (domains, composite,
        # range and base types): columns may use them, they are not unknown.
        self.unmanaged_types: set[tuple[str, str]] = set()
        self.enum_columns: dict[int, tuple[tuple[str, str], Column, str]] = {}
        self.pending_types: list[tuple[Table, Column, Json, list[str], Span]] = []
        self.fk_ref_spans: dict[int, Span] = {}
        self.f: _File = _File("", "")
        self.directives: list[tuple[int, str]] = []
        # While a table group's statement is applied: what it read of, and wrote to, the
        # state other statements share (see _Group), so that a later parse can check the
        # reads and redo the writes instead of building the table again.
        self.log: list[tuple[Any, ...]] | None = None
        self.members: dict[int, tuple[_Group, int]] = {}
        self.groups: list[_Group] = []
        self.touched: set[str] = set()
        self.memo: dict[tuple[Any, ...], _Entry] = {}
        self.used: dict[tuple[Any, ...], _Entry] = {}

    def col(self, table: Table, name: str) -> Column | None:
        return self.extra[id(table)].columns.get(name)

    # -- problems ---------------------------------------------------------------------

    def error(self, code: str, message: str, span: Span | None) -> None:
        self.problems.append(Problem("error", code, message, span))

    def warn(self, code: str, message: str, span: Span | None) -> None:
        self.problems.append(Problem("warning", code, message, span))

    def not_managed(self, kind: str, name: str, span: Span, why: str = "") -> None:
        self.unmanaged.append(Unmanaged(kind, name, span))
        reason = f" ({why})" if why else ""
        self.warn("unmanaged", f"{kind} {name} is not managed by schemalens{reason}: it is left "
                  "as it is in the database", span)

    # -- positions --------------------------------------------------------------------

    def at(self, stmt: _Stmt, location: int | None) -> int:
        """Char offset in the file of a node location of this statement."""
        if location is None or location < 0:
            return stmt.start
        return self.f.char(stmt.base + location)

    def stmt_span(self, stmt: _Stmt) -> Span:
        return self.f.span(stmt.start, stmt.end)

    def name_span(self, stmt: _Stmt, node: Json) -> Span:
        return self.f.ident_span(self.at(stmt, node.get("location")))

    # -- names --------------------------------------------------------------------------

    def creation_schema(self) -> str:
        return self.search_path[0] if self.search_path else self.default_schema

    def lookup_schemas(self) -> list[str]:
        return self.search_path or [self.default_schema]

    def qualify(self, schemaname: str | None, name: str) -> tuple[str, str]:
        return (schemaname or self.creation_schema(), name)

    def find_table(self, rv: Json) -> Table | None:
        table = self._find_table(rv.get("schemaname"), rv["relname"])
        if self.log is not None:
            self.log.append(("table", (rv.get("schemaname"), rv["relname"]), table and table.key))
        return table

    def _find_table(self, schemaname: str | None, relname: str) -> Table | None:
        if schemaname:
            return self.tables.get((schemaname, relname))
        for s in self.lookup_schemas():
            table = self.tables.get((s, relname))
            if table is not None:
                return table
        return None

    def is_unmanaged_rel(self, rv: Json) -> bool:
        schemas = [rv["schemaname"]] if rv.get("schemaname") else self.lookup_schemas()
        return any((s, rv["relname"]) in self.unmanaged_relations for s in schemas)

    def find_relation(self, names: list[str]) -> tuple[tuple[str, str], tuple[str, Any, Table | None]] | None:
        schemas = names[:-1] or self.lookup_schemas()
        for s in schemas[-1:] if len(names) > 1 else schemas:
            entry = self.relations.get((s, names[-1]))
            if entry is not None:
                return (s, names[-1]), entry
        return None

    def find_enum(self, names: list[str]) -> Enum | None:
        enum = self._find_enum(names)
        if self.log is not None:
            self.log.append(("enum", tuple(names), enum and enum.key))
        return enum

    def _find_enum(self, names: list[str] | tuple[str, ...]) -> Enum | None:
        schemas = names[:-1] if len(names) > 1 else self.lookup_schemas()
        for s in schemas:
            e = self.schema.enum(s, names[-1])
            if e is not None:
                return e
        return None

    def has_relation(self, key: tuple[str, str]) -> bool:
        found = key in self.relations
        if self.log is not None:
            self.log.append(("relation", key, found))
        return found

    def set_relation(self, key: tuple[str, str], entry: tuple[str, Any, Table | None]) -> None:
        self.relations[key] = entry
        if self.log is not None:
            self.log.append(("set", key, entry))

    def has_unmanaged(self, key: tuple[str, str]) -> bool:
        found = key in self.unmanaged_relations
        if self.log is not None:
            self.log.append(("unmanaged", key, found))
        return found

    def register(self, schema: str, name: str, kind: str, obj: Any, table: Table | None,
                 span: Span | None) -> bool:
        if self.has_relation((schema, name)):
            self.error("duplicate-name", f'relation "{name}" already exists in schema {schema}', span)
            return False
        self.set_relation((schema, name), (kind, obj, table))
        return True

    def rel_name(self, rv: Json) -> str:
        return ".".join(quote_ident(n) for n in (rv.get("schemaname"), rv["relname"]) if n)

    # -- statements ---------------------------------------------------------------------

    def apply(self, stmt: _Stmt) -> None:
        """Apply one statement; a shape this reader does not expect becomes a problem at
        the statement, never a traceback (the editor reads half-written files)."""
        member = self.members.get(id(stmt))
        if member is not None:
            self.apply_member(*member, stmt)
            return
        self.apply_one(stmt)

    def apply_one(self, stmt: _Stmt) -> None:
        try:
            self.dispatch(stmt)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            self.error("unsupported-statement", "schemalens could not read this statement "
                       f"({type(exc).__name__}: {exc})", self.stmt_span(stmt))

    def dispatch(self, stmt: _Stmt) -> None:
        handler = getattr(self, "_" + stmt.kind, None)
        if handler is not None:
            handler(stmt, stmt.body)
        elif stmt.kind in _SKIPPED:
            self.skipped(stmt, _SKIPPED[stmt.kind])
        elif stmt.kind == "AlterOwnerStmt":
            self.skipped(stmt, "OWNER TO (ownership is not managed)")
        else:
            self.unmanaged_stmt(stmt)

    def skipped(self, stmt: _Stmt, what: str) -> None:
        self.problems.append(Problem("info", "skipped-statement",
                                     f"{what} skipped: it is not part of the schema",
                                     self.stmt_span(stmt)))

    def unmanaged_stmt(self, stmt: _Stmt) -> None:
        kind, name = _describe(stmt.kind, stmt.body)
        rv = stmt.body.get("view") or (stmt.body.get("into") or {}).get("rel")
        if stmt.kind == "CreateForeignTableStmt":
            rv = stmt.body["base"]["relation"]
        if stmt.kind in ("ViewStmt", "CreateTableAsStmt", "CreateForeignTableStmt") and rv:
            self.unmanaged_relations.add(self.qualify(rv.get("schemaname"), rv["relname"]))
        type_names = _defined_type(stmt.kind, stmt.body)
        if type_names:
            self.unmanaged_types.add(self.qualify(type_names[-2] if len(type_names) > 1 else None,
                                                  type_names[-1]))
        self.not_managed(kind, name, self.stmt_span(stmt))

    def _VariableSetStmt(self, stmt: _Stmt, body: Json) -> None:
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

    def _SelectStmt(self, stmt: _Stmt, body: Json) -> None:
        targets = body.get("targetList", ())
        call = targets[0]["ResTarget"].get("val", {}).get("FuncCall") if len(targets) == 1 else None
        if call and _names(call["funcname"])[-1] == "set_config":
            args = [a.get("A_Const", {}).get("sval", {}).get("sval") for a in call.get("args", ())]
            if len(args) >= 2 and args[0] == "search_path" and args[1] is not None:
                self.set_search_path([_unquote(p.strip()) for p in args[1].split(",") if p.strip()])
                return
        self.skipped(stmt, "SELECT")

    def _CreateSchemaStmt(self, stmt: _Stmt, body: Json) -> None:
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
            self.dispatch(_Stmt(kind, sub, stmt.base, stmt.start, stmt.end))
        self.search_path = saved

    def _CreateExtensionStmt(self, stmt: _Stmt, body: Json) -> None:
        name = body["extname"]
        if any(e.name == name for e in self.schema.extensions):
            if not body.get("if_not_exists"):
                self.error("duplicate-name", f"extension {name} already exists", self.stmt_span(stmt))
            return
        schema = None
        for opt in body.get("options", ()):
            d = opt["DefElem"]
            if d["defname"] == "schema":
                schema = d["arg"]["String"]["sval"]
        self.schema.extensions.append(Extension(name, schema, span=self.stmt_span(stmt)))

    # -- enums ----------------------------------------------------------------------------

    def _CreateEnumStmt(self, stmt: _Stmt, body: Json) -> None:
        names = _names(body["typeName"])
        schema, name = (names[0], names[1]) if len(names) > 1 else (self.creation_schema(), names[0])
        span = self.stmt_span(stmt)
        if self.schema.enum(schema, name) is not None or (schema, name) in self.tables:
            self.error("duplicate-name", f"type {schema}.{name} already exists", span)
            return
        values: list[str] = []
        for v in _names(body.get("vals", [])):
            if v in values:
                self.error("duplicate-name", f'enum label "{v}" used more than once', span)
            else:
                values.append(v)
        self.schema.enums.append(Enum(schema, name, values, span=span))

    def _AlterEnumStmt(self, stmt: _Stmt, body: Json) -> None:
        enum = self.find_enum(_names(body["typeName"]))
        span = self.stmt_span(stmt)
        if enum is None:
            self.error("unknown-type", f"type {'.'.join(_names(body['typeName']))} does not exist", span)
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

    # -- sequences ------------------------------------------------------------------------

    def _CreateSeqStmt(self, stmt: _Stmt, body: Json) -> None:
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

    def _AlterSeqStmt(self, stmt: _Stmt, body: Json) -> None:
        rv = body["sequence"]
        found = self.find_relation([n for n in (rv.get("schemaname"), rv["relname"]) if n])
        if found is not None and found[1][0] == "serial-sequence":
            return  # a serial column's own sequence: its options are not modeled
        if found is None or found[1][0] != "sequence":
            if not body.get("missing_ok"):
                self.error("unknown-sequence", f"sequence {self.rel_name(rv)} does not exist",
                           self.name_span(stmt, rv))
            return
        self.sequence_options(stmt, found[1][1], body.get("options", ()))

    def sequence_options(self, stmt: _Stmt, seq: Sequence, options: Any) -> None:
        for opt in options:
            d = opt["DefElem"]
            name, arg = d["defname"], d.get("arg")
            if name == "as":
                seq.data_type = _plain_type_text(arg["TypeName"])
            elif name == "owned_by":
                names = _names(arg["List"]["items"]) if "List" in arg else _names(arg)
                seq.owned_by = self.owned_by(stmt, names)
            elif name == "cycle":
                seq.cycle = bool(arg["Boolean"].get("boolval")) if arg else True
            elif name in ("start", "increment", "minvalue", "maxvalue", "cache"):
                attr = {"minvalue": "min_value", "maxvalue": "max_value"}.get(name, name)
                setattr(seq, attr, _int_arg(arg))

    def owned_by(self, stmt: _Stmt, names: list[str]) -> tuple[str, str, str] | None:
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

    # -- tables -----------------------------------------------------------------------------

    def _CreateStmt(self, stmt: _Stmt, body: Json) -> None:
        rv = body["relation"]
        schema, name = self.qualify(rv.get("schemaname"), rv["relname"])
        span = self.name_span(stmt, rv)
        why = _unmanaged_table_reason(body)
        if why:
            self.unmanaged_relations.add((schema, name))
            written = ".".join(n for n in (rv.get("schemaname"), name) if n)
            self.not_managed("table", written, span, why)
            return
        if body.get("if_not_exists") and self.has_relation((schema, name)):
            return
        table = Table(schema, name, span=span)
        if not self.register(schema, name, "table", table, table, span):
            return
        if self.find_enum([schema, name]) is not None:
            self.error("duplicate-name", f"type {schema}.{name} already exists", span)
            return
        self.tables[(schema, name)] = table
        self.extra[id(table)] = _TableExtra()
        self.schema.tables.append(table)
        elements = body.get("tableElts", [])
        starts = [self.at(stmt, next(iter(e.values())).get("location")) for e in elements]
        table.renamed_from = self.table_directive(stmt, starts[0] if starts else stmt.end, span)
        for i, element in enumerate(elements):
            limit = starts[i + 1] if i + 1 < len(starts) else len(self.f.text)
            (kind, node), = element.items()
            end = _element_end(self.f.text, starts[i], limit)
            espan = self.f.span(starts[i], end)
            if kind == "ColumnDef":
                self.add_column(stmt, table, node, espan, starts[i], end, limit)
            elif kind == "Constraint":
                self.add_constraint(stmt, table, node, None, (starts[i], end))
        if body.get("options") or body.get("tablespacename") or body.get("accessMethod"):
            self.not_managed("storage options of table", f"{schema}.{name}", span)

    def table_directive(self, stmt: _Stmt, first_element: int, name_span: Span) -> str | None:
        for pos, old in self.directives_in(stmt.start, stmt.end):
            if pos < first_element or self.f.line(pos) == name_span.start_line:
                return old
        return None

    def statement_directive(self, stmt: _Stmt) -> str | None:
        """A `@renamed from=x` comment inside the statement or after it on its last line."""
        if not self.directives:
            return None
        line = self.f.line(stmt.end)
        line_end = (self.f.line_starts[line + 1] if line + 1 < len(self.f.line_starts)
                    else len(self.f.text))
        found = self.directives_in(stmt.start, line_end)
        return found[0][1] if found else None

    def directives_in(self, start: int, end: int) -> list[tuple[int, str]]:
        if not self.directives:
            return []
        i = bisect_right(self.directives, (start, ""))
        out = []
        while i < len(self.directives) and self.directives[i][0] < end:
            out.append(self.directives[i])
            i += 1
        return out

    def column_directive(self, start: int, end: int, limit: int) -> str | None:
        """A `-- @renamed from=x` within a column definition or after it on its last line,
        before the next element starts."""
        if not self.directives:
            return None
        last_line = self.f.line(end)
        line_end = (self.f.line_starts[last_line + 1] if last_line + 1 < len(self.f.line_starts)
                    else len(self.f.text))
        for _, old in self.directives_in(start, min(line_end, limit)):
            return old
        return None

    def add_column(self, stmt: _Stmt, table: Table, node: Json, span: Span,
                   start: int, end: int, limit: int) -> Column | None:
        name = node["colname"]
        if self.col(table, name) is not None:
            self.error("duplicate-column", f'column "{name}" specified more than once', span)
            return None
        column = Column(name, "", span=span)
        column.renamed_from = self.column_directive(start, end, limit)
        serial = self.set_type(stmt, table, column, node["typeName"], span)
        if node.get("collClause"):
            column.collation = ".".join(quote_ident(n) for n in _names(node["collClause"]["collname"]))
        table.columns.append(column)
        extra = self.extra[id(table)]
        extra.columns[name] = column
        if serial:
            self.make_serial(table, column)
        extra.last_constraint = None
        for c in node.get("constraints", ()):
            cnode = c["Constraint"]
            cstart = self.at(stmt, cnode.get("location"))
            self.add_constraint(stmt, table, cnode, column, (cstart, max(cstart, end)))
        return column

    def set_type(self, stmt: _Stmt, table: Table, column: Column, type_name: Json, span: Span) -> bool:
        """Set the column's type text; True when it was a serial pseudo-type."""
        names = _names(type_name["names"])
        self.enum_columns.pop(id(column), None)
        if type_name.get("pct_type"):
            column.type = ".".join(quote_ident(n) for n in names) + "%TYPE"
            self.warn("unmanaged", f"%TYPE for column {column.name} is not resolved", span)
            return False
        if len(names) == 1 and names[0] in _SERIAL_TYPES and not type_name.get("arrayBounds"):
            column.type = _SERIAL_TYPES[names[0]]
            return True
        if names[0] == "pg_catalog" and len(names) == 2:
            column.type = _builtin_type_text(names[1], type_name) + _array_suffix(type_name)
            return False
        if len(names) == 1 and names[0] in _BUILTIN_TYPES:  # pg_catalog comes first in the path
            column.type = _builtin_type_text(names[0], type_name) + _array_suffix(type_name)
            return False
        enum = self.find_enum(names)
        if enum is not None:
            self.set_enum_type(column, enum, _array_suffix(type_name))
        else:
            column.type = _plain_type_text(type_name)
            self.pending_types.append((table, column, type_name, list(self.lookup_schemas()), span))
        return False

    def set_enum_type(self, column: Column, enum: Enum, suffix: str) -> None:
        column.type = f"{quote_ident(enum.schema)}.{quote_ident(enum.name)}{suffix}"
        self.enum_columns[id(column)] = (enum.key, column, suffix)

    def make_serial(self, table: Table, column: Column) -> None:
        seq = self.choose_name(table.schema, table.name, column.name, "seq")
        self.set_relation((table.schema, seq), ("serial-sequence", column, table))
        literal = _quote_literal(f"{quote_ident(table.schema)}.{quote_ident(seq)}")
        column.default = f"nextval({literal}::regclass)"
        column.nullable = False
        self.extra[id(table)].deferred.pop((id(column), "default"), None)

    def choose_name(self, schema: str, name1: str, name2: str, label: str) -> str:
        return choose_name(name1, name2, label, lambda name: self.has_relation((schema, name)))

    def add_constraint(self, stmt: _Stmt, table: Table, c: Json, column: Column | None,
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
            if name in _constraint_names(table):
                self.error("duplicate-constraint",
                           f'constraint "{name}" for relation "{table.name}" already exists', span)
                return
        keys = [column.name] if column is not None else _names(c.get("keys", []))
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
            self.set_identity(stmt, column, c)
        elif kind == "CONSTR_CHECK":
            check = Check(name, "", no_inherit=bool(c.get("is_no_inherit")), span=span)
            extra.deferred[(id(check), "expression")] = (check, "expression", c["raw_expr"])
            table.checks.append(check)
        elif kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            self.add_key(stmt, table, c, keys, span)
        elif kind == "CONSTR_FOREIGN":
            self.add_foreign_key(stmt, table, c, column, span)
        elif kind == "CONSTR_EXCLUSION":
            self.not_managed("exclusion constraint", f"{name or '(unnamed)'} on {table.schema}.{table.name}", span)

    def add_key(self, stmt: _Stmt, table: Table, c: Json, keys: list[str], span: Span) -> None:
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
        if primary:
            if table.primary_key is not None:
                self.error("duplicate-constraint",
                           f'multiple primary keys for table "{table.name}" are not allowed', span)
                return
            table.primary_key = PrimaryKey(name, keys, span=span)
            for key in keys:
                self.col(table, key).nullable = False  # type: ignore[union-attr]
            self.extra[id(table)].last_constraint = table.primary_key
            return
        unique = Unique(name, keys, nulls_not_distinct=bool(c.get("nulls_not_distinct")),
                        deferrable=bool(c.get("deferrable")),
                        initially_deferred=bool(c.get("initdeferred")), span=span)
        table.uniques.append(unique)
        self.extra[id(table)].last_constraint = unique
        if c.get("including"):
            self.not_managed("INCLUDE columns of unique constraint", name or "(unnamed)", span)

    def take_index(self, stmt: _Stmt, table: Table, index_name: str, span: Span) -> list[str] | None:
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

    def add_foreign_key(self, stmt: _Stmt, table: Table, c: Json, column: Column | None,
                        span: Span) -> None:
        rv = c["pktable"]
        columns = [column.name] if column is not None else _names(c.get("fk_attrs", []))
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
            c.get("conname"), columns, ref_schema, rv["relname"], _names(c.get("pk_attrs", [])),
            on_delete=_FK_ACTIONS.get(c.get("fk_del_action", "a"), "NO ACTION"),
            on_update=_FK_ACTIONS.get(c.get("fk_upd_action", "a"), "NO ACTION"),
            match=_FK_MATCH.get(c.get("fk_matchtype", "s"), "SIMPLE"),
            deferrable=bool(c.get("deferrable")), initially_deferred=bool(c.get("initdeferred")),
            span=span,
        )
        self.fk_ref_spans[id(fk)] = self.name_span(stmt, rv)
        table.foreign_keys.append(fk)
        self.extra[id(table)].last_constraint = fk

    def set_identity(self, stmt: _Stmt, column: Column, c: Json) -> None:
        identity = Identity(always=c.get("generated_when") == "a")
        self.identity_options(identity, c.get("options", ()))
        column.identity = identity
        column.nullable = False

    def identity_options(self, identity: Identity, options: Any) -> None:
        for opt in options:
            d = opt["DefElem"]
            name, arg = d["defname"], d.get("arg")
            if name == "generated":
                identity.always = _int_arg(arg) == ord("a")
            elif name == "cycle":
                identity.cycle = bool(arg["Boolean"].get("boolval")) if arg else True
            elif name in ("start", "increment", "minvalue", "maxvalue", "cache"):
                attr = {"minvalue": "min_value", "maxvalue": "max_value"}.get(name, name)
                setattr(identity, attr, _int_arg(arg))

    # -- indexes ----------------------------------------------------------------------------

    def _IndexStmt(self, stmt: _Stmt, body: Json) -> None:
        rv = body["relation"]
        span = self.stmt_span(stmt)
        table = self.find_table(rv)
        name = body.get("idxname")
        if table is None:
            if self.is_unmanaged_rel(rv):
                self.not_managed("index", name or f"on {self.rel_name(rv)}", span,
                                 "its table is not managed")
            else:
                self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                           self.name_span(stmt, rv))
            return
        if name and body.get("if_not_exists") and self.has_relation((table.schema, name)):
            return
        elements = body.get("indexParams", [])
        used = set()
        for e in elements:
            elem = e["IndexElem"]
            used |= {elem["name"]} if elem.get("name") else _column_refs(elem.get("expr"))
        include = [e["IndexElem"]["name"] for e in body.get("indexIncludingParams", ())]
        missing = sorted(k for k in used | set(include) | _column_refs(body.get("whereClause"))
                         if self.col(table, k) is None)
        if missing:
            self.error("unknown-column", f'column "{missing[0]}" does not exist', span)
            return
        index = Index(name, [], unique=bool(body.get("unique")),
                      method=body.get("accessMethod", "btree"), include=include,
                      nulls_not_distinct=bool(body.get("nulls_not_distinct")), span=span)
        if name:
            index.renamed_from = self.statement_directive(stmt)
        if name and not self.register(table.schema, name, "index", index, table, span):
            return
        deferred = self.extra[id(table)].deferred
        deferred[(id(index), "columns")] = (index, "columns", elements)
        if body.get("whereClause"):
            index.where = ""
            deferred[(id(index), "where")] = (index, "where", body["whereClause"])
        table.indexes.append(index)
        if body.get("options") or body.get("tableSpace"):
            self.not_managed("storage options of index", name or "(unnamed)", span)

    # -- ALTER TABLE --------------------------------------------------------------------

    def _AlterTableStmt(self, stmt: _Stmt, body: Json) -> None:
        rv = body["relation"]
        objtype = body.get("objtype", "OBJECT_TABLE")
        cmds = [c["AlterTableCmd"] for c in body.get("cmds", ())]
        if any(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            self.skipped(stmt, "OWNER TO (ownership is not managed)")
        if all(c["subtype"] == "AT_ChangeOwner" for c in cmds):
            return
        if objtype != "OBJECT_TABLE":
            self.unmanaged_stmt(stmt)
            return
        table = self.find_table(rv)
        if table is None:
            if self.is_unmanaged_rel(rv):
                self.not_managed("change to table", self.rel_name(rv), self.stmt_span(stmt),
                                 "the table is not managed")
            elif not body.get("missing_ok"):
                self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                           self.name_span(stmt, rv))
            return
        for cmd in cmds:
            self.alter_cmd(stmt, table, cmd)

    def alter_cmd(self, stmt: _Stmt, table: Table, cmd: Json) -> None:
        sub = cmd["subtype"]
        span = self.stmt_span(stmt)
        extra = self.extra[id(table)]
        if sub == "AT_ChangeOwner":
            return
        if sub == "AT_AddColumn":
            node = cmd["def"]["ColumnDef"]
            if cmd.get("missing_ok") and self.col(table, node["colname"]) is not None:
                return
            start = self.at(stmt, node.get("location"))
            self.add_column(stmt, table, node, self.f.span(start, stmt.end), start, stmt.end,
                            stmt.end + 1)
            return
        if sub == "AT_AddConstraint":
            c = cmd["def"]["Constraint"]
            start = self.at(stmt, c.get("location"))
            extra.last_constraint = None
            self.add_constraint(stmt, table, c, None, (start, stmt.end))
            return
        if sub == "AT_DropConstraint":
            self.drop_constraint(table, cmd, span)
            return
        if sub == "AT_ValidateConstraint":
            return  # NOT VALID is not modeled: validating changes nothing here
        if sub == "AT_AlterConstraint":
            self.alter_constraint(table, cmd["def"]["ATAlterConstraint"], span)
            return
        column = self.col(table, cmd.get("name", ""))
        if sub in _COLUMN_CMDS and column is None:
            if not cmd.get("missing_ok"):
                self.error("unknown-column", f'column "{cmd.get("name")}" of relation '
                           f'"{table.name}" does not exist', span)
            return
        if sub == "AT_ColumnDefault":
            extra.deferred.pop((id(column), "default"), None)
            column.default = None  # type: ignore[union-attr]
            if cmd.get("def"):
                extra.deferred[(id(column), "default")] = (column, "default", cmd["def"])
        elif sub == "AT_SetNotNull":
            column.nullable = False  # type: ignore[union-attr]
        elif sub == "AT_DropNotNull":
            column.nullable = True  # type: ignore[union-attr]
        elif sub == "AT_DropColumn":
            self.drop_column(table, column, cmd.get("behavior") == "DROP_CASCADE", span)  # type: ignore[arg-type]
        elif sub == "AT_AlterColumnType":
            node = cmd["def"]["ColumnDef"]
            self.set_type(stmt, table, column, node["typeName"], span)  # type: ignore[arg-type]
            if node.get("collClause"):
                column.collation = ".".join(  # type: ignore[union-attr]
                    quote_ident(n) for n in _names(node["collClause"]["collname"]))
        elif sub == "AT_AddIdentity":
            self.set_identity(stmt, column, cmd["def"]["Constraint"])  # type: ignore[arg-type]
        elif sub == "AT_SetIdentity":
            if column.identity is None:  # type: ignore[union-attr]
                self.error("invalid-identity", f'column "{column.name}" is not an identity column', span)  # type: ignore[union-attr]
            else:
                options = cmd.get("def", {}).get("List", {}).get("items", [])
                self.identity_options(column.identity, options)  # type: ignore[union-attr]
        elif sub == "AT_DropIdentity":
            column.identity = None  # type: ignore[union-attr]
        elif sub == "AT_SetExpression":
            extra.deferred[(id(column), "generated")] = (column, "generated", cmd["def"])
        elif sub == "AT_DropExpression":
            column.generated = None  # type: ignore[union-attr]
            extra.deferred.pop((id(column), "generated"), None)
        else:
            what = sub.removeprefix("AT_")
            self.not_managed(f"ALTER TABLE {what}", f"on {table.schema}.{table.name}", span)

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

    def drop_column(self, table: Table, column: Column, cascade: bool, span: Span) -> None:
        name = column.name
        extra = self.extra[id(table)]
        if table.primary_key and name in table.primary_key.columns:
            self.relations.pop((table.schema, table.primary_key.name or ""), None)
            table.primary_key = None
        for u in [u for u in table.uniques if name in u.columns]:
            self.relations.pop((table.schema, u.name or ""), None)
            table.uniques.remove(u)
        table.foreign_keys = [f for f in table.foreign_keys if name not in f.columns]
        for check in list(table.checks):
            raw = extra.deferred.get((id(check), "expression"))
            if raw and name in _column_refs(raw[2]):
                table.checks.remove(check)
        for index in list(table.indexes):
            raw_cols = extra.deferred.get((id(index), "columns"))
            raw_where = extra.deferred.get((id(index), "where"))
            refs = _column_refs(raw_cols[2] if raw_cols else None) | _column_refs(
                raw_where[2] if raw_where else None)
            refs |= {e["IndexElem"].get("name") for e in (raw_cols[2] if raw_cols else [])}
            if name in refs or name in index.include:
                table.indexes.remove(index)
                self.relations.pop((table.schema, index.name or ""), None)
        for other in self.schema.tables:
            for fk in list(other.foreign_keys):
                if (fk.ref_schema, fk.ref_table) == table.key and name in fk.ref_columns:
                    if not cascade and other is not table:
                        self.error("dependent-objects", f'cannot drop column {name} of table '
                                   f'{table.name} because foreign key of {other.name} depends on it',
                                   span)
                    other.foreign_keys.remove(fk)
        table.columns.remove(column)
        del extra.columns[name]
        self.enum_columns.pop(id(column), None)

    # -- RENAME -------------------------------------------------------------------------

    def _RenameStmt(self, stmt: _Stmt, body: Json) -> None:
        kind = body["renameType"]
        span = self.stmt_span(stmt)
        new = body["newname"]
        if kind in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT"):
            rv = body["relation"]
            table = self.find_table(rv)
            if table is None:
                if self.is_unmanaged_rel(rv):
                    self.unmanaged_stmt(stmt)
                elif not body.get("missing_ok"):
                    self.error("unknown-table", f'relation "{self.rel_name(rv)}" does not exist',
                               self.name_span(stmt, rv))
                return
            if kind == "OBJECT_TABLE":
                self.rename_table(table, new, span)
            elif kind == "OBJECT_COLUMN":
                self.rename_column(table, body["subname"], new, span)
            else:
                self.rename_constraint(table, body["subname"], new, span)
        elif kind in ("OBJECT_INDEX", "OBJECT_SEQUENCE"):
            rv = body["relation"]
            found = self.find_relation([n for n in (rv.get("schemaname"), rv["relname"]) if n])
            if found is None:
                if not body.get("missing_ok"):
                    self.error("unknown-relation", f'relation "{self.rel_name(rv)}" does not exist',
                               self.name_span(stmt, rv))
                return
            self.rename_relation(found[0], found[1], new, span)
        elif kind == "OBJECT_TYPE":
            enum = self.find_enum(_names(body["object"]["List"]["items"]))
            if enum is None:
                self.unmanaged_stmt(stmt)
                return
            old_key = enum.key
            enum.name = new
            for key, column, suffix in list(self.enum_columns.values()):
                if key == old_key:
                    self.set_enum_type(column, enum, suffix)
        elif kind == "OBJECT_SCHEMA":
            self.unmanaged_stmt(stmt)
        else:
            self.unmanaged_stmt(stmt)

    def rename_table(self, table: Table, new: str, span: Span) -> None:
        if not self.register(table.schema, new, "table", table, table, span):
            return
        del self.relations[table.key]
        old_key = table.key
        del self.tables[old_key]
        table.name = new
        self.tables[table.key] = table
        for other in self.schema.tables:
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == old_key:
                    fk.ref_table = new
        for seq in self.schema.sequences:
            if seq.owned_by and seq.owned_by[:2] == old_key:
                seq.owned_by = (table.schema, new, seq.owned_by[2])

    def rename_column(self, table: Table, old: str, new: str, span: Span) -> None:
        column = self.col(table, old)
        if column is None:
            self.error("unknown-column", f'column "{old}" does not exist', span)
            return
        if self.col(table, new) is not None:
            self.error("duplicate-column", f'column "{new}" of relation "{table.name}" already exists', span)
            return
        column.name = new
        columns = self.extra[id(table)].columns
        columns[new] = columns.pop(old)

        def swap(names: list[str]) -> list[str]:
            return [new if n == old else n for n in names]

        if table.primary_key:
            table.primary_key.columns = swap(table.primary_key.columns)
        for u in table.uniques:
            u.columns = swap(u.columns)
        for fk in table.foreign_keys:
            fk.columns = swap(fk.columns)
        for index in table.indexes:
            index.include = swap(index.include)
        for other in self.schema.tables:
            for fk in other.foreign_keys:
                if (fk.ref_schema, fk.ref_table) == table.key:
                    fk.ref_columns = swap(fk.ref_columns)
        deferred = self.extra[id(table)].deferred
        for key, (obj, attr, raw) in deferred.items():
            raw = copy.deepcopy(raw)  # parse trees are cached between parses: never edit one
            _rename_refs(raw, old, new)
            deferred[key] = (obj, attr, raw)
        for seq in self.schema.sequences:
            if seq.owned_by == (table.schema, table.name, old):
                seq.owned_by = (table.schema, table.name, new)

    def rename_constraint(self, table: Table, old: str, new: str, span: Span) -> None:
        for obj in [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks]:
            if obj is not None and obj.name == old:
                if new in _constraint_names(table):
                    self.error("duplicate-constraint", f'constraint "{new}" already exists', span)
                    return
                if isinstance(obj, (PrimaryKey, Unique)):
                    if not self.register(table.schema, new, "constraint-index", None, table, span):
                        return
                    self.relations.pop((table.schema, old), None)
                obj.name = new
                return
        self.error("unknown-constraint", f'constraint "{old}" for table "{table.name}" does not exist', span)

    def rename_relation(self, key: tuple[str, str], entry: tuple[str, Any, Table | None],
                        new: str, span: Span) -> None:
        kind, obj, table = entry
        if kind == "table":
            self.rename_table(obj, new, span)
            return
        if not self.register(key[0], new, kind, obj, table, span):
            return
        del self.relations[key]
        if kind in ("index", "sequence"):
            obj.name = new
        elif kind == "constraint-index" and table is not None:
            for con in [table.primary_key, *table.uniques]:
                if con is not None and con.name == key[1]:
                    con.name = new

    # -- DROP ---------------------------------------------------------------------------

    def _DropStmt(self, stmt: _Stmt, body: Json) -> None:
        kind = body["removeType"]
        cascade = body.get("behavior") == "DROP_CASCADE"
        missing_ok = bool(body.get("missing_ok"))
        span = self.stmt_span(stmt)
        for obj in body.get("objects", ()):
            if "List" in obj:
                names = _names(obj["List"]["items"])
            elif "TypeName" in obj:
                names = _names(obj["TypeName"]["names"])
            elif "String" in obj:
                names = [obj["String"]["sval"]]
            else:
                names = []
            if kind == "OBJECT_TABLE":
                self.drop_table(names, cascade, missing_ok, span)
            elif kind == "OBJECT_INDEX":
                self.drop_relation(names, "index", missing_ok, span)
            elif kind == "OBJECT_SEQUENCE":
                self.drop_relation(names, "sequence", missing_ok, span)
            elif kind == "OBJECT_TYPE":
                self.drop_type(names, cascade, missing_ok, span)
            elif kind == "OBJECT_SCHEMA":
                self.drop_schema(names[0], cascade, missing_ok, span)
            elif kind == "OBJECT_EXTENSION":
                before = len(self.schema.extensions)
                self.schema.extensions = [e for e in self.schema.extensions if e.name != names[0]]
                if before == len(self.schema.extensions) and not missing_ok:
                    self.error("unknown-extension", f'extension "{names[0]}" does not exist', span)
            else:
                self.unmanaged_stmt(stmt)
                return

    def drop_table(self, names: list[str], cascade: bool, missing_ok: bool, span: Span) -> None:
        rv = {"relname": names[-1], "schemaname": names[-2] if len(names) > 1 else None}
        table = self.find_table(rv)
        if table is None:
            if not missing_ok and not self.is_unmanaged_rel(rv):
                self.error("unknown-table", f'table "{".".join(names)}" does not exist', span)
            return
        for other in self.schema.tables:
            if other is table:
                continue
            for fk in list(other.foreign_keys):
                if (fk.ref_schema, fk.ref_table) == table.key:
                    if not cascade:
                        self.error("dependent-objects", f"cannot drop table {table.name} because "
                                   f"a foreign key of {other.name} depends on it", span)
                    other.foreign_keys.remove(fk)
        self.schema.tables.remove(table)
        del self.tables[table.key]
        self.relations = {k: v for k, v in self.relations.items() if v[2] is not table}
        for seq in [s for s in self.schema.sequences if s.owned_by and s.owned_by[:2] == table.key]:
            self.schema.sequences.remove(seq)
            self.relations.pop(seq.key, None)

    def drop_relation(self, names: list[str], kind: str, missing_ok: bool, span: Span) -> None:
        found = self.find_relation(names)
        if found is None or found[1][0] not in (kind, "constraint-index", "serial-sequence"):
            if not missing_ok:
                self.error(f"unknown-{kind}", f'{kind} "{".".join(names)}" does not exist', span)
            return
        key, (found_kind, obj, table) = found
        if found_kind in ("constraint-index", "serial-sequence"):
            self.error("dependent-objects", f"cannot drop {kind} {key[1]}: a constraint or "
                       "column default requires it", span)
            return
        del self.relations[key]
        if kind == "index" and table is not None:
            table.indexes.remove(obj)
        elif kind == "sequence":
            self.schema.sequences.remove(obj)

    def drop_type(self, names: list[str], cascade: bool, missing_ok: bool, span: Span) -> None:
        enum = self.find_enum(names)
        if enum is None:
            if not missing_ok:
                self.error("unknown-type", f'type "{".".join(names)}" does not exist', span)
            return
        users = [(key, col) for key, col, _ in self.enum_columns.values() if key == enum.key]
        if users and not cascade:
            self.error("dependent-objects", f"cannot drop type {enum.name} because column "
                       f"{users[0][1].name} depends on it", span)
        for table in self.schema.tables:
            for _, col in users:
                if col in table.columns:
                    self.drop_column(table, col, True, span)
        self.schema.enums.remove(enum)

    def drop_schema(self, name: str, cascade: bool, missing_ok: bool, span: Span) -> None:
        ns = next((n for n in self.schema.namespaces if n.name == name), None)
        if ns is None:
            if not missing_ok:
                self.error("unknown-schema", f'schema "{name}" does not exist', span)
            return
        inside = [t for t in self.schema.tables if t.schema == name]
        if (inside or any(e.schema == name for e in self.schema.enums)) and not cascade:
            self.error("dependent-objects", f"cannot drop schema {name} because objects in it "
                       "depend on it", span)
        for table in inside:
            self.drop_table([name, table.name], True, True, span)
        self.schema.enums = [e for e in self.schema.enums if e.schema != name]
        self.schema.sequences = [s for s in self.schema.sequences if s.schema != name]
        self.schema.namespaces.remove(ns)

    # -- COMMENT ------------------------------------------------------------------------

    def _CommentStmt(self, stmt: _Stmt, body: Json) -> None:
        kind = body["objtype"]
        obj = body.get("object", {})
        comment = body.get("comment")
        span = self.stmt_span(stmt)
        if kind in ("OBJECT_TABLE", "OBJECT_COLUMN"):
            names = _names(obj["List"]["items"])
            if kind == "OBJECT_COLUMN":
                names, col_name = names[:-1], names[-1]
            rv = {"relname": names[-1], "schemaname": names[-2] if len(names) > 1 else None}
            table = self.find_table(rv)
            if table is None:
                if self.is_unmanaged_rel(rv):
                    self.unmanaged_stmt(stmt)
                else:
                    self.error("unknown-table", f'relation "{".".join(names)}" does not exist', span)
                return
            if kind == "OBJECT_TABLE":
                table.comment = comment
                return
            column = self.col(table, col_name)
            if column is None:
                self.error("unknown-column", f'column "{col_name}" of relation "{table.name}" '
                           "does not exist", span)
                return
            column.comment = comment
        elif kind == "OBJECT_TYPE":
            names = _names(obj["TypeName"]["names"])
            enum = self.find_enum(names)
            if enum is None:
                self.unmanaged_stmt(stmt)
                return
            enum.comment = comment
        elif kind == "OBJECT_SCHEMA":
            name = obj["String"]["sval"]
            ns = next((n for n in self.schema.namespaces if n.name == name), None)
            if ns is None:
                self.unmanaged_stmt(stmt)
                return
            ns.comment = comment
        else:
            self.unmanaged_stmt(stmt)

    # -- table groups reused between parses -------------------------------------------

    def apply_member(self, group: _Group, i: int, stmt: _Stmt) -> None:
        if i == 0:
            group.key = self.group_key(group)
            group.lines = tuple(self.f.line(s.start) for s in (group.create, *group.members))
            entry = self.memo.get(group.key)
            if entry is not None and not (entry.names & self.touched):
                if entry.lines != group.lines:
                    _moved(entry, group.lines)
                if self.reuse(entry):
                    group.entry = entry
                    return
        elif group.entry is not None:
            if not self.replay(group.entry.logs[i], [])[0]:
                raise _Stale  # the table is already reused: only a fresh parse can tell
            return
        counts = (len(self.problems), len(self.unmanaged), len(self.pending_types))
        self.log = []
        self.f.anchor = Anchor(group.lines[i])
        group.anchors.append(self.f.anchor)
        try:
            self.apply_one(stmt)
        finally:
            group.logs.append(self.log)
            self.log = None
            self.f.anchor = None
        if counts != (len(self.problems), len(self.unmanaged), len(self.pending_types)):
            group.clean = False
        if i == 0:
            rv = stmt.body["relation"]
            group.table = self.tables.get(self.qualify(rv.get("schemaname"), rv["relname"]))

    def group_key(self, group: _Group) -> tuple[Any, ...]:
        """Everything a group's statements read that is not in its log: their text (to the
        end of their last line, where a `@renamed` comment may follow), the column they
        start at, the directives in them, the search_path. Not their line: a table that
        moved is reused with its spans shifted."""
        parts = []
        for stmt in (group.create, *group.members):
            line = self.f.line(stmt.end)
            line_end = (self.f.line_starts[line + 1] if line + 1 < len(self.f.line_starts)
                        else len(self.f.text))
            directives = tuple((pos - stmt.start, old)
                               for pos, old in self.directives_in(stmt.start, line_end))
            parts.append((self.f.text[stmt.start:line_end], self.f.line_col(stmt.start)[1], directives))
        return (self.f.path, self.default_schema, tuple(self.search_path), tuple(parts))

    def reuse(self, entry: _Entry) -> bool:
        ok, written = self.replay(entry.logs[0], [])
        if not ok:
            for key in written:
                del self.relations[key]
            return False
        table = entry.table
        self.tables[table.key] = table
        self.extra[id(table)] = _TableExtra(columns={c.name: c for c in table.columns})
        self.schema.tables.append(table)
        self.enum_columns.update(entry.enum_columns)
        self.fk_ref_spans.update(entry.fk_ref_spans)
        self.used[entry.key] = entry
        return True

    def replay(self, log: list[tuple[Any, ...]], written: list[tuple[str, str]]) -> tuple[bool, list[tuple[str, str]]]:
        """Check what a statement read against the state now, and redo its writes."""
        for op, key, value in log:
            if op == "set":
                self.relations[key] = value
                written.append(key)
                continue
            if op == "relation":
                now: Any = key in self.relations
            elif op == "table":
                table = self._find_table(*key)
                now = table and table.key
            elif op == "enum":
                enum = self._find_enum(key)
                now = enum and enum.key
            else:
                now = key in self.unmanaged_relations
            if now != value:
                return False, written
        return True, written

    def record_groups(self) -> None:
        """Keep the groups built from scratch whose table nothing else touched."""
        for group in self.groups:
            table = group.table
            if (group.entry is not None or not group.clean or group.key is None or table is None
                    or len(group.logs) != 1 + len(group.members)
                    or self.tables.get(table.key) is not table
                    or any(not fk.ref_columns for fk in table.foreign_keys)):
                continue
            names = {table.schema, table.name}
            for log in group.logs:
                for op, key, value in log:
                    names.update(n for n in key if isinstance(n, str))
                    if op in ("table", "enum") and value:  # where a lookup found it: a DROP
                        names.update(value)                # SCHEMA there drops it
            if names & self.touched:
                continue
            self.used[group.key] = _Entry(
                group.key, table, group.logs, frozenset(names),
                [(id(c), self.enum_columns[id(c)]) for c in table.columns if id(c) in self.enum_columns],
                [(id(fk), self.fk_ref_spans[id(fk)]) for fk in table.foreign_keys
                 if id(fk) in self.fk_ref_spans], group.lines, group.anchors)

    # -- the end ------------------------------------------------------------------------

    def finish(self) -> None:
        for table in self.schema.tables:  # (a reused table has nothing deferred)
            for obj, attr, raw in self.extra[id(table)].deferred.values():
                if attr == "columns":
                    obj.columns = [_index_element(e["IndexElem"]) for e in raw]
                else:
                    setattr(obj, attr, _deparse(raw))
        self.resolve_pending_types()
        self.check_foreign_keys()
        self.fold_owned_sequences()
        for table in self.schema.tables:
            for column in table.columns:
                if column.identity is not None:
                    _drop_defaults(column.identity, column.type)
        for seq in self.schema.sequences:
            _drop_defaults(seq, seq.data_type)

    def resolve_pending_types(self) -> None:
        extensions = bool(self.schema.extensions)
        for table, column, type_name, path, span in self.pending_types:
            if self.col(table, column.name) is not column:
                continue
            names = _names(type_name["names"])
            saved, self.search_path = self.search_path, path
            enum = self.find_enum(names)
            self.search_path = saved
            schemas = names[:-1] if len(names) > 1 else path or [self.default_schema]
            other = next(((s, names[-1]) for s in schemas if (s, names[-1]) in self.unmanaged_types), None)
            if enum is not None:
                self.set_enum_type(column, enum, _array_suffix(type_name))
            elif other is not None:
                column.type = f"{quote_ident(other[0])}.{quote_ident(other[1])}{_array_suffix(type_name)}"
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
                elif not _has_unique_key(target, fk.ref_columns):
                    self.error("invalid-foreign-key", "there is no unique constraint matching "
                               f'given keys for referenced table "{target.name}"', fk.span)

    def fold_owned_sequences(self) -> None:
        """A sequence owned by the column whose default draws from it is that column's serial
        sequence (pg_dump writes serial columns that way): not listed, by convention."""
        kept = []
        for seq in self.schema.sequences:
            owner = self.tables.get(seq.owned_by[:2]) if seq.owned_by else None
            column = self.col(owner, seq.owned_by[2]) if owner and seq.owned_by else None
            if column is not None and column.default and _nextval_target(column.default) in (
                    seq.name, f"{seq.schema}.{seq.name}",
                    f"{quote_ident(seq.schema)}.{quote_ident(seq.name)}", quote_ident(seq.name)):
                continue
            kept.append(seq)
        self.schema.sequences = kept


_SPANNED_CONSTRAINTS = {"CONSTR_CHECK", "CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_FOREIGN",
                        "CONSTR_EXCLUSION"}
_COLUMN_CMDS = {"AT_ColumnDefault", "AT_SetNotNull", "AT_DropNotNull", "AT_DropColumn",
                "AT_AlterColumnType", "AT_AddIdentity", "AT_SetIdentity", "AT_DropIdentity",
                "AT_SetExpression", "AT_DropExpression"}

_NEXTVAL = re.compile(r"nextval\('((?:[^']|'')*)'(?:::regclass)?\)", re.I)


def _nextval_target(default: str) -> str | None:
    m = _NEXTVAL.fullmatch(default.strip())
    return m.group(1).replace("''", "'") if m else None


def _has_unique_key(table: Table, columns: list[str]) -> bool:
    wanted = set(columns)
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and i.where is None]
    return any(set(k) == wanted and len(k) == len(columns) for k in keys)


def _constraint_names(table: Table) -> set[str]:
    objs = [table.primary_key, *table.uniques, *table.foreign_keys, *table.checks]
    return {o.name for o in objs if o is not None and o.name}


def _index_element(elem: Json) -> str:
    if elem.get("name"):
        text = quote_ident(elem["name"])
    else:
        expr = elem["expr"]
        text = _deparse(expr)
        if next(iter(expr)) != "FuncCall" or text.startswith("("):
            text = f"({text})"
    if elem.get("collation"):
        text += " COLLATE " + ".".join(quote_ident(n) for n in _names(elem["collation"]))
    if elem.get("opclass"):
        text += " " + ".".join(quote_ident(n) for n in _names(elem["opclass"]))
    ordering = elem.get("ordering")
    if ordering == "SORTBY_DESC":
        text += " DESC"
    elif ordering == "SORTBY_ASC":
        text += " ASC"
    nulls = elem.get("nulls_ordering")
    if nulls == "SORTBY_NULLS_FIRST":
        text += " NULLS FIRST"
    elif nulls == "SORTBY_NULLS_LAST":
        text += " NULLS LAST"
    return text


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


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name.lower()


def _unmanaged_table_reason(body: Json) -> str:
    if body.get("inhRelations"):
        return "INHERITS"
    if body.get("partspec"):
        return "PARTITION BY"
    if body.get("partbound"):
        return "PARTITION OF"
    if body.get("ofTypename"):
        return "OF type"
    persistence = body["relation"].get("relpersistence", "p")
    if persistence == "u":
        return "UNLOGGED"
    if persistence == "t":
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


def _describe(kind: str, body: Json) -> tuple[str, str]:
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
            name = ".".join(_names(body["funcname"]))
        if not name and isinstance(body.get("domainname"), list):
            name = ".".join(_names(body["domainname"]))
        if not name and isinstance(body.get("defnames"), list):
            name = ".".join(_names(body["defnames"]))
        if not name and isinstance(body.get("typevar"), dict):
            name = body["typevar"].get("relname", "")
        if not name and isinstance(body.get("typeName"), list):
            name = ".".join(_names(body["typeName"]))
        if not name and isinstance(body.get("objects"), list):
            parts = [o["RangeVar"]["relname"] if "RangeVar" in o else _object_name(o)
                     for o in body["objects"]]
            name = ("on " if kind == "GrantStmt" else "") + ", ".join(parts)
    if kind in ("CreateTrigStmt", "CreatePolicyStmt") and isinstance(body.get("relation"), dict):
        table = body["relation"]
        name = f"{name} on {'.'.join(n for n in (table.get('schemaname'), table['relname']) if n)}"
    return label, name or "(statement)"


def _defined_type(kind: str, body: Json) -> list[str]:
    """The name of the type an unmanaged statement creates, if it creates one."""
    if kind == "CreateDomainStmt":
        return _names(body.get("domainname", []))
    if kind == "CompositeTypeStmt":
        rv = body.get("typevar", {})
        return [n for n in (rv.get("schemaname"), rv.get("relname")) if n]
    if kind == "CreateRangeStmt":
        return _names(body.get("typeName", []))
    if kind == "DefineStmt" and body.get("kind") == "OBJECT_TYPE":
        return _names(body.get("defnames", []))
    return []


def _object_name(node: Any) -> str:
    """The dotted name of a COMMENT/ALTER target in whichever shape the grammar gave it."""
    if not isinstance(node, dict):
        return "(statement)"
    if "List" in node:
        return ".".join(_names(node["List"].get("items", []))) or "(statement)"
    if "String" in node:
        return node["String"]["sval"]
    if "TypeName" in node:
        return ".".join(_names(node["TypeName"]["names"]))
    if "ObjectWithArgs" in node:
        return ".".join(_names(node["ObjectWithArgs"].get("objname", [])))
    return "(statement)"


# --- parsing ----------------------------------------------------------------------------


def _parse_file(b: _Builder, path: str, text: str) -> Iterator[_Stmt]:
    """Statements of one file, with syntax errors reported at their place."""
    cuts: list[_Cut] = []
    ranges: list[tuple[int, int]] | None = None
    # the regex alone costs 15 ms on a 1,000-table file: a plain test first
    if "\\" in text or ("stdin" in text.lower() and _COPY_FROM_STDIN.search(text)):
        ranges, cuts = _split(text)
    clean = _blank(text, cuts)
    b.f = _File(path, clean)
    for cut in cuts:
        if cut.kind == "meta":
            command = text[cut.start:cut.end].split()[0] if text[cut.start:cut.end].split() else "\\"
            b.problems.append(Problem("info", "skipped-statement",
                                      f"psql meta-command {command} skipped",
                                      b.f.span(cut.start, cut.end)))
    parsed = _parse_statements(clean, b.f)
    if parsed is not None:
        for tree, base, start, end in parsed:
            yield from _statements(b, tree, base, start, end)
        return
    if ranges is None:
        ranges, _ = _split(clean)
    base = pos = 0
    for start, end in ranges:
        base += len(clean[pos:start].encode("utf-8"))
        pos = start
        yield from _parse_chunk(b, clean, start, end, base, retry=True)


# Statement text -> its parse tree (JSON, locations relative to the statement). The editor
# parses the whole file on every save while one statement changed: the others come from
# here. Trees are shared between parses, so nothing may modify one (see rename_column).
_TREES: dict[str, Json] = {}
_TREES_LIMIT = 50_000
_TREES_LOCK = threading.Lock()


def _parse_statements(clean: str, f: _File) -> list[tuple[Json, int, int, int]] | None:
    """(tree, byte offset, start, end) of each statement of a file that parses; None when
    it does not (the caller then finds each error's place)."""
    try:
        slices = split(clean, only_slices=True)  # PostgreSQL's grammar decides where they end
    except ParseError:
        return None
    out = []
    base = pos = 0
    with _TREES_LOCK:
        for piece in slices:
            start, end = piece.start, piece.stop
            base = start if f._ascii else base + len(clean[pos:start].encode("utf-8"))
            pos = start
            text = clean[start:end]
            tree = _TREES.pop(text, None)
            if tree is None:
                try:
                    tree = json.loads(parse_sql_json(text))
                except ParseError:
                    return None
            _TREES[text] = tree  # (re)inserted last: the oldest go first
            out.append((tree, base, start, end))
        while len(_TREES) > _TREES_LIMIT:
            del _TREES[next(iter(_TREES))]
    return out


def _parse_chunk(b: _Builder, clean: str, start: int, end: int, base: int,
                 retry: bool) -> Iterator[_Stmt]:
    """One statement of a file that does not parse as a whole. An unbalanced parenthesis
    makes psql read on to the next balanced `;`: the swallowed statements are tried
    again one by one so that one typo does not hide the rest of the file."""
    chunk = clean[start:end]
    try:
        tree = json.loads(parse_sql_json(chunk))
    except ParseError as exc:
        pieces = _split(chunk, parens=False)[0] if retry else []
        if len(pieces) > 1:
            for piece_start, piece_end in pieces:
                yield from _parse_chunk(b, clean, start + piece_start, start + piece_end,
                                        base + len(chunk[:piece_start].encode("utf-8")), retry=False)
            return
        index = exc.args[1] if len(exc.args) > 1 and exc.args[1] is not None else len(chunk.rstrip())
        at = start + index
        b.error("syntax-error", exc.args[0], b.f.span(at, at + 1 if at < len(clean) else at))
        return
    yield from _statements(b, tree, base, start, end)


def _statements(b: _Builder, tree: Json, base: int, start: int, end: int) -> Iterator[_Stmt]:
    for raw in tree.get("stmts", ()):
        (kind, body), = raw["stmt"].items()
        loc = raw.get("stmt_location", 0)
        length = raw.get("stmt_len", 0)
        s = b.f.char(base + loc)
        e = b.f.char(base + loc + length) if length else end
        s += len(_LEADING_NOISE.match(b.f.text, s, e).group())  # type: ignore[union-attr]
        text = b.f.text[s:e].rstrip()
        if text.endswith(";"):
            text = text[:-1].rstrip()
        yield _Stmt(kind, body, base, s, s + len(text))


def _directives(text: str) -> list[tuple[int, str]]:
    """(place, old name) of the `@renamed` directives in comments; a bare name folds to
    lower case as PostgreSQL folds an unquoted identifier."""
    out = []
    for d in directives.find_all(text):
        line_start = text.rfind("\n", 0, d.start) + 1
        before = text[line_start:d.start]
        if "--" in before or "/*" in before or text.rfind("/*", 0, d.start) > text.rfind("*/", 0, d.start):
            out.append((d.start, d.old if d.quoted else d.old.lower()))
    return out


def parse_postgresql(files: list[tuple[str, str]], default_schema: str = "public") -> SourceResult:
    """Apply the files in order to an empty model; never raises for bad input.

    The cyclic garbage collector is paused meanwhile: the parse trees are millions of
    short-lived dicts without cycles, and its passes over them cost more than the parse.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(files, default_schema)
    finally:
        if enabled:
            gc.enable()


# Table groups of the last two parses by key (see _Group): the editor parses the whole
# file on every save while one statement changed (and between two saves, maybe another
# file for a hover).
_GROUPS: dict[tuple[Any, ...], _Entry] = {}
_GROUPS_BEFORE: dict[tuple[Any, ...], _Entry] = {}
_GROUPS_LOCK = threading.Lock()


def _parse(files: list[tuple[str, str]], default_schema: str) -> SourceResult:
    parsed = []
    for path, text in files:
        reader = _Builder(default_schema)
        stmts = list(_parse_file(reader, path, text))
        parsed.append((reader.f, stmts, reader.problems))
    with _GROUPS_LOCK:
        memo = {**_GROUPS_BEFORE, **_GROUPS}
    try:
        b = _build(parsed, default_schema, memo)
    except _Stale:
        b = _build(parsed, default_schema, {})
    with _GROUPS_LOCK:
        _GROUPS_BEFORE.clear()
        _GROUPS_BEFORE.update(_GROUPS)
        _GROUPS.clear()
        _GROUPS.update(b.used)
    return SourceResult(b.schema, b.problems, b.unmanaged)


def _build(parsed: list[tuple[_File, list[_Stmt], list[Problem]]], default_schema: str,
           memo: dict[tuple[Any, ...], _Entry]) -> _Builder:
    b = _Builder(default_schema)
    b.memo = memo
    _find_groups(b, [stmts for _, stmts, _ in parsed])
    for f, stmts, problems in parsed:
        b.search_path = [default_schema]
        b.f = f
        b.problems.extend(problems)
        b.directives = _directives(f.text)
        for stmt in stmts:
            b.apply(stmt)
    b.finish()
    b.record_groups()
    return b


# Statements that change no table other than the one they create, and no name a table
# statement reads other than through the logged lookups.
_NEUTRAL = frozenset({"CreateEnumStmt", "VariableSetStmt", "CreateExtensionStmt"})


def _find_groups(b: _Builder, files: list[list[_Stmt]]) -> None:
    """Group each CREATE TABLE with the later statements of its file that add to it, and
    collect every name the other statements mention (they may alter, drop or rename it)."""
    by_name: dict[str, list[_Group]] = {}
    for stmts in files:
        here: dict[str, _Group] = {}
        for stmt in stmts:
            kind, body = stmt.kind, stmt.body
            if kind == "CreateStmt":
                group = _Group(stmt)
                by_name.setdefault(body["relation"]["relname"], []).append(group)
                here[body["relation"]["relname"]] = group
                continue
            target = _member_target(kind, body)
            if target is not None and target in here:
                here[target].members.append(stmt)
                continue
            if kind in _NEUTRAL or (kind == "CreateSchemaStmt" and not body.get("schemaElts")):
                continue
            b.touched.update(_strings(body))
    for groups in by_name.values():
        if len(groups) == 1:
            group = groups[0]
            b.groups.append(group)
            for i, stmt in enumerate((group.create, *group.members)):
                b.members[id(stmt)] = (group, i)


def _member_target(kind: str, body: Json) -> str | None:
    """The table name a CREATE INDEX or COMMENT ON TABLE/COLUMN is about."""
    if kind == "IndexStmt":
        return body["relation"]["relname"]
    if kind == "CommentStmt" and body.get("objtype") in ("OBJECT_TABLE", "OBJECT_COLUMN"):
        names = _names(body.get("object", {}).get("List", {}).get("items", []))
        if body["objtype"] == "OBJECT_COLUMN":
            names = names[:-1]
        return names[-1] if names else None
    return None


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
