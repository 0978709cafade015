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
from collections.abc import Iterable
from typing import Any

import psycopg

from schemalens.dialects.base import CatalogError
from schemalens.dialects.postgresql.names import identity_sequence_name
from schemalens.dialects.postgresql.serials import fold_serial_sequences
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

# A table's properties (see _table_properties): its storage parameters with those of its
# TOAST table (as `toast.name=value`), persistence, replica identity (and its index), and
# the row level security flags.
_PROPERTIES = """c.reloptions,
       ARRAY(SELECT 'toast.' || o FROM pg_catalog.pg_class tc, pg_catalog.unnest(tc.reloptions) o
             WHERE tc.oid = c.reltoastrelid) AS toast_options,
       c.relpersistence, c.relreplident,
       (SELECT ri.relname FROM pg_catalog.pg_index rx JOIN pg_catalog.pg_class ri ON ri.oid = rx.indexrelid
        WHERE rx.indrelid = c.oid AND rx.indisreplident) AS replica_index,
       c.relrowsecurity, c.relforcerowsecurity,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by"""

_TABLES = f"""
SELECT c.oid, n.nspname, c.relname, d.description,
       {_PROPERTIES}
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
SELECT a.attrelid, a.attnum, a.attname, a.attcollation,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull, a.attidentity, a.attgenerated,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
         CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
              ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
       END AS collation,
       d.description, NULLIF(a.attstattarget, -1) AS statistics, a.attoptions
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

# Every sequence, with the column that owns it (deptype 'a': OWNED BY; 'i': an identity's)
# and the tables whose column defaults use it.
_SEQUENCES = f"""
SELECT s.seqrelid, n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       own.refobjid AS owner_table, own.refobjsubid AS owner_column, own.deptype,
       own_n.nspname AS owner_schema, own_c.relname AS owner_table_name, own_a.attname AS owner_column_name,
       ARRAY(SELECT COALESCE(ad.adrelid, 0) FROM pg_catalog.pg_depend dd
             LEFT JOIN pg_catalog.pg_attrdef ad
               ON ad.oid = dd.objid AND dd.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
             WHERE dd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
               AND dd.refobjid = s.seqrelid AND dd.deptype = 'n') AS users
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
       con.conkey, con.confrelid, rn.nspname AS ref_schema, rc.relname AS ref_table, con.confkey,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END AS check_expr,
       {nulls_not_distinct} AS nulls_not_distinct, con.convalidated,
       cd.description, CASE WHEN con.contype IN ('p', 'u') THEN ci.reloptions END AS index_options
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_description cd
  ON cd.objoid = con.oid AND cd.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass
LEFT JOIN pg_catalog.pg_class ci ON ci.oid = con.conindid
LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY(%(tables)s) AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.conname
"""

# Key elements: plain columns by name, expressions through pg_get_indexdef (the costly
# call, so only for them). Operator classes and collations come back as oids and are
# named in Python: joining pg_collation per index was most of this query's time.
_INDEXES = """
SELECT ix.indrelid, ic.relname, ix.indisunique, am.amname, ix.indoption::int2[] AS indoption,
       ARRAY(SELECT CASE WHEN k.num = 0 THEN pg_catalog.pg_get_indexdef(ix.indexrelid, k.ord::int, false)
                         ELSE pg_catalog.quote_ident(a.attname) END
             FROM pg_catalog.unnest(ix.indkey::int2[]) WITH ORDINALITY k(num, ord)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
             WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord) AS elements,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(ix.indkey::int2[]) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.num
             WHERE k.ord > ix.indnkeyatts ORDER BY k.ord) AS include,
       ix.indkey::int2[] AS indkey, ix.indclass::oid[] AS opclasses, ix.indcollation::oid[] AS collations,
       pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
       {nulls_not_distinct} AS nulls_not_distinct, ix.indisvalid, ic.reloptions, d.description,
       ARRAY(SELECT ARRAY[ia.attnum, ia.attstattarget] FROM pg_catalog.pg_attribute ia
             WHERE ia.attrelid = ix.indexrelid AND ia.attstattarget >= 0 ORDER BY ia.attnum) AS statistics
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = ic.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE ix.indrelid = ANY(%(tables)s)
  AND ic.relname NOT LIKE '%%schemalens%%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY ix.indrelid, ic.relname
"""

# Non-default operator classes by oid; a default one is never written out.
_OPCLASSES = """
SELECT opc.oid, CASE WHEN n.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(opc.opcname)
                     ELSE pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END
FROM pg_catalog.pg_opclass opc JOIN pg_catalog.pg_namespace n ON n.oid = opc.opcnamespace
WHERE NOT opc.opcdefault
"""

_COLLATIONS = """
SELECT co.oid, CASE WHEN n.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
                    ELSE pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
WHERE co.oid = ANY(%s)
"""

_ATTRIBUTE_NAMES = """
SELECT attrelid, attnum, attname FROM pg_catalog.pg_attribute
WHERE attrelid = ANY(%s) AND attnum > 0 AND NOT attisdropped
"""

_DEFAULT_COLLATION = 100

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

# holds: what the schema holds beyond the tables, sequences and enums read here
# (DROP SCHEMA fails while it is there): views, tables left out, functions, other types.
_NAMESPACES = f"""
SELECT n.nspname, d.description,
       ARRAY(SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view '
                                   WHEN 'f' THEN 'foreign table ' WHEN 'c' THEN 'type ' ELSE 'table ' END
                    || c.relname
             FROM pg_catalog.pg_class c
             WHERE c.relnamespace = n.oid AND (c.relkind IN ('v', 'm', 'f', 'c') OR (c.relkind IN ('r', 'p')
                   AND (c.relispartition OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)
                        OR NOT {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_class', oid='c.oid')})))
             UNION ALL
             SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END
                    || p.proname
             FROM pg_catalog.pg_proc p WHERE p.pronamespace = n.oid
             UNION ALL
             SELECT 'type ' || t.typname FROM pg_catalog.pg_type t
             WHERE t.typnamespace = n.oid AND t.typtype IN ('b', 'd', 'r', 'm') AND t.typelem = 0
             ORDER BY 1) AS holds
FROM pg_catalog.pg_namespace n
LEFT JOIN pg_catalog.pg_description d
  ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
WHERE n.nspname = ANY(%(schemas)s) AND n.nspname <> 'public'
  AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_namespace', oid='n.oid')}
ORDER BY n.nspname
"""

# in_use: a column of a table (not the extension's own) has one of its types.
_EXTENSIONS = f"""
SELECT e.extname, n.nspname, e.extversion,
       EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
               JOIN pg_catalog.pg_attribute a ON a.atttypid = dep.objid AND NOT a.attisdropped AND a.attnum > 0
               JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
               WHERE dep.refobjid = e.oid AND dep.deptype = 'e'
                 AND dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                 AND {_NOT_EXTENSION_MEMBER.format(catalog='pg_catalog.pg_class', oid='c.oid')}) AS in_use
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname
"""


def introspect_postgresql(
    conn: psycopg.Connection, schemas: list[str] | None = None, exclude: Iterable[str] = ()
) -> Schema:
    """Read the tables, constraints, indexes, enums, sequences, extensions and schemas
    of `schemas` (default: public). `exclude` holds fnmatch patterns matched against
    "table" and "schema.table"."""
    schemas = list(schemas) if schemas else ["public"]
    patterns = list(exclude)
    try:
        with _catalog_settings(conn):
            return _read(conn, schemas, patterns)
    except psycopg.Error as exc:
        raise CatalogError(f"could not read the database catalog: {exc}") from exc


# Settings for the catalog queries, put back afterwards. An empty search_path makes
# every printed name qualified; JIT compilation costs more (~0.1 s) than these queries.
_SETTINGS = {"search_path": "", "jit": "off"}


class _catalog_settings:
    """Apply _SETTINGS and restore the caller's values, whether or not the connection
    is in autocommit mode (in a failed transaction the rollback restores them)."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.saved: tuple[str, ...] = ()

    def __enter__(self) -> None:
        names = list(_SETTINGS)
        row = self.conn.execute(
            "SELECT " + ", ".join(f"pg_catalog.current_setting('{n}')" for n in names)
        ).fetchone()
        self.saved = tuple(row) if row else ()
        self._set(list(_SETTINGS.values()))

    def __exit__(self, *exc: object) -> None:
        if self.conn.closed or self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            return
        self._set(list(self.saved))

    def _set(self, values: list[str]) -> None:
        calls = ", ".join(f"pg_catalog.set_config('{n}', %s, false)" for n in _SETTINGS)
        self.conn.execute(f"SELECT {calls}", values)


def _read(conn: psycopg.Connection, schemas: list[str], patterns: list[str]) -> Schema:
    nulls_not_distinct = "ix.indnullsnotdistinct" if conn.info.server_version >= 150000 else "false"
    params: dict[str, Any] = {"schemas": schemas}

    tables: dict[int, Table] = {}
    for oid, nspname, relname, comment, *properties in conn.execute(_TABLES, params).fetchall():
        if _excluded(nspname, relname, patterns):
            continue
        tables[oid] = Table(schema=nspname, name=relname, comment=comment, **_table_properties(*properties))
    params["tables"] = list(tables)

    # One pipeline: the server runs the queries back to back while Python turns the
    # first results into the model.
    with conn.pipeline():
        pending = {
            "columns": conn.execute(_COLUMNS, params),
            "sequences": conn.execute(_SEQUENCES, params),
            "constraints": conn.execute(_CONSTRAINTS.format(nulls_not_distinct=nulls_not_distinct), params),
            "indexes": conn.execute(_INDEXES.format(nulls_not_distinct=nulls_not_distinct), params),
            "opclasses": conn.execute(_OPCLASSES),
            "enums": conn.execute(_ENUMS, params),
            "namespaces": conn.execute(_NAMESPACES, params),
            "extensions": conn.execute(_EXTENSIONS),
        }
        attributes = _read_columns(pending["columns"].fetchall(), tables)
        sequences = _read_sequences(pending["sequences"].fetchall(), tables)
        _read_constraints(conn, pending["constraints"].fetchall(), tables, attributes)
        _read_indexes(conn, pending["indexes"].fetchall(), dict(pending["opclasses"].fetchall()), tables, attributes)
        enums = [Enum(schema=s, name=n, values=list(v), comment=c) for s, n, v, c in pending["enums"].fetchall()]
        namespaces = [Namespace(name=n, comment=c, holds=tuple(h)) for n, c, h in pending["namespaces"].fetchall()]
        extensions = [Extension(name=name, schema=nsp, installed=version, in_use=in_use)
                      for name, nsp, version, in_use in pending["extensions"].fetchall()]
    schema = Schema(
        dialect="postgresql",
        namespaces=namespaces,
        extensions=extensions,
        enums=enums,
        sequences=sequences,
        tables=list(tables.values()),
    )
    fold_serial_sequences(schema)
    return schema


def _table_properties(options: list[str] | None, toast_options: list[str], persistence: str, replident: str,
                      replica_index: str | None, row_security: bool, force_row_security: bool,
                      partition_by: str | None) -> dict[str, Any]:
    identity = {"d": "default", "f": "full", "n": "nothing", "i": "index"}[replident]
    return {"storage": storage(options) | storage(toast_options), "unlogged": persistence == "u",
            "replica_identity": identity, "replica_index": replica_index if identity == "index" else None,
            "row_security": row_security, "force_row_security": force_row_security,
            "partition_by": partition_by}


def storage(reloptions: list[str] | None) -> dict[str, str]:
    """`reloptions` (`name=value` texts) as a dict, in their order."""
    return dict(o.partition("=")[::2] for o in reloptions or ())


def _excluded(schema: str, table: str, patterns: list[str]) -> bool:
    qualified = f"{schema}.{table}"
    return any(fnmatch.fnmatchcase(table, p) or fnmatch.fnmatchcase(qualified, p) for p in patterns)


# (table oid, attnum) -> (column name, collation oid): constraints and indexes name
# their columns by number.
_Attributes = dict[tuple[int, int], tuple[str, int]]


def _read_columns(rows: list[tuple[Any, ...]], tables: dict[int, Table]) -> _Attributes:
    """Columns into their tables."""
    attributes: _Attributes = {}
    for (relid, num, name, collation_oid, type_, notnull, identity, generated, default, collation,
         comment, statistics, options) in rows:
        attributes[relid, num] = (name, collation_oid)
        column = Column(name=name, type=type_, nullable=not notnull, collation=collation, comment=comment,
                        statistics=statistics, statistics_options=storage(options))
        if generated == "s":
            column.generated = default
        elif identity:
            column.identity = Identity(always=identity == "a")
        else:
            column.default = default
        tables[relid].columns.append(column)
    return attributes


def _read_sequences(rows: list[tuple[Any, ...]], tables: dict[int, Table]) -> list[Sequence]:
    """The sequences, and the options of identity columns, which PostgreSQL keeps on the
    identity's hidden sequence. A sequence owned or used by a table that is not read (not
    managed: inherited, excluded, another schema's) or by a view is marked `used_elsewhere`:
    left_alone keeps it out of the comparison unless the files define it, for what we do not
    manage we never touch. The serial ones are folded into their columns afterwards."""
    sequences: list[Sequence] = []
    for row in rows:
        (_oid, nspname, relname, data_type, start, increment, minv, maxv, cache, cycle,
         owner_oid, owner_num, deptype, owner_schema, owner_table, owner_column, users) = row
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
                identity.sequence_name = identity_sequence_name(relname, owner_table, owner_column)
            continue
        elsewhere = (deptype == "a" and owner_oid not in tables) or any(user not in tables for user in users)
        sequences.append(Sequence(
            schema=nspname, name=relname, data_type=data_type,
            start=options[0], increment=options[1], min_value=options[2],
            max_value=options[3], cache=options[4], cycle=cycle,
            owned_by=(owner_schema, owner_table, owner_column) if deptype == "a" else None,
            used_elsewhere=elsewhere,
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
    conn: psycopg.Connection, rows: list[tuple[Any, ...]], tables: dict[int, Table], attributes: _Attributes
) -> None:
    names = {key: value[0] for key, value in attributes.items()}
    outside = list({row[10] for row in rows if row[10] and row[10] not in tables})
    if outside:  # foreign keys to tables we do not read: name their columns too
        for relid, num, attname in conn.execute(_ATTRIBUTE_NAMES, (outside,)).fetchall():
            names[relid, num] = attname
    for (relid, name, kind, deferrable, deferred, noinherit, upd, dele, match, conkey,
         ref_oid, ref_schema, ref_table, confkey, check_expr, nnd, valid, comment, index_options) in rows:
        table = tables[relid]
        columns = [names[relid, n] for n in conkey or ()]
        ref_columns = [names[ref_oid, n] for n in confkey or ()]
        if kind == "p":
            table.primary_key = PrimaryKey(name=name, columns=columns, comment=comment,
                                           storage=storage(index_options))
        elif kind == "u":
            table.uniques.append(Unique(
                name=name, columns=columns, nulls_not_distinct=bool(nnd),
                deferrable=deferrable, initially_deferred=deferred, comment=comment,
                storage=storage(index_options),
            ))
        elif kind == "f":
            table.foreign_keys.append(ForeignKey(
                name=name, columns=columns, ref_schema=ref_schema, ref_table=ref_table,
                ref_columns=ref_columns, on_delete=_FK_ACTIONS[dele], on_update=_FK_ACTIONS[upd],
                match=_FK_MATCH[match], deferrable=deferrable, initially_deferred=deferred, valid=valid,
                comment=comment,
            ))
        else:
            table.checks.append(Check(name=name, expression=check_expr, no_inherit=noinherit, valid=valid,
                                      comment=comment))


def _read_indexes(
    conn: psycopg.Connection, rows: list[tuple[Any, ...]], opclass_names: dict[int, str],
    tables: dict[int, Table], attributes: _Attributes,
) -> None:
    # An element's collation is worth writing only where it is not the one the column
    # (or, for an expression, the database default) has anyway.
    explicit: dict[tuple[int, int], int] = {}
    for row in rows:
        relid, indkey, collations = row[0], row[7], row[9]
        for i, coll in enumerate(collations[: len(row[5])]):
            natural = attributes.get((relid, indkey[i]), ("", 0))[1] if indkey[i] else _DEFAULT_COLLATION
            if coll and coll != natural:
                explicit[id(row), i] = coll
    collation_names: dict[int, str] = (
        dict(conn.execute(_COLLATIONS, (list(set(explicit.values())),)).fetchall()) if explicit else {}
    )
    for row in rows:
        (relid, name, unique, method, options, elements, include, _indkey, opclasses, _collations,
         predicate, nnd, valid, reloptions, comment, statistics) = row
        keys = [
            _index_element(
                element,
                collation_names.get(explicit.get((id(row), i), 0)),
                opclass_names.get(opclasses[i]),
                options[i],
            )
            for i, element in enumerate(elements)
        ]
        tables[relid].indexes.append(Index(
            name=name, columns=keys, unique=unique, method=method, where=predicate,
            include=list(include), nulls_not_distinct=bool(nnd), valid=valid,
            storage=storage(reloptions), comment=comment, statistics={n: t for n, t in statistics},
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
