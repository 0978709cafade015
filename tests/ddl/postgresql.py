"""PostgreSQL schemas drawn from its DDL grammar, one feature flag per construct of issue 11,
and their rendering as a schema file.

Every flag that is on appears at least once in every example (each is forced onto one
table), so a profile of flags is a claim about those constructs, not a hope."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.ddl import model as m
from tests.ddl.names import COLUMN_WORDS, SCHEMA_WORDS, TABLE_WORDS, Names

FEATURES = (
    "schemas", "quoted", "types", "numeric_defaults", "float_defaults", "bytea", "arrays", "casts",
    "null_defaults", "current_functions", "enums", "sequences", "serial", "identity",
    "checks", "uniques", "foreign_keys", "named_constraints", "not_valid", "no_inherit",
    "like", "inherits", "unlogged", "table_storage",
    "indexes", "unnamed_indexes", "partial_indexes", "expression_indexes", "include", "index_storage",
    "index_methods", "comments", "constraint_comments", "renames",
)

# (type, default) pairs per column feature: the defaults as a file would write them.
_KINDS: dict[str, list[tuple[str, str | None]]] = {
    "base": [("integer", None), ("integer", "0"), ("text", None), ("text", "'x'"), ("varchar(40)", None),
             ("boolean", "false"), ("boolean", None), ("integer", "-1")],
    "types": [("bigint", None), ("smallint", None), ("char(3)", None), ("numeric(12,2)", None), ("real", None),
              ("double precision", None), ("date", None), ("timestamp", None), ("timestamptz", None),
              ("time", None), ("interval", None), ("uuid", None), ("json", None), ("jsonb", None), ("inet", None),
              ("cidr", None), ("macaddr", None), ("numeric", None), ("bit(8)", None), ("money", None),
              ("timestamp(3) with time zone", None), ("character varying", None)],
    "numeric_defaults": [("numeric(10,4)", "0.0000"), ("numeric(10,2)", "1.50"), ("numeric(8,3)", "12.340"),
                         ("numeric", "0.00"), ("numeric(12,2)", "-3.10"), ("decimal(5,1)", "0.0")],
    "float_defaults": [("real", "0.0"), ("double precision", "1.5"), ("double precision", "-0.25"),
                       ("float8", "0"), ("real", "1e3")],
    "bytea": [("bytea", "''"), ("bytea", "'\\x'::bytea"), ("bytea", "'\\xdeadbeef'::bytea"), ("bytea", None)],
    "arrays": [("text[]", "'{}'"), ("text[]", "ARRAY[]::text[]"), ("text[]", "'{a,b}'::text[]"),
               ("integer[]", "ARRAY[1, 2]"), ("varchar(10)[]", None), ("integer[]", "'{}'::integer[]")],
    "casts": [("bigint", "'0'::bigint"), ("varchar(20)", "'x'::character varying"), ("integer", "(1)::integer"),
              ("text", "('a'::text || 'b'::text)"), ("macaddr", "'0:0:0:0:0:0'"), ("jsonb", "'{}'::jsonb"),
              ("inet", "'127.0.0.1'::inet"), ("date", "'2020-01-01'::date"), ("double precision", "'0'::double precision"),
              ("timestamp", "'2000-01-01 00:00:00'"), ("interval", "'1 day'::interval")],
    "null_defaults": [("text", "NULL"), ("varchar(64)", "NULL"), ("integer", "NULL"), ("timestamp", "NULL"),
                      ("varchar(64)", "NULL::character varying")],
    "current_functions": [("timestamp", "CURRENT_TIMESTAMP"), ("timestamptz", "now()"), ("timestamp", "LOCALTIMESTAMP"),
                          ("timestamp(0)", "LOCALTIMESTAMP(0)"), ("timestamptz", "CURRENT_TIMESTAMP(3)"),
                          ("date", "CURRENT_DATE"), ("time", "CURRENT_TIME"), ("time", "LOCALTIME"),
                          ("text", "CURRENT_USER"), ("name", "SESSION_USER"), ("timestamptz", "transaction_timestamp()")],
}
_ON_DELETE = [None, "CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"]
_SEQUENCE_OPTIONS = st.tuples(
    st.sampled_from(["", "AS integer ", "AS smallint ", "AS bigint "]),
    st.sampled_from(["", "INCREMENT BY 2 ", "INCREMENT BY -1 MINVALUE -100 MAXVALUE -1 START WITH -1 "]),
    st.sampled_from(["", "START WITH 10 ", "START 100 "]),
    st.sampled_from(["", "CACHE 5 ", "NO CYCLE ", "CYCLE "]),
).map(lambda parts: "".join(parts).strip() if not parts[1].startswith("INCREMENT BY -1") else
      "".join(p for i, p in enumerate(parts) if i != 2).strip())


def _method_safe(columns: list[m.Column]) -> list[m.Column]:
    """Columns every index method here (btree, hash, brin) has an operator class for."""
    return [c for c in columns if c.type in ("integer", "bigint", "text", "date", "timestamp", "serial", "bigserial")] \
        or columns[:1]


class _Draw:
    """One example being drawn: its model, the names taken, the flags on."""

    def __init__(self, draw: st.DrawFn, features: frozenset[str]) -> None:
        self.draw, self.on = draw, features
        self.odd = "quoted" in features
        self.model = m.Model("postgresql", qualify_public=draw(st.booleans()))
        self.relations: dict[str, Names] = {"public": Names()}
        self.forced: set[str] = set()   # the flags forced onto the table being drawn

    def chance(self, feature: str, forced: bool) -> bool:
        return feature in self.on and (forced or self.draw(st.integers(0, 3)) == 0)

    def name(self, schema: str, prefix: str, words: list[str]) -> str:
        return self.relations[schema].fresh(self.draw, words, self.odd, prefix)

    def constraint_name(self, table: m.Table, prefix: str, forced: bool = False) -> str | None:
        if not (forced or self.chance("named_constraints", "named_constraints" in self.forced)):
            return None
        return self.name(table.schema, prefix, COLUMN_WORDS)


@st.composite
def models(draw: st.DrawFn, features: frozenset[str]) -> m.Model:
    g = _Draw(draw, features)
    if "schemas" in features:
        for _ in range(draw(st.integers(1, 2))):
            schema = _all_schemas(g).fresh(draw, SCHEMA_WORDS, g.odd)
            g.model.schemas.append(schema)
            g.relations[schema] = Names()
    count = draw(st.integers(1, 3))
    forced = {f: i % count for i, f in enumerate(sorted(features))}
    for i in range(count):
        mine = {f for f, at in forced.items() if at == i}
        schema = g.model.schemas[-1] if "schemas" in mine else draw(st.sampled_from(g.model.schemas))
        _table(g, schema, mine)
    return g.model


def _all_schemas(g: _Draw) -> Names:
    names = Names()
    for schema in g.model.schemas:
        names.add(schema)
    return names


def _table(g: _Draw, schema: str, forced: set[str]) -> m.Table:
    draw = g.draw
    g.forced = forced
    words = [] if "quoted" in forced else TABLE_WORDS   # no words: a name that must be quoted
    table = m.Table(schema, g.relations[schema].fresh(draw, words, True) if not words else g.name(schema, "", words), [])
    columns = Names()
    key_type = "integer"
    pk = m.Column(columns.fresh(draw, ["id"], g.odd), key_type, not_null=draw(st.booleans()))
    if g.chance("serial", "serial" in forced):
        pk.type = draw(st.sampled_from(["serial", "bigserial", "smallserial"]))
        pk.not_null = False
    elif g.chance("identity", "identity" in forced):
        pk.type = draw(st.sampled_from(["integer", "bigint"]))
        pk.identity = draw(st.sampled_from(["ALWAYS", "BY DEFAULT", "BY DEFAULT (START WITH 10 INCREMENT BY 5)"]))
    table.columns.append(pk)
    table.primary_key = m.Key([pk.name], g.constraint_name(table, "pk_"))
    kinds = ["base"] + [f for f in _KINDS if f in g.on and f != "base"]
    wanted = [f for f in sorted(forced) if f in _KINDS] + [
        draw(st.sampled_from(kinds)) for _ in range(draw(st.integers(1, 3)))]
    for kind in wanted:
        type_, default = draw(st.sampled_from(_KINDS[kind]))
        table.columns.append(m.Column(columns.fresh(draw, COLUMN_WORDS, g.odd), type_, default,
                                      not_null=draw(st.booleans()), plain=kind == "base"))
    if g.chance("enums", "enums" in forced):
        table.columns.append(_enum_column(g, schema, columns))
    if g.chance("sequences", "sequences" in forced):
        table.columns.append(_sequence_column(g, table, columns))
    g.model.tables.append(table)
    _constraints(g, table, forced, columns)
    _indexes(g, table, forced)
    if g.chance("unlogged", "unlogged" in forced):
        table.unlogged = True
    if g.chance("table_storage", "table_storage" in forced):
        table.storage = draw(st.sampled_from(["fillfactor=70", "autovacuum_enabled=false", "fillfactor=90, toast_tuple_target=256"]))
    if g.chance("comments", "comments" in forced):
        table.comment = draw(st.sampled_from(["the table", "it's \"quoted\"", "line one\nline two", ""]))
        column = draw(st.sampled_from(table.columns))
        column.comment = draw(st.sampled_from(["a column", "ünïcødé", "O'Brien"]))
    for feature in ("like", "inherits"):
        if g.chance(feature, feature in forced):
            _derived(g, table, feature)
    return table


def _enum_column(g: _Draw, schema: str, columns: Names) -> m.Column:
    draw = g.draw
    labels = draw(st.lists(st.sampled_from(["new", "done", "it's", "Mixed Case", "ünï", "a b"]), min_size=1,
                           max_size=4, unique=True))
    enum = m.Enum(schema, g.name(schema, "kind_", ["mood", "state", "level"]), labels)
    g.model.enums.append(enum)
    default = draw(st.sampled_from([None, m.literal(labels[0]),
                                    f"{m.literal(labels[0])}::{m.qualified(g.model, schema, enum.name)}"]))
    return m.Column(columns.fresh(draw, COLUMN_WORDS, g.odd), m.qualified(g.model, schema, enum.name), default,
                    plain=False)


def _sequence_column(g: _Draw, table: m.Table, columns: Names) -> m.Column:
    draw = g.draw
    sequence = m.Sequence(table.schema, g.name(table.schema, "seq_", ["counter", "ticket", "number"]),
                          draw(_SEQUENCE_OPTIONS))
    g.model.sequences.append(sequence)
    column = m.Column(columns.fresh(draw, COLUMN_WORDS, g.odd), draw(st.sampled_from(["bigint", "integer"])),
                      not_null=draw(st.booleans()), plain=False, sequence=sequence.name)
    name = m.qualified(g.model, table.schema, sequence.name)
    column.default = draw(st.sampled_from([f"nextval({m.literal(name)})", f"nextval({m.literal(name)}::regclass)",
                                           f"nextval(({m.literal(name)}::text)::regclass)"]))
    sequence.owned_by = draw(st.sampled_from([None, column.name, "NONE"]))
    sequence.table = table.name
    return column


def _constraints(g: _Draw, table: m.Table, forced: set[str], columns: Names) -> None:
    draw = g.draw
    ints = [c for c in table.columns[1:] if c.type in ("integer", "bigint", "smallint") and not c.sequence]
    texts = [c for c in table.columns if c.type in ("text", "varchar(40)", "varchar(64)", "varchar(20)")]
    for feature in ("checks", "not_valid", "no_inherit"):
        if not g.chance(feature, feature in forced):
            continue
        if texts and draw(st.booleans()):
            check = m.Check(draw(st.sampled_from(["({0} <> '')", "(char_length({0}) <= 100)", "({0} IS NOT NULL)"])),
                            [draw(st.sampled_from(texts)).name])
        else:
            target = draw(st.sampled_from(ints)) if ints else table.columns[0]
            check = m.Check(draw(st.sampled_from(["({0} > 0)", "({0} >= 0 AND {0} < 1000)", "({0} <> 7)"])), [target.name])
        check.name = g.constraint_name(table, "ck_", forced=feature == "not_valid" and draw(st.booleans()))
        check.not_valid = feature == "not_valid"
        check.no_inherit = feature == "no_inherit"
        table.checks.append(check)
    if g.chance("uniques", "uniques" in forced):
        candidates = [c.name for c in table.columns[1:] if not c.type.endswith("[]") and c.type not in ("json", "xml")]
        chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True)) if candidates else [
            table.columns[0].name]
        table.uniques.append(m.Key(chosen, g.constraint_name(table, "uq_")))
    if g.chance("foreign_keys", "foreign_keys" in forced) or ("not_valid" in forced and draw(st.booleans())):
        targets = [t for t in g.model.tables if not t.unlogged and t.primary_key and (t.like is None)
                   and t.inherits is None]
        target = draw(st.sampled_from(targets))
        key = target.column(target.primary_key.columns[0])
        type_ = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(key.type, key.type)
        column = m.Column(columns.fresh(draw, [w + "_id" for w in ("parent", "owner", "ref")], g.odd), type_, plain=False)
        table.columns.append(column)
        on_delete = draw(st.sampled_from(_ON_DELETE))
        table.foreign_keys.append(m.ForeignKey([column.name], (target.schema, target.name), [key.name],
                                               g.constraint_name(table, "fk_"),
                                               not_valid="not_valid" in g.on and draw(st.booleans()),
                                               on_delete=on_delete))
    if g.chance("constraint_comments", "constraint_comments" in forced):
        if not table.primary_key.name:
            table.primary_key.name = g.name(table.schema, "pk_", COLUMN_WORDS)
        table.primary_key.comment = draw(st.sampled_from(["the key", "it's the key"]))


def _indexes(g: _Draw, table: m.Table, forced: set[str]) -> None:
    draw = g.draw
    plain = [c for c in table.columns if not c.type.endswith("[]") and c.type not in ("json", "xml", "point")]
    texts = [c for c in plain if c.type in ("text", "varchar(40)", "varchar(64)", "varchar(20)")]
    features = ("indexes", "unnamed_indexes", "partial_indexes", "expression_indexes", "include", "index_storage",
                "index_methods", "constraint_comments")
    for feature in features:
        if not g.chance(feature, feature in forced):
            continue
        first = draw(st.sampled_from(_method_safe(plain) if feature == "index_methods" else plain))
        index = m.Index(None if feature == "unnamed_indexes" else g.name(table.schema, "ix_", COLUMN_WORDS),
                        "{0}", [first.name], unique=draw(st.booleans()) and feature in ("indexes", "partial_indexes"))
        if feature == "indexes" and len(plain) > 1 and draw(st.booleans()):
            second = draw(st.sampled_from([c for c in plain if c is not first]))
            index.template, index.columns = "{0}, {1} DESC", [first.name, second.name]
        if feature == "partial_indexes":
            index.where = draw(st.sampled_from(["({0} IS NOT NULL)", "(({0} IS NULL) = false)"]))
        if feature == "expression_indexes":
            if texts:
                index.template, index.columns = draw(st.sampled_from(["lower({0})", "(lower({0}) || 'x')"])), [
                    draw(st.sampled_from(texts)).name]
            else:
                index.template, index.columns = "(({0} + 1))", [table.columns[0].name]
                index.columns = [table.columns[0].name]
        if feature == "include":
            others = [c.name for c in plain if c.name not in index.columns]
            if others:
                index.include = [draw(st.sampled_from(others))]
        if feature == "index_storage":
            index.storage = draw(st.sampled_from(["fillfactor=70", "fillfactor = 50", "deduplicate_items=off"]))
        if feature == "index_methods":
            index.method = draw(st.sampled_from(["hash", "btree", "brin"]))
            index.unique = False
        if feature == "constraint_comments":
            index.comment = draw(st.sampled_from(["an index", "it's \"indexed\""]))
        table.indexes.append(index)


def _derived(g: _Draw, parent: m.Table, feature: str) -> None:
    draw = g.draw
    child = m.Table(parent.schema, g.name(parent.schema, "", [w + "_copy" for w in TABLE_WORDS]), [])
    if feature == "like":
        child.like = (parent.schema, parent.name, draw(st.sampled_from(
            ["", "INCLUDING DEFAULTS", "INCLUDING ALL", "INCLUDING CONSTRAINTS INCLUDING INDEXES"])))
    else:
        child.inherits = (parent.schema, parent.name)
    own = Names()
    for column in parent.columns:
        own.add(column.name)
    child.columns.append(m.Column(own.fresh(draw, ["extra", "more"], g.odd), "text", plain=False))
    g.model.tables.append(child)


def render(model: m.Model) -> str:
    """The model as a schema file, in an order PostgreSQL accepts (`psql -f`)."""
    out = [f"CREATE SCHEMA {m.ident(s)};" for s in model.schemas if s != "public"]
    q = lambda schema, name: m.qualified(model, schema, name)  # noqa: E731
    for enum in model.enums:
        out.append(f"CREATE TYPE {q(enum.schema, enum.name)} AS ENUM ({', '.join(m.literal(x) for x in enum.labels)});")
    for sequence in model.sequences:
        out.append(f"CREATE SEQUENCE {q(sequence.schema, sequence.name)}{' ' + sequence.options if sequence.options else ''};")
    later: list[str] = []
    for table in model.tables:
        out.append(_create_table(model, table))
        name = q(table.schema, table.name)
        for check in (c for c in table.checks if c.not_valid):
            named = f"CONSTRAINT {m.ident(check.name)} " if check.name else ""
            later.append(f"ALTER TABLE {name} ADD {named}CHECK {m.fill(check.template, check.columns)} NOT VALID;")
        for fk in table.foreign_keys:
            named = f"CONSTRAINT {m.ident(fk.name)} " if fk.name else ""
            on_delete = f" ON DELETE {fk.on_delete}" if fk.on_delete else ""
            clause = (f"{named}FOREIGN KEY ({', '.join(map(m.ident, fk.columns))}) REFERENCES "
                      f"{q(*fk.target)} ({', '.join(map(m.ident, fk.target_columns))}){on_delete}")
            later.append(f"ALTER TABLE {name} ADD {clause} NOT VALID;" if fk.not_valid else f"ALTER TABLE {name} ADD {clause};")
        for index in table.indexes:
            later.append(_create_index(model, table, index))
        later.extend(_comments(model, table))
    for sequence in model.sequences:
        if sequence.owned_by:
            owner = "NONE" if sequence.owned_by == "NONE" else f"{q(sequence.schema, sequence.table)}.{m.ident(sequence.owned_by)}"
            later.append(f"ALTER SEQUENCE {q(sequence.schema, sequence.name)} OWNED BY {owner};")
    return "\n\n".join(out + later) + "\n"


def _create_table(model: m.Model, table: m.Table) -> str:
    name = m.qualified(model, table.schema, table.name)
    head = f"CREATE {'UNLOGGED ' if table.unlogged else ''}TABLE {name}"
    if table.renamed_from:
        head += f" /* @renamed from={m.ident(table.renamed_from)} */"
    lines = []
    if table.like:
        lines.append(f"LIKE {m.qualified(model, *table.like[:2])}{' ' + table.like[2] if table.like[2] else ''}")
    for column in table.columns:
        line = f"{m.ident(column.name)} {column.type}"
        if column.identity:
            always, _, options = column.identity.partition(" (")
            line += f" GENERATED {always} AS IDENTITY" + (f" ({options}" if options else "")
        if column.default is not None:
            line += f" DEFAULT {column.default}"
        if column.not_null:
            line += " NOT NULL"
        if column.renamed_from:
            line += f" /* @renamed from={m.ident(column.renamed_from)} */"
        lines.append(line)
    if table.primary_key:
        lines.append(_named(table.primary_key.name) + f"PRIMARY KEY ({', '.join(map(m.ident, table.primary_key.columns))})")
    for key in table.uniques:
        lines.append(_named(key.name) + f"UNIQUE ({', '.join(map(m.ident, key.columns))})")
    for check in (c for c in table.checks if not c.not_valid):
        lines.append(_named(check.name) + f"CHECK {m.fill(check.template, check.columns)}"
                     + (" NO INHERIT" if check.no_inherit else ""))
    body = ",\n".join("    " + line for line in lines)
    tail = f" INHERITS ({m.qualified(model, *table.inherits)})" if table.inherits else ""
    if table.storage:
        tail += f" WITH ({table.storage})"
    return f"{head} (\n{body}\n){tail};"


def _named(name: str | None) -> str:
    return f"CONSTRAINT {m.ident(name)} " if name else ""


def _create_index(model: m.Model, table: m.Table, index: m.Index) -> str:
    sql = f"CREATE {'UNIQUE ' if index.unique else ''}INDEX "
    if index.name:
        sql += m.ident(index.name) + " "
        if index.renamed_from:
            sql += f"/* @renamed from={m.ident(index.renamed_from)} */ "
    sql += f"ON {m.qualified(model, table.schema, table.name)}"
    if index.method:
        sql += f" USING {index.method}"
    template = index.template.replace(" DESC", "") if index.method in ("hash", "brin") else index.template
    keys = m.fill(template, index.columns)
    if index.method == "hash":
        keys = m.fill("{0}", index.columns[:1])
    sql += f" ({keys})"
    if index.include and index.method in (None, "btree"):
        sql += f" INCLUDE ({', '.join(map(m.ident, index.include))})"
    if index.storage and index.method in (None, "btree"):
        sql += f" WITH ({index.storage})"
    if index.where:
        sql += f" WHERE {m.fill(index.where, index.columns)}"
    return sql + ";"


def _comments(model: m.Model, table: m.Table) -> list[str]:
    name = m.qualified(model, table.schema, table.name)
    out = []
    if table.comment is not None:
        out.append(f"COMMENT ON TABLE {name} IS {m.literal(table.comment)};")
    for column in table.columns:
        if column.comment is not None:
            out.append(f"COMMENT ON COLUMN {name}.{m.ident(column.name)} IS {m.literal(column.comment)};")
    if table.primary_key and table.primary_key.comment is not None:
        out.append(f"COMMENT ON CONSTRAINT {m.ident(table.primary_key.name)} ON {name} IS {m.literal(table.primary_key.comment)};")
    for index in table.indexes:
        if index.comment is not None and index.name:
            out.append(f"COMMENT ON INDEX {m.qualified(model, table.schema, index.name)} IS {m.literal(index.comment)};")
    return out
