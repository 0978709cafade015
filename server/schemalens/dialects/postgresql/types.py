"""PostgreSQL's types: how a type is spelled (one canonical form, what format_type()
prints), which spellings are aliases, and what a change of type costs (data loss, a
rewrite). The file parser, normalize (through the dialect), diff and render all read
types through here."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from pglast import parser

from schemalens.dialects.postgresql.names import quote_ident

# INTERVAL's field restriction as the parser encodes it (a typmod bit mask, see
# PostgreSQL's datetime.h), and how format_type() prints it.
INTERVAL_FIELDS = {
    1 << 2: "year", 1 << 1: "month", 1 << 3: "day", 1 << 10: "hour", 1 << 11: "minute",
    1 << 12: "second", (1 << 2) | (1 << 1): "year to month", (1 << 3) | (1 << 10): "day to hour",
    (1 << 3) | (1 << 10) | (1 << 11): "day to minute",
    (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12): "day to second",
    (1 << 10) | (1 << 11): "hour to minute", (1 << 10) | (1 << 11) | (1 << 12): "hour to second",
    (1 << 11) | (1 << 12): "minute to second",
}
_INTERVAL_FULL_RANGE = 0x7FFF

# An unqualified user type lives where search_path finds it first.
DEFAULT_USER_SCHEMA = "public"

# Every non-array, non-composite type in PostgreSQL 15's pg_catalog: these print
# unqualified; any other unqualified type name is a user type and gets a schema.
BUILTIN_TYPES = frozenset("""
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

# The serial pseudo-types: the integer type a serial column gets (with its own sequence).
SERIALS = {
    "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
    "smallserial": "int2", "serial2": "int2",
}

# How format_type() prints a builtin type's name where that is not the name itself. Of
# the builtin names only these need quotes in PostgreSQL 15 (`any` is reserved; `"char"`
# is not char(1)); a `"bit"` without length is handled with bit's typmods below. Not
# names.quote_ident: pglast's keyword lists are a newer grammar's, where `json` is a
# keyword (format_type of 15 prints json), and pglast's own quoting leaves `"bit"` bare.
_FORMAT_NAMES = {
    "bool": "boolean", "int2": "smallint", "int4": "integer", "int8": "bigint",
    "float4": "real", "float8": "double precision", "char": '"char"', "any": '"any"',
}

# Where an enum of a name lives: {enum name: the schemas that define one}.
Homes = dict[str, frozenset[str]]


@dataclasses.dataclass(frozen=True)
class _UserType:
    """An unqualified (or qualified) non-builtin type, before its schema is decided."""

    schema: str | None
    name: str
    suffix: str  # typmods and [] as printed after the name

    def qualified(self, schema: str) -> str:
        return f"{quote_ident(self.schema or schema)}.{quote_ident(self.name)}{self.suffix}"


_type_cache: dict[str, str | _UserType] = {}


def canonical_type(text: str) -> str:
    """The type as PostgreSQL's format_type() prints it, user types qualified (an
    unqualified user type is taken to live in `public`, where search_path finds it)."""
    parsed = _pg_type(text)
    return parsed.qualified(DEFAULT_USER_SCHEMA) if isinstance(parsed, _UserType) else parsed


def enum_homes(enums: Any) -> Homes:
    """The `homes` of schema_type for a schema's enums."""
    homes: dict[str, set[str]] = {}
    for enum in enums:
        homes.setdefault(enum.name, set()).add(enum.schema)
    return {name: frozenset(schemas) for name, schemas in homes.items()}


def schema_type(text: str, homes: Homes) -> str:
    """canonical_type within a schema: an unqualified enum is qualified with the schema of
    the only enum of that name when there is one, else with public (where search_path
    looks). A type the schema does not define (an extension's: citext, vector) stays as
    written: the search_path finds it wherever the platform installed it, and diff
    compares such types by name (same_type)."""
    parsed = _pg_type(text)
    if not isinstance(parsed, _UserType):
        return parsed
    found = homes.get(parsed.name, frozenset())
    if parsed.schema is None and not found:
        return f"{quote_ident(parsed.name)}{parsed.suffix}"
    home = next(iter(found)) if len(found) == 1 and DEFAULT_USER_SCHEMA not in found else DEFAULT_USER_SCHEMA
    return parsed.qualified(home)


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
        builtin = SERIALS.get(names[0], names[0])
        if builtin.startswith("_") and builtin[1:] in BUILTIN_TYPES:
            builtin, array = builtin[1:], "[]"  # _int4: the array type's own name
        elif builtin not in BUILTIN_TYPES:
            builtin = None
    if builtin is not None:
        return format_builtin(builtin, typmods) + array
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


def format_builtin(name: str, typmods: list[str]) -> str:
    """A pg_catalog type (its catalog name, its typmods as text) as format_type() prints it:
    the one spelling both the file reader and normalize write."""
    mods = f"({','.join(typmods)})" if typmods else ""
    if name == "bpchar":
        return f"character{mods}" if typmods else "bpchar"
    if name == "bit":  # a bare `bit` is bit(1): format_type quotes the name of any length
        return f"bit{mods}" if typmods else '"bit"'
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
    return _FORMAT_NAMES.get(name, name) + mods


def _format_interval(typmods: list[str]) -> str:
    if not typmods:
        return "interval"
    fields = int(typmods[0])
    precision = f"({typmods[1]})" if len(typmods) > 1 else ""
    if fields == _INTERVAL_FULL_RANGE:
        return f"interval{precision}"
    return f"interval {INTERVAL_FIELDS.get(fields, '')}{precision}".rstrip()


# --- what a change of type costs --------------------------------------------------------

_TYPE = re.compile(r"^(?P<base>[^(\[]+?)(?:\((?P<args>[^)]*)\))?(?P<rest>(?: with(?:out)? time zone)?)(?P<array>(?:\[\])*)$")
_QUALIFIED_TYPE = re.compile(
    r'^(?:(?P<schema>"(?:[^"]|"")*"|[^\W\d][\w$]*)\.)?(?P<rest>(?P<name>"(?:[^"]|"")*"|[^\W\d][\w$]*).*)$', re.S)
_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
_TO_TEXT_SAFE = {
    "smallint", "integer", "bigint", "numeric", "real", "double precision", "boolean",
    "uuid", "date", "character varying", "text",
}


def parse_type(type_: str) -> tuple[str, list[str], str, int]:
    """(base, typmod args, time zone suffix, array depth) of a canonical type spelling."""
    m = _TYPE.match(type_.strip())
    if not m:
        return type_, [], "", 0
    args = [a.strip() for a in m.group("args").split(",")] if m.group("args") else []
    return m.group("base").strip(), args, m.group("rest").strip(), m.group("array").count("[]")


def _int_arg(args: list[str], i: int) -> int | None:
    try:
        return int(args[i])
    except (IndexError, ValueError):
        return None


def type_change_is_safe(old: str, new: str) -> bool:
    """True for widenings every value survives (varchar(50) -> varchar(100), int -> bigint)."""
    if old == new:
        return True
    ob, oa, oz, od = parse_type(old)
    nb, na, nz, nd = parse_type(new)
    if od != nd:
        return False
    if nb in ("text",) and not na and ob in _TO_TEXT_SAFE:
        return True
    if ob in _INT_RANK and nb in _INT_RANK:
        return _INT_RANK[nb] >= _INT_RANK[ob]
    if ob in _INT_RANK and nb == "numeric":
        digits = {"smallint": 5, "integer": 10, "bigint": 19}[ob]
        return not na or (_int_arg(na, 0) or 0) - (_int_arg(na, 1) or 0) >= digits
    if ob == "numeric" and nb == "numeric":
        if not na:
            return True
        if not oa:
            return False
        op, os_, np_, ns = _int_arg(oa, 0) or 0, _int_arg(oa, 1) or 0, _int_arg(na, 0) or 0, _int_arg(na, 1) or 0
        return ns >= os_ and np_ - ns >= op - os_
    if ob == nb and ob in ("character varying", "bit varying", "character", "bit"):
        if not na:
            return ob in ("character varying", "bit varying")
        return bool(oa) and (_int_arg(na, 0) or 0) >= (_int_arg(oa, 0) or 0)
    if ob == "text" and nb == "character varying" and not na:
        return True
    if ob == "real" and nb == "double precision":
        return True
    if ob == nb and oz == nz and ob in ("timestamp", "time"):
        return not na or bool(oa) and (_int_arg(na, 0) or 0) >= (_int_arg(oa, 0) or 0)
    return False


def type_change_rewrites(old: str, new: str) -> bool:
    """False for the changes PostgreSQL does without rewriting the table (binary-coercible
    widenings); True for everything else."""
    ob, oa, oz, od = parse_type(old)
    nb, na, nz, nd = parse_type(new)
    if od != nd:
        return True
    if ob == nb and ob in ("character varying", "bit varying") and type_change_is_safe(old, new):
        return False
    if ob in ("character varying", "text") and nb in ("character varying", "text") and not na:
        return False
    if ob == "numeric" and nb == "numeric":
        return not (not na or oa and _int_arg(na, 1) == _int_arg(oa, 1) and (_int_arg(na, 0) or 0) >= (_int_arg(oa, 0) or 0))
    if ob == nb and oz == nz and ob in ("timestamp", "time"):
        return not type_change_is_safe(old, new)
    return True


def same_unmanaged_type(old: str, new: str, managed: set[tuple[str, str]]) -> bool:
    """A type schemalens does not manage (an extension's: citext, vector, geometry) is
    the same type whatever schema the file or the database qualifies it with: hosted
    PostgreSQL keeps extensions in their own schema (Supabase: `extensions`) and files
    name them through the search_path. `managed`: (schema, name) of the enums."""
    a, b = _QUALIFIED_TYPE.match(old), _QUALIFIED_TYPE.match(new)
    if not (a and b) or a.group("rest") != b.group("rest") or a.group("schema") == b.group("schema"):
        return False
    return not ({_unquoted_pair(a), _unquoted_pair(b)} & managed)


def _unquoted_pair(match: re.Match[str]) -> tuple[str, str]:
    def unquote(name: str) -> str:
        return name[1:-1].replace('""', '"') if name.startswith('"') else name
    return unquote(match.group("schema") or DEFAULT_USER_SCHEMA), unquote(match.group("name"))


def names_enum(type_: str, enums: set[tuple[str, str]]) -> bool:
    """Whether a canonical type (or an array of it) is one of `enums` ((schema, name))."""
    m = _QUALIFIED_TYPE.match(type_.replace("[]", ""))
    return m is not None and m.group("rest") == m.group("name") and _unquoted_pair(m) in enums
