"""How PostgreSQL converts a column's values when ALTER COLUMN ... TYPE changes its type,
and which values would not survive the conversion.

ALTER COLUMN TYPE without USING converts with an *assignment* cast, which refuses what
does not fit (`value too long for type character varying(5)`); an *explicit* cast, as
`USING col::varchar(5)` writes, cuts it without a word. So the conversion is judged
first (`Conversion`):

- "assignment": an implicit or assignment cast exists: no USING is written;
- "explicit": only an explicit cast exists (`text -> integer`, `integer -> boolean`;
  enums convert through text): `USING col::type`, the cast going to the type without its
  modifier (`character varying`, not `character varying(5)`), so that the column's own
  length is still applied by assignment and refuses what does not fit;
- "none": no cast at all (`bigint -> timestamp`): the file must say how (`@using:`).

The database judges (`CastJudge`, from pg_cast, as PostgreSQL's find_coercion_pathway
does: domains by their base type, arrays by their elements, any type to a string type
by its output function at assignment, a string type to any type by the input function
when explicit), so enums, domains and extension types are judged right; `rule_conversion`
is the fallback for what the database cannot tell (generate without a database, a type
the plan creates).

Facts measured on PostgreSQL 15 (they decide `unfit_condition`): with an assignment cast
varchar(n) / char(n) narrowing raises `value too long` but silently cuts trailing spaces
beyond n; bit(n) raises on any other length, varbit(n) on a longer one; numeric(p,s)
raises `numeric field overflow` on too many integer digits but rounds to the new scale;
numeric and float to an integer type round (2.5 -> 3), out of range raises; double
precision -> real rounds; time, timestamp and interval precision narrowing rounds;
timestamp -> date drops the time of day; the explicit integer -> boolean makes every
non-zero value true. Each of those silent changes is caught before
the ALTER runs by counting the rows `unfit_condition` selects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from schemalens.dialects.postgresql.types import parse_type

Conversion = Literal["assignment", "explicit", "none"]
CastJudge = Callable[[str, str], "Conversion | None"]

_STRINGS = {"text", "character varying", "character", "name", "citext"}
_INTEGERS = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}
_NUMBERS = {*_INTEGERS, "numeric", "real", "double precision", "money"}
_DATETIMES = {"date", "timestamp", "timestamp with time zone"}
_TIMES = {"time", "time with time zone", "interval"}
# Pairs of built-in types that convert by an explicit cast only (pg_cast context 'e').
_EXPLICIT = {
    ("integer", "boolean"), ("boolean", "integer"), ("integer", "bit"), ("bigint", "bit"),
    ("bit", "integer"), ("bit", "bigint"), ("jsonb", "boolean"), ("jsonb", "numeric"),
    ("jsonb", "smallint"), ("jsonb", "integer"), ("jsonb", "bigint"), ("jsonb", "real"),
    ("jsonb", "double precision"), ("money", "numeric"), ("interval", "time"),
    ("inet", "cidr"), ("macaddr8", "macaddr"), ("macaddr", "macaddr8"),
}
# ... and those an implicit or assignment cast converts, besides the families below.
_ASSIGNMENT = {
    ("json", "jsonb"), ("jsonb", "json"), ("cidr", "inet"), ("timestamp", "time"),
    ("timestamp with time zone", "time"), ("timestamp with time zone", "time with time zone"),
    ("time", "interval"), ("bit", "bit varying"), ("bit varying", "bit"),
    ("numeric", "money"), ("integer", "money"), ("bigint", "money"),
}


def _family(base: str, zone: str) -> str:
    return f"{base} {zone}" if zone == "with time zone" else base


def rule_conversion(old: str, new: str, enum: Callable[[str], bool]) -> Conversion:
    """The conversion as PostgreSQL 15's built-in casts make it, from the type spellings
    alone; `enum` tells the schema's enum types. A type it does not know (an extension's)
    is taken to convert by an explicit cast, as schemalens always wrote it."""
    ob, _, oz, od = parse_type(old)
    nb, _, nz, nd = parse_type(new)
    o, n = _family(ob, oz), _family(nb, nz)
    if nd == 0 and n in _STRINGS:
        return "assignment"  # any type's output function writes a string
    if od != nd:
        return "none"
    if o == n:
        return "assignment"  # the same type with another length or precision
    if enum(old) or enum(new) or o in _STRINGS:
        return "explicit"  # an input function reads the string (enums go through text)
    if (o in _NUMBERS and n in _NUMBERS and "money" not in (o, n)) or (o in _DATETIMES and n in _DATETIMES) \
            or (o in _TIMES and n in _TIMES and n != "interval") or (o, n) in _ASSIGNMENT:
        return "assignment"
    if (o, n) in _EXPLICIT:
        return "explicit"
    known = {*_STRINGS, *_NUMBERS, *_DATETIMES, *_TIMES, "boolean", "bytea", "uuid", "json", "jsonb", "bit",
             "bit varying", "inet", "cidr", "macaddr", "macaddr8", "xml", "point", "tsvector"}
    return "none" if o in known and n in known else "explicit"


# --- the database's judgement --------------------------------------------------------------

_FACTS = """SELECT t.oid, t.typtype, t.typbasetype, t.typcategory,
       CASE WHEN t.typsubscript = 'pg_catalog.array_subscript_handler'::pg_catalog.regproc
            THEN t.typelem ELSE 0 END
FROM pg_catalog.pg_type t WHERE t.oid = %s"""
_CONTEXTS = {"i": 0, "a": 1, "e": 2}
_ASSIGNMENT_CONTEXT, _EXPLICIT_CONTEXT = 1, 2


class DatabaseCasts:
    """The judgement of one database, asked while its connection is open (make_plan):
    a few catalog reads per type pair, kept for the pairs asked again."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.facts: dict[int, tuple[int, str, int, str, int] | None] = {}
        self.casts: dict[tuple[int, int], int | None] = {}
        self.judged: dict[tuple[str, str], Conversion | None] = {}

    def __call__(self, old: str, new: str) -> Conversion | None:
        """None: a type the database does not have (yet): the caller falls back to the rules."""
        if (old, new) not in self.judged:
            try:
                self.judged[(old, new)] = self.judge(old, new)
            finally:
                self.conn.rollback()
        return self.judged[(old, new)]

    def judge(self, old: str, new: str) -> Conversion | None:
        src, dst = self.oid(old), self.oid(new)
        if src is None or dst is None:
            return None
        if self.pathway(src, dst, _ASSIGNMENT_CONTEXT):
            return "assignment"
        if self.pathway(src, dst, _EXPLICIT_CONTEXT) or self.is_enum(src) or self.is_enum(dst):
            return "explicit"  # an enum converts through text, which reads or writes any type
        return "none"

    def is_enum(self, oid: int) -> bool:
        facts = self.type_facts(self.base(oid))
        return facts is not None and facts[1] == "e"

    def oid(self, type_: str) -> int | None:
        row = self.conn.execute("SELECT pg_catalog.to_regtype(%s)::oid", (type_,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def type_facts(self, oid: int) -> tuple[int, str, int, str, int] | None:
        if oid not in self.facts:
            row = self.conn.execute(_FACTS, (oid,)).fetchone()
            self.facts[oid] = (int(row[0]), row[1], int(row[2]), row[3], int(row[4])) if row else None
        return self.facts[oid]

    def base(self, oid: int) -> int:
        for _ in range(32):  # a domain over a domain ...
            facts = self.type_facts(oid)
            if facts is None or facts[1] != "d":
                return oid
            oid = facts[2]
        return oid

    def cast_context(self, src: int, dst: int) -> int | None:
        if (src, dst) not in self.casts:
            row = self.conn.execute("SELECT castcontext FROM pg_catalog.pg_cast WHERE castsource = %s "
                                    "AND casttarget = %s", (src, dst)).fetchone()
            self.casts[(src, dst)] = _CONTEXTS[row[0]] if row else None
        return self.casts[(src, dst)]

    def pathway(self, src: int, dst: int, context: int) -> bool:
        """PostgreSQL's find_coercion_pathway: whether a cast allowed in `context` exists."""
        src, dst = self.base(src), self.base(dst)
        if src == dst:
            return True
        cast = self.cast_context(src, dst)
        if cast is not None:
            return cast <= context
        source, target = self.type_facts(src), self.type_facts(dst)
        if source is None or target is None:
            return False
        if source[4] and target[4] and self.pathway(source[4], target[4], context):
            return True
        if context >= _ASSIGNMENT_CONTEXT and target[3] == "S":
            return True  # the source's output function writes the string
        return context >= _EXPLICIT_CONTEXT and source[3] == "S"  # the target's input function reads it


# --- writing the conversion -------------------------------------------------------------------

_UNMODIFIED = {"character varying": "character varying", "character": "bpchar", "bit": '"bit"',
               "bit varying": "bit varying", "numeric": "numeric", "interval": "interval"}


def unmodified_type(type_: str) -> str:
    """The type without its length or precision (`character varying(5)` -> `character
    varying`), for an explicit cast whose modifier the column's assignment then applies
    (a cast to the modified type would cut what does not fit). `"bit"`, not `bit`: in a
    cast a bare `bit` is bit(1)."""
    base, args, zone, depth = parse_type(type_)
    if not args or depth:
        return type_
    if base in ("timestamp", "time"):
        return f"{base} {zone}"
    return _UNMODIFIED.get(base, type_)


def unfit_condition(column: str, old: str, new: str) -> str | None:
    """SQL true for the rows whose value of `column` (SQL) the conversion from `old` to
    `new` would not keep exactly: cut, rounded, or refused. None when there is no such
    test (a conversion between kinds of value, which fails on what it cannot read)."""
    ob, oa, oz, od = parse_type(old)
    nb, na, nz, nd = parse_type(new)
    if od or nd:
        return None
    o, n = _family(ob, oz), _family(nb, nz)
    if n in ("character varying", "character") and na:
        return f"length({column}::text) > {int(na[0])}"
    if n in ("bit", "bit varying") and o in ("bit", "bit varying"):
        length = int(na[0]) if na else 1
        if n == "bit":
            return f"length({column}) <> {length}"
        return f"length({column}) > {length}" if na else None
    if o not in _NUMBERS - {"money"} and o not in _DATETIMES | _TIMES:
        return None
    if n == "boolean" and o in _INTEGERS:
        return f"{column} NOT IN (0, 1)"  # the explicit cast makes every other number true
    if n == "numeric" and na and o in _NUMBERS:
        precision, scale = int(na[0]), int(na[1]) if len(na) > 1 else 0
        rounded = f"round({column}::numeric, {scale})"
        return f"({column} <> {rounded} OR abs({rounded}) >= 10::numeric ^ {precision - scale})"
    if n in _INTEGERS and o in _NUMBERS:
        top = _INTEGERS[n]
        fraction = f" OR {column} <> round({column})" if o not in _INTEGERS else ""
        return f"({column} NOT BETWEEN {-top} AND {top - 1}{fraction})"
    if (n in ("real", "double precision") and o in _NUMBERS) or (o in _DATETIMES | _TIMES and n in _DATETIMES | _TIMES):
        return f"{column}::{new}::{old} <> {column}"
    return None
