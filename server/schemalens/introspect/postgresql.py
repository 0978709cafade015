"""Live PostgreSQL database -> Schema, read straight from the system catalogs.

A handful of bulk catalog queries instead of SQLAlchemy reflection: reflection issues
queries per table and was measured ten times slower, and the editor re-reads the
database on every save. The queries run with an empty search_path so that
`format_type` and `pg_get_expr` qualify every non-pg_catalog object (`public.mood`,
`nextval('public.t_id_seq'::regclass)`): the canonical form `normalize` expects, and
independent of the connection's own search_path.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import psycopg

from schemalens.model import (
    Check,
    Column,
    Enum,
    Extension,
    ForeignKey,
    Identity,
    Index,
    Namespace,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    Unique,
)

# Extensions every database has: listing them would make a schema file that does not
# mention them look like it wants them dropped.
_IMPLICIT_EXTENSIONS = frozenset({"plpgsql"})

_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_FK_MATCH = {"s": "SIMPLE", "f": "FULL", "p": "PARTIAL"}

_TYPE_RANGES = {
    "smallint": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "bigint": (-9223372036854775808, 9223372036854775807),
}

# Objects that belong to an extension (PostGIS's spatial_ref_sys, citext's type, ...)
# are the extension's business, not the user's schema.
_NOT_EXTENSION_MEMBER = """NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
    WHERE dep.classid = '{catalog}'::pg_catalog.regclass AND dep.objid = {oid} AND dep.deptype = 'e')"""

_TABLES = f"""
SELECT c.oid, n.nspname, c.relname, d.description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
  AND c.relname NOT LIKE '%%schemalens%%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
  AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_class', oid='c.oid')}
ORDER BY n.nspname, c.relname
"""

_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull, a.attidentity, a.attgenerated,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
         CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
              ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
       END AS collation,
       d.description
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.objsubid = a.attnum
WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Sequences behind columns: identity sequences (deptype 'i') and OWNED BY sequences
# (deptype 'a'), with whether the owning column's default calls nextval() on them.
_SEQUENCES = f"""
SELECT s.seqrelid, n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       own.refobjid AS owner_table, own.refobjsubid AS owner_column, own.deptype,
       own_n.nspname AS owner_schema, own_c.relname AS owner_table_name, own_a.attname AS owner_column_name,
       EXISTS (SELECT 1 FROM pg_catalog.pg_depend dd
               JOIN pg_catalog.pg_attrdef ad ON ad.oid = dd.objid
               WHERE dd.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                 AND dd.refobjid = s.seqrelid AND ad.adrelid = own.refobjid
                 AND ad.adnum = own.refobjsubid) AS used_by_owner_default
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend own
  ON own.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.objid = s.seqrelid
  AND own.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND own.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class own_c ON own_c.oid = own.refobjid
LEFT JOIN pg_catalog.pg_namespace own_n ON own_n.oid = own_c.relnamespace
LEFT JOIN pg_catalog.pg_attribute own_a ON own_a.attrelid = own.refobjid AND own_a.attnum = own.refobjsubid
WHERE (n.nspname = ANY(%(schemas)s) OR own.deptype = 'i')
  AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_class', oid='s.seqrelid')}
"""

_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred,
       con.connoinherit, con.confupdtype, con.confdeltype, con.confmatchtype,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord) AS ref_columns,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS check_expr,
       {nulls_not_distinct} AS nulls_not_distinct
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY(%(tables)s) AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname
"""

_INDEXES = """
SELECT ix.indrelid, ic.relname, ix.indisunique, am.amname, ix.indoption::int2[] AS indoption,
       ARRAY(SELECT pg_catalog.pg_get_indexdef(ix.indexrelid, k, false)
             FROM pg_catalog.generate_series(1, ix.indnkeyatts) k ORDER BY k) AS elements,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(ix.indkey::int2[]) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
             WHERE k.ord > ix.indnkeyatts ORDER BY k.ord) AS include,
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL
                         WHEN opn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(opc.opcname)
                         ELSE pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END
             FROM pg_catalog.unnest(ix.indclass) WITH ORDINALITY k(opc_oid, ord)
             JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opc_oid
             JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
             ORDER BY k.ord) AS opclasses,
       ARRAY(SELECT CASE WHEN k.coll_oid = 0 OR k.coll_oid = COALESCE(a.attcollation, 0)
                           OR (a.attcollation IS NULL AND k.coll_oid = 100) THEN NULL
                         WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
                         ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
             FROM pg_catalog.unnest(ix.indcollation) WITH ORDINALITY k(coll_oid, ord)
             LEFT JOIN pg_catalog.pg_collation co ON co.oid = k.coll_oid
             LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
             LEFT JOIN pg_catalog.pg_attribute a
               ON a.attrelid = ix.indrelid AND a.attnum = (ix.indkey::int2[])[k.ord - 1]
             ORDER BY k.ord) AS collations,
       pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
       {nulls_not_distinct} AS nulls_not_distinct
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE ix.indrelid = ANY(%(tables)s)
  AND ic.relname NOT LIKE '%%schemalens%%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY ix.indrelid, ic.relname
"""

_ENUMS = f"""
SELECT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder) AS labels,
       d.description
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0
WHERE t.typtype = 'e' AND n.nspname = ANY(%(schemas)s)
  AND t.typname NOT LIKE '%%schemalens%%'
  AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_type', oid='t.oid')}
ORDER BY n.nspname, t.typname
"""

_NAMESPACES = f"""
SELECT n.nspname, d.description
FROM pg_catalog.pg_namespace n
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
WHERE n.nspname = ANY(%(schemas)s) AND n.nspname <> 'public'
  AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_namespace', oid='n.oid')}
ORDER BY n.nspname
"""

_EXTENSIONS = """
SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname
"""


class IntrospectionError(Exception):
    """The database could not be read (permissions, unsupported server)."""


def introspect_postgresql(
    conn: psycopg.Connection, schemas: list[str] | None = None, exclude: Iterable[str] = ()
) -> Schema:
    """Read the tables, constraints, indexes, enums, sequences, extensions and schemas
    of `schemas` (default: public). `exclude` holds fnmatch patterns matched against
    "table" and "schema.table"."""
    schemas = list(schemas) if schemas else ["public"]
    patterns = list(exclude)
    try:
        with _empty_search_path(conn):
            return _read(conn, schemas, patterns)
    except psycopg.Error as exc:
        raise IntrospectionError(f"could not read the database catalog: {exc}") from exc


def estimate_rows(conn: psycopg.Connection, tables: list[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
    """Planner row estimates (reltuples): cheap, and good enough to say how much data a
    destructive change would touch. None where the table was never analyzed."""
    if not tables:
        return {}
    rows = conn.execute(
        """SELECT n.nspname, c.relname, c.reltuples::bigint
           FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.unnest(%s::text[], %s::text[]) AS want(s, t) ON want.s = n.nspname AND want.t = c.relname
           WHERE c.relkind IN ('r', 'p')""",
        ([s for s, _ in tables], [t for _, t in tables]),
    ).fetchall()
    found = {(s, t): (None if n < 0 else int(n)) for s, t, n in rows}
    return {key: found.get(key) for key in tables}


class _empty_search_path:
    """Run with search_path '' and put the caller's setting back afterwards, whether or
    not the connection is in autocommit mode."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.saved = ""

    def __enter__(self) -> None:
        row = self.conn.execute("SELECT pg_catalog.current_setting('search_path')").fetchone()
        self.saved = row[0] if row else ""
        self.conn.execute("SELECT pg_catalog.set_config('search_path', '', false)")

    def __exit__(self, *exc: object) -> None:
        if self.conn.closed or self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            return
        self.conn.execute("SELECT pg_catalog.set_config('search_path', %s, false)", (self.saved,))


def _read(conn: psycopg.Connection, schemas: list[str], patterns: list[str]) -> Schema:
    nulls_not_distinct = "ix.indnullsnotdistinct" if conn.info.server_version >= 150000 else "false"
    params: dict[str, Any] = {"schemas": schemas}

    tables: dict[int, Table] = {}
    for oid, nspname, relname, comment in conn.execute(_TABLES, params):
        if _excluded(nspname, relname, patterns):
            continue
        tables[oid] = Table(schema=nspname, name=relname, comment=comment)
    params["tables"] = list(tables)

    _read_columns(conn, tables, params)
    sequences = _read_sequences(conn, tables, params)
    _read_constraints(conn, tables, params, nulls_not_distinct)
    _read_indexes(conn, tables, params, nulls_not_distinct)

    enums = [Enum(schema=s, name=n, values=list(v), comment=c) for s, n, v, c in conn.execute(_ENUMS, params)]
    namespaces = [Namespace(name=n, comment=c) for n, c in conn.execute(_NAMESPACES, params)]
    extensions = [
        Extension(name=name, schema=nsp)
        for name, nsp in conn.execute(_EXTENSIONS)
        if name not in _IMPLICIT_EXTENSIONS
    ]
    return Schema(
        dialect="postgresql",
        namespaces=namespaces,
        extensions=extensions,
        enums=enums,
        sequences=sequences,
        tables=list(tables.values()),
    )


def _excluded(schema: str, table: str, patterns: list[str]) -> bool:
    qualified = f"{schema}.{table}"
    return any(fnmatch.fnmatchcase(table, p) or fnmatch.fnmatchcase(qualified, p) for p in patterns)


def _read_columns(conn: psycopg.Connection, tables: dict[int, Table], params: dict[str, Any]) -> None:
    for (relid, _num, name, type_, notnull, identity, generated, default, collation,
         comment) in conn.execute(_COLUMNS, params):
        column = Column(name=name, type=type_, nullable=not notnull, collation=collation, comment=comment)
        if generated == "s":
            column.generated = default
        elif identity:
            column.identity = Identity(always=identity == "a")
        else:
            column.default = default
        tables[relid].columns.append(column)


def _read_sequences(
    conn: psycopg.Connection, tables: dict[int, Table], params: dict[str, Any]
) -> list[Sequence]:
    """Free-standing sequences, and the options of identity columns, which PostgreSQL
    keeps on the identity's hidden sequence."""
    sequences: list[Sequence] = []
    for row in conn.execute(_SEQUENCES, params):
        (_oid, nspname, relname, data_type, start, increment, minv, maxv, cache, cycle,
         owner_oid, owner_num, deptype, owner_schema, owner_table, owner_column, used_by_default) = row
        if "schemalens" in relname:
            continue
        options = _sequence_options(data_type, start, increment, minv, maxv, cache)
        if deptype == "i":
            table = tables.get(owner_oid)
            column = table.column(owner_column) if table else None
            if column is not None and column.identity is not None:
                identity = column.identity
                (identity.start, identity.increment, identity.min_value,
                 identity.max_value, identity.cache) = options
                identity.cycle = cycle
            continue
        if deptype == "a" and used_by_default:
            continue
        sequences.append(Sequence(
            schema=nspname, name=relname, data_type=data_type,
            start=options[0], increment=options[1], min_value=options[2],
            max_value=options[3], cache=options[4], cycle=cycle,
            owned_by=(owner_schema, owner_table, owner_column) if deptype == "a" else None,
        ))
    sequences.sort(key=lambda s: (s.schema, s.name))
    return sequences


def _sequence_options(
    data_type: str, start: int, increment: int, minv: int, maxv: int, cache: int
) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """(start, increment, min, max, cache), each None where it is what PostgreSQL picks
    when the option is not given: the model's "options None where default"."""
    low, high = _TYPE_RANGES.get(data_type, _TYPE_RANGES["bigint"])
    default_min, default_max = (1, high) if increment > 0 else (low, -1)
    default_start = minv if increment > 0 else maxv
    return (
        None if start == default_start else start,
        None if increment == 1 else increment,
        None if minv == default_min else minv,
        None if maxv == default_max else maxv,
        None if cache == 1 else cache,
    )


def _read_constraints(
    conn: psycopg.Connection, tables: dict[int, Table], params: dict[str, Any], nulls_not_distinct: str
) -> None:
    query = _CONSTRAINTS.format(nulls_not_distinct=nulls_not_distinct)
    for (relid, name, kind, deferrable, deferred, noinherit, upd, dele, match, columns,
         ref_schema, ref_table, ref_columns, check_expr, nnd) in conn.execute(query, params):
        table = tables[relid]
        if kind == "p":
            table.primary_key = PrimaryKey(name=name, columns=list(columns))
        elif kind == "u":
            table.uniques.append(Unique(
                name=name, columns=list(columns), nulls_not_distinct=bool(nnd),
                deferrable=deferrable, initially_deferred=deferred,
            ))
        elif kind == "f":
            table.foreign_keys.append(ForeignKey(
                name=name, columns=list(columns), ref_schema=ref_schema, ref_table=ref_table,
                ref_columns=list(ref_columns), on_delete=_FK_ACTIONS[dele], on_update=_FK_ACTIONS[upd],
                match=_FK_MATCH[match], deferrable=deferrable, initially_deferred=deferred,
            ))
        else:
            table.checks.append(Check(name=name, expression=check_expr, no_inherit=noinherit))


def _read_indexes(
    conn: psycopg.Connection, tables: dict[int, Table], params: dict[str, Any], nulls_not_distinct: str
) -> None:
    query = _INDEXES.format(nulls_not_distinct=nulls_not_distinct)
    for (relid, name, unique, method, options, elements, include, opclasses,
         collations, predicate, nnd) in conn.execute(query, params):
        keys = [
            _index_element(element, collations[i], opclasses[i], options[i])
            for i, element in enumerate(elements)
        ]
        tables[relid].indexes.append(Index(
            name=name, columns=keys, unique=unique, method=method, where=predicate,
            include=list(include), nulls_not_distinct=bool(nnd),
        ))


def _index_element(expr: str, collation: str | None, opclass: str | None, option: int) -> str:
    """One key element as it would be written in CREATE INDEX; indoption bit 1 is DESC,
    bit 2 NULLS FIRST (the defaults, ASC NULLS LAST / DESC NULLS FIRST, are left out)."""
    parts = [expr]
    if collation:
        parts.append(f"COLLATE {collation}")
    if opclass:
        parts.append(opclass)
    desc, nulls_first = bool(option & 1), bool(option & 2)
    if desc:
        parts.append("DESC")
    if nulls_first and not desc:
        parts.append("NULLS FIRST")
    elif desc and not nulls_first:
        parts.append("NULLS LAST")
    return " ".join(parts)
