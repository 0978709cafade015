"""A hypothesis strategy of SQLite schema files written the many ways people write them.

A drawn `FileSpec` is what a file means (tables, columns, keys, checks, foreign keys,
indexes, table options, views and triggers); `spelled(spec)` draws one way to write it: keyword case, spacing
and line breaks, comments inside statements (with `;` and quotes in them), each name
quoted one of the ways SQLite reads, IF NOT EXISTS, a trailing comment before the `;`.
Two spellings of one spec are the same schema to SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from schemalens.dialects.sqlite.names import KEYWORDS

# names SQLite takes when quoted: keywords, spaces, quotes, unicode, a line break
TABLE_NAMES = ["t1", "order", "we ird", 'q"t', "ünï", "line\nbreak", "Items"]
COLUMN_NAMES = ["id", "a", "Mixed", "d e", "select", "x\"y", "ñ"]
TYPES = ["integer", "INTEGER", "int", "text", "TEXT", "varchar(10)", "REAL", "blob", "numeric(10,2)", ""]
STRICT_TYPES = ["INTEGER", "int", "TEXT", "REAL", "BLOB", "ANY"]
VIEW_NAMES = ["v1", "View 2", "select"]
TRIGGER_NAMES = ["tr1", "Tr 2"]
DEFAULTS = ["1", "-1", "'x'", "'it''s'", "(1 + 2)", "CURRENT_TIMESTAMP", "NULL", "x'00'", "0.50"]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    not_null: bool = False
    default: str | None = None
    unique: bool = False
    collate: str | None = None
    check: bool = False  # a column-level CHECK on this column
    generated: str | None = None  # "VIRTUAL" / "STORED": the first column + 1


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    pk: tuple[str, ...] = ()
    pk_inline: bool = False  # written on the column (one column only)
    pk_name: str | None = None
    autoincrement: bool = False
    uniques: tuple[tuple[str, ...], ...] = ()
    checks: tuple[tuple[str | None, str], ...] = ()  # (name, column) -> CHECK (length(column) < 100)
    fks: tuple[tuple[str, str], ...] = ()  # (column, parent table): references the parent's key
    without_rowid: bool = False
    strict: bool = False


@dataclass(frozen=True)
class IndexSpec:
    name: str
    table: str
    unique: bool
    elements: tuple[tuple[str, str], ...]  # (kind, column): kind plain / desc / nocase / lower / plus
    where: str | None = None  # a column: WHERE column IS NOT NULL


@dataclass(frozen=True)
class ViewSpec:
    name: str
    source: str  # a table, or an earlier view
    columns: tuple[str, ...]  # () for *


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    on: str  # a table (BEFORE/AFTER) or a view (INSTEAD OF)
    timing: str
    event: str
    body: str  # {} stands for `target`
    target: str


@dataclass(frozen=True)
class FileSpec:
    tables: tuple[TableSpec, ...]
    indexes: tuple[IndexSpec, ...] = field(default=())
    views: tuple[ViewSpec, ...] = field(default=())
    triggers: tuple[TriggerSpec, ...] = field(default=())


@st.composite
def _column(draw: st.DrawFn, name: str, strict: bool, first: str | None) -> ColumnSpec:
    type_ = draw(st.sampled_from(STRICT_TYPES if strict else TYPES))
    generated = draw(st.sampled_from([None, None, None, "VIRTUAL", "STORED"])) if first else None
    if generated:
        return ColumnSpec(name, type_ or "INT", generated=generated)
    return ColumnSpec(name, type_, not_null=draw(st.booleans()),
                      default=draw(st.none() | st.sampled_from(DEFAULTS)),
                      unique=draw(st.integers(0, 4)) == 0,
                      collate=draw(st.sampled_from([None, None, "NOCASE", "nocase", "RTRIM"])),
                      check=draw(st.integers(0, 4)) == 0)


@st.composite
def _table(draw: st.DrawFn, name: str, earlier: list[TableSpec]) -> TableSpec:
    strict = draw(st.booleans())
    names = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=4, unique_by=str.lower))
    columns: list[ColumnSpec] = []
    for i, column in enumerate(names):
        columns.append(draw(_column(column, strict, names[0] if i else None)))
    plain = [c.name for c in columns if c.generated is None]
    pk: tuple[str, ...] = tuple(draw(st.lists(st.sampled_from(plain), max_size=2, unique=True)))
    without_rowid = bool(pk) and draw(st.booleans())
    pk_inline = len(pk) == 1 and draw(st.booleans())
    key_type = next((c.type for c in columns if pk and c.name == pk[0]), "")
    autoincrement = (pk_inline and not without_rowid and key_type.upper() == "INTEGER" and draw(st.booleans()))
    pk_name = draw(st.none() | st.sampled_from(["pk", "Key Name"])) if pk else None
    uniques = tuple(tuple(u) for u in draw(st.lists(st.lists(st.sampled_from(plain), min_size=1, max_size=2,
                                                             unique=True), max_size=1)))
    checks = tuple(draw(st.lists(st.tuples(st.none() | st.sampled_from(["chk", "Check Me"]), st.sampled_from(plain)),
                                 max_size=1)))
    # a parent defined above (its key), or one the file does not define (SQLite takes it)
    parents = [t.name for t in earlier if len(t.pk) == 1] + ["elsewhere"]
    fks = tuple(draw(st.lists(st.tuples(st.sampled_from(plain), st.sampled_from(parents)), max_size=1)))
    return TableSpec(name, tuple(columns), pk, pk_inline, pk_name, autoincrement, uniques, checks, fks,
                     without_rowid, strict)


@st.composite
def _index(draw: st.DrawFn, name: str, table: TableSpec) -> IndexSpec:
    plain = [c.name for c in table.columns if c.generated is None]
    columns = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=2, unique=True))
    kinds = ["plain", "desc", "nocase", "lower", "plus"]
    elements = tuple((draw(st.sampled_from(kinds)), c) for c in columns)
    return IndexSpec(name, table.name, draw(st.booleans()), elements, draw(st.none() | st.sampled_from(plain)))


@st.composite
def file_specs(draw: st.DrawFn) -> FileSpec:
    names = draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=3, unique=True))
    tables: list[TableSpec] = []
    for name in names:
        tables.append(draw(_table(name, tables)))
    indexes = []
    for i, table in enumerate(draw(st.lists(st.sampled_from(tables), max_size=2))):
        indexes.append(draw(_index(draw(st.sampled_from([f"ix{i}", f"Ix {i}", f"idx_{i}\"q"])), table)))
    views: list[ViewSpec] = []
    for name in draw(st.lists(st.sampled_from(VIEW_NAMES), max_size=2, unique=True)):
        source = draw(st.sampled_from([t.name for t in tables] + [v.name for v in views]))
        table = next((t for t in tables if t.name == source), None)
        columns = tuple(draw(st.lists(st.sampled_from([c.name for c in table.columns]), max_size=2, unique=True))
                        ) if table is not None else ()
        views.append(ViewSpec(name, source, columns))
    triggers = []
    for name in draw(st.lists(st.sampled_from(TRIGGER_NAMES), max_size=2, unique=True)):
        on = draw(st.sampled_from([t.name for t in tables] + [v.name for v in views]))
        timing = "INSTEAD OF" if on in {v.name for v in views} else draw(st.sampled_from(["BEFORE", "AFTER"]))
        body = draw(st.sampled_from(["SELECT 1;", "SELECT 'a b'; SELECT 2;", "DELETE FROM {} WHERE 0;"]))
        triggers.append(TriggerSpec(name, on, timing, draw(st.sampled_from(["INSERT", "DELETE", "UPDATE"])),
                                    body, tables[0].name))
    return FileSpec(tuple(tables), tuple(indexes), tuple(views), tuple(triggers))


# --- spelling ------------------------------------------------------------------------

_GAPS = [" ", " ", " ", "  ", "\n  ", "\t", " /* c; it's */ ", " -- note; \"q\n", "\n-- line\n  "]


class _Writer:
    """Draws one spelling per token: keyword case, the gap before it, a name's quotes."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def gap(self) -> str:
        return self.draw(st.sampled_from(_GAPS))

    def kw(self, words: str) -> str:
        out = []
        for word in words.split():
            out.append(self.draw(st.sampled_from([word.upper(), word.lower(), word.capitalize()])))
        return self.gap().join(out)

    def name(self, name: str, *, declared: bool = False) -> str:
        """`declared`: where SQLite also reads a 'string' as a name (CREATE TABLE, a column)."""
        styles = ['"' + name.replace('"', '""') + '"']
        if "]" not in name:
            styles.append(f"[{name}]")
        styles.append("`" + name.replace("`", "``") + "`")
        plain = name.isascii() and name.replace("_", "a").isalnum() and not name[0].isdigit()
        if plain and name.upper() not in KEYWORDS:
            styles += [name, name]
        if declared:
            styles.append("'" + name.replace("'", "''") + "'")
        return self.draw(st.sampled_from(styles))

    def ref(self, name: str) -> str:
        """A name that refers to a declared one: SQLite matches it without ASCII case."""
        if self.draw(st.booleans()):
            name = name.swapcase() if name.isascii() else name
        return self.name(name)


def spelled(spec: FileSpec) -> st.SearchStrategy[str]:
    return st.composite(lambda draw: _file(_Writer(draw), spec))()


def _file(w: _Writer, spec: FileSpec) -> str:
    statements = [_create_table(w, t) for t in spec.tables] + [_create_index(w, i) for i in spec.indexes]
    statements += [_create_view(w, v) for v in spec.views] + [_create_trigger(w, t) for t in spec.triggers]
    end = [";\n", ";\n\n", " ;\n", w.gap() + ";\n"]
    return "".join(s + w.draw(st.sampled_from(end)) for s in statements)


def _create_table(w: _Writer, t: TableSpec) -> str:
    head = w.kw("CREATE TABLE") + w.gap()
    if w.draw(st.integers(0, 3)) == 0:
        head += w.kw("IF NOT EXISTS") + w.gap()
    items = [_column_sql(w, t, c) for c in t.columns]
    if t.pk and not t.pk_inline:
        named = f"{w.kw('CONSTRAINT')} {w.name(t.pk_name)} " if t.pk_name else ""
        items.append(named + w.kw("PRIMARY KEY") + w.gap() + "(" + ", ".join(w.ref(c) for c in t.pk) + ")")
    for columns in t.uniques:
        items.append(w.kw("UNIQUE") + w.gap() + "(" + ",".join(w.ref(c) for c in columns) + ")")
    for name, column in t.checks:
        named = f"{w.kw('CONSTRAINT')} {w.name(name)} " if name else ""
        items.append(named + w.kw("CHECK") + w.gap() + f"(length({w.ref(column)}) < 100)")
    for column, parent in t.fks:
        items.append(w.kw("FOREIGN KEY") + f" ({w.ref(column)}) " + w.kw("REFERENCES") + " " + w.ref(parent))
    body = ("," + w.gap()).join(items)
    options = []
    if t.without_rowid:
        options.append(w.kw("WITHOUT ROWID"))
    if t.strict:
        options.append(w.kw("STRICT"))
    tail = ", ".join(w.draw(st.permutations(options))) if options else ""
    return f"{head}{w.name(t.name, declared=True)}{w.gap()}({w.gap()}{body}{w.gap()}){' ' + tail if tail else ''}"


def _column_sql(w: _Writer, t: TableSpec, c: ColumnSpec) -> str:
    parts = [w.name(c.name, declared=True)]
    if c.type:  # as declared: SQLite keeps the text (PRAGMA table_info shows it), case and all
        parts.append(c.type)
    if c.generated:
        # SQLite cuts a trailing "GENERATED ALWAYS" off the declared type only after plain
        # spaces: a comment there is part of the type (another schema; STRICT refuses it)
        first = t.columns[0].name
        return (" ".join([*parts, w.kw("GENERATED"), w.kw("ALWAYS")]) + w.gap() + w.kw("AS")
                + f" ({w.ref(first)} + 1) " + w.kw(c.generated))
    if t.pk_inline and t.pk == (c.name,):
        named = f"{w.kw('CONSTRAINT')} {w.name(t.pk_name)} " if t.pk_name else ""
        parts.append(named + w.kw("PRIMARY KEY") + (" " + w.kw("AUTOINCREMENT") if t.autoincrement else ""))
    if c.not_null:
        parts.append(w.kw("NOT NULL"))
    if c.default is not None:
        parts.append(w.kw("DEFAULT") + " " + c.default)
    if c.unique:
        parts.append(w.kw("UNIQUE"))
    if c.collate:
        parts.append(w.kw("COLLATE") + " " + c.collate)
    if c.check:
        parts.append(w.kw("CHECK") + f" ({w.ref(c.name)} IS NOT 'nope')")
    return w.gap().join(parts)


def _create_index(w: _Writer, i: IndexSpec) -> str:
    head = w.kw("CREATE UNIQUE INDEX" if i.unique else "CREATE INDEX") + w.gap()
    if w.draw(st.integers(0, 3)) == 0:
        head += w.kw("IF NOT EXISTS") + w.gap()
    elements = []
    for kind, column in i.elements:
        name = w.ref(column)
        elements.append({"plain": name, "desc": f"{name} {w.kw('DESC')}", "nocase": f"{name} {w.kw('COLLATE')} NOCASE",
                         "lower": f"lower({name})", "plus": f"{name}+1"}[kind])
    sql = (f"{head}{w.name(i.name)}{w.gap()}{w.kw('ON')} {w.ref(i.table)}{w.draw(st.sampled_from(['', ' ']))}"
           f"({w.draw(st.sampled_from([',', ', ', ' , '])).join(elements)})")
    if i.where:
        sql += f" {w.kw('WHERE')} {w.ref(i.where)} {w.kw('IS NOT NULL')}"
    return sql


def _create_view(w: _Writer, v: ViewSpec) -> str:
    """Names keep their case here: a view's columns take the case of its select list."""
    columns = ("," + w.gap()).join(w.name(c) for c in v.columns) or "*"
    return (w.kw("CREATE VIEW") + w.gap() + w.name(v.name) + w.gap() + w.kw("AS") + w.gap() + w.kw("SELECT")
            + w.gap() + columns + w.gap() + w.kw("FROM") + w.gap() + w.name(v.source))


def _create_trigger(w: _Writer, t: TriggerSpec) -> str:
    body = t.body.replace("SELECT", w.kw("SELECT")).replace(";", ";" + w.gap()).replace("{}", w.name(t.target))
    return (w.kw("CREATE TRIGGER") + w.gap() + w.name(t.name) + w.gap() + w.kw(t.timing) + w.gap() + w.kw(t.event)
            + w.gap() + w.kw("ON") + w.gap() + w.name(t.on) + w.gap() + w.kw("BEGIN") + w.gap() + body
            + w.kw("END"))
