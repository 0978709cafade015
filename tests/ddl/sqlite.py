"""SQLite schemas drawn from its DDL grammar (one flag per construct, each forced onto one
table as in tests/ddl/postgresql.py) and their rendering as a schema file."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.ddl import model as m
from tests.ddl.names import COLUMN_WORDS, TABLE_WORDS, Names

FEATURES = (
    "quoted", "types", "numeric_defaults", "blob_defaults", "null_defaults", "current_functions",
    "expression_defaults", "checks", "uniques", "foreign_keys", "named_constraints", "indexes",
    "partial_indexes", "expression_indexes", "autoincrement", "strict", "without_rowid", "collate", "renames",
)

_KINDS: dict[str, list[tuple[str, str | None]]] = {
    "base": [("INTEGER", None), ("INTEGER", "0"), ("TEXT", None), ("TEXT", "'x'"), ("INTEGER", "-1")],
    "types": [("REAL", None), ("BLOB", None), ("NUMERIC", None), ("VARCHAR(20)", None), ("BOOLEAN", None),
              ("DATETIME", None), ("DECIMAL(10,2)", None), ("BIGINT", None), ("DOUBLE PRECISION", None),
              ("CHARACTER VARYING(255)", None), ("", None), ("UNSIGNED BIG INT", None)],
    "numeric_defaults": [("REAL", "0.0"), ("NUMERIC", "0.0000"), ("DECIMAL(10,2)", "1.50"), ("REAL", "1e3"),
                         ("INTEGER", "+5"), ("REAL", "-0.25")],
    "blob_defaults": [("BLOB", "X'00'"), ("BLOB", "x'deadbeef'"), ("BLOB", "''")],
    "null_defaults": [("TEXT", "NULL"), ("INTEGER", "NULL"), ("VARCHAR(64)", "NULL")],
    "current_functions": [("DATETIME", "CURRENT_TIMESTAMP"), ("DATE", "CURRENT_DATE"), ("TIME", "CURRENT_TIME"),
                          ("TEXT", "current_timestamp")],
    "expression_defaults": [("TEXT", "(datetime('now'))"), ("INTEGER", "(strftime('%s','now'))"), ("INTEGER", "(1 + 1)"),
                            ("TEXT", "(lower('ABC'))"), ("INTEGER", "TRUE")],
}
_STRICT_TYPES = {"INTEGER": "INTEGER", "TEXT": "TEXT", "REAL": "REAL", "BLOB": "BLOB"}


@st.composite
def models(draw: st.DrawFn, features: frozenset[str]) -> m.Model:
    model = m.Model("sqlite")
    tables = Names()
    count = draw(st.integers(1, 3))
    forced = {f: i % count for i, f in enumerate(sorted(features))}
    for i in range(count):
        mine = {f for f, at in forced.items() if at == i}
        _table(draw, model, features, mine, tables)
    return model


def _chance(draw: st.DrawFn, features: frozenset[str], feature: str, forced: set[str]) -> bool:
    return feature in features and (feature in forced or draw(st.integers(0, 3)) == 0)


def _table(draw: st.DrawFn, model: m.Model, on: frozenset[str], forced: set[str], tables: Names) -> None:
    odd = "quoted" in on
    chance = lambda feature: _chance(draw, on, feature, forced)  # noqa: E731
    name = tables.fresh(draw, [] if "quoted" in forced else TABLE_WORDS, True if "quoted" in forced else odd)
    table = m.Table("main", name, [])
    columns = Names()
    strict = chance("strict")
    pk = m.Column(columns.fresh(draw, ["id"], odd), "INTEGER", not_null=draw(st.booleans()))
    inline_pk = chance("autoincrement")
    if inline_pk:
        pk.extra = "PRIMARY KEY AUTOINCREMENT"
        pk.not_null = False
    table.columns.append(pk)
    named = lambda prefix: tables.fresh(draw, COLUMN_WORDS, odd, prefix) if chance("named_constraints") else None  # noqa: E731
    if not inline_pk:
        table.primary_key = m.Key([pk.name], named("pk_"))
    kinds = ["base"] + [f for f in _KINDS if f in on and f != "base"]
    wanted = [f for f in sorted(forced) if f in _KINDS] + [draw(st.sampled_from(kinds)) for _ in range(draw(st.integers(1, 3)))]
    for kind in wanted:
        type_, default = draw(st.sampled_from(_KINDS[kind]))
        if strict:
            type_ = _STRICT_TYPES.get(type_.split("(")[0], "ANY")
        column = m.Column(columns.fresh(draw, COLUMN_WORDS, odd), type_, default, not_null=draw(st.booleans()),
                          plain=kind == "base")
        if chance("collate") and type_ in ("TEXT", "VARCHAR(20)", "VARCHAR(64)", "ANY"):
            column.extra = draw(st.sampled_from(["COLLATE NOCASE", "COLLATE RTRIM", "COLLATE BINARY"]))
        table.columns.append(column)
    texts = [c for c in table.columns if c.type.startswith(("TEXT", "VARCHAR"))]
    if chance("checks"):
        target = draw(st.sampled_from(table.columns))
        template = "(length({0}) > 0)" if target in texts else "({0} >= 0)"
        table.checks.append(m.Check(template, [target.name], named("ck_")))
    if chance("uniques"):
        chosen = draw(st.lists(st.sampled_from([c.name for c in table.columns]), min_size=1, max_size=2, unique=True))
        table.uniques.append(m.Key(chosen, named("uq_")))
    if chance("foreign_keys"):
        target = draw(st.sampled_from(model.tables + [table]))
        key = target.primary_key.columns[0] if target.primary_key else target.columns[0].name
        column = m.Column(columns.fresh(draw, ["parent_id", "owner_id", "ref_id"], odd), "INTEGER", plain=False)
        table.columns.append(column)
        table.foreign_keys.append(m.ForeignKey([column.name], ("main", target.name), [key], named("fk_"),
                                               on_delete=draw(st.sampled_from([None, "CASCADE", "SET NULL"]))))
    for feature in ("indexes", "partial_indexes", "expression_indexes"):
        if not chance(feature):
            continue
        first = draw(st.sampled_from(table.columns))
        index = m.Index(tables.fresh(draw, COLUMN_WORDS, odd, "ix_"), "{0}", [first.name],
                        unique=draw(st.booleans()) and feature != "expression_indexes")
        if feature == "indexes" and len(table.columns) > 1 and draw(st.booleans()):
            second = draw(st.sampled_from([c for c in table.columns if c is not first]))
            index.template, index.columns = draw(st.sampled_from(["{0}, {1}", "{0},{1} DESC", "{0} COLLATE NOCASE, {1}"])), [
                first.name, second.name]
        if feature == "partial_indexes":
            index.where = draw(st.sampled_from(["{0} IS NOT NULL", "({0} > 0)"]))
        if feature == "expression_indexes":
            target = draw(st.sampled_from(texts)) if texts else first
            index.template, index.columns = ("lower({0})" if texts else "({0} + 1)"), [target.name]
        table.indexes.append(index)
    options = []
    if strict:
        options.append("STRICT")
    if chance("without_rowid") and not inline_pk:
        options.append("WITHOUT ROWID")
        pk.not_null = True
    table.options = ", ".join(options)
    model.tables.append(table)


def render(model: m.Model) -> str:
    out = []
    for table in model.tables:
        head = f"CREATE TABLE {m.ident(table.name)}"
        if table.renamed_from:
            head += f" /* @renamed from={m.ident(table.renamed_from)} */"
        lines = []
        for column in table.columns:
            line = f"{m.ident(column.name)} {column.type}".rstrip()
            if column.extra:
                line += " " + column.extra
            if column.not_null:
                line += " NOT NULL"
            if column.default is not None:
                line += f" DEFAULT {column.default}"
            if column.renamed_from:
                line += f" /* @renamed from={m.ident(column.renamed_from)} */"
            lines.append(line)
        if table.primary_key:
            lines.append(_named(table.primary_key.name) + f"PRIMARY KEY ({', '.join(map(m.ident, table.primary_key.columns))})")
        for key in table.uniques:
            lines.append(_named(key.name) + f"UNIQUE ({', '.join(map(m.ident, key.columns))})")
        for check in table.checks:
            lines.append(_named(check.name) + f"CHECK {m.fill(check.template, check.columns)}")
        for fk in table.foreign_keys:
            on_delete = f" ON DELETE {fk.on_delete}" if fk.on_delete else ""
            lines.append(_named(fk.name) + f"FOREIGN KEY ({', '.join(map(m.ident, fk.columns))}) REFERENCES "
                         f"{m.ident(fk.target[1])} ({', '.join(map(m.ident, fk.target_columns))}){on_delete}")
        body = ",\n".join("    " + line for line in lines)
        out.append(f"{head} (\n{body}\n){' ' + table.options if table.options else ''};")
        for index in table.indexes:
            sql = f"CREATE {'UNIQUE ' if index.unique else ''}INDEX {m.ident(index.name)}"
            if index.renamed_from:
                sql += f" /* @renamed from={m.ident(index.renamed_from)} */"
            sql += f" ON {m.ident(table.name)} ({m.fill(index.template, index.columns)})"
            if index.where:
                sql += f" WHERE {m.fill(index.where, index.columns)}"
            out.append(sql + ";")
    return "\n\n".join(out) + "\n"


def _named(name: str | None) -> str:
    return f"CONSTRAINT {m.ident(name)} " if name else ""
