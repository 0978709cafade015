"""SQLite schema files -> the desired Schema, with spans and problems.

The files are run, one statement at a time, in a scratch in-memory SQLite database and
that database is read with the same introspection as a live one: SQLite itself decides
what the file means (types and defaults as it stores them, its own error messages), and
a schema that matches the database compares equal without any rewriting. Running each
statement on its own pins an error to its statement. A light parse of the same text
gives the positions of tables, columns, constraints and indexes for diagnostics.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from schemalens.dialects.sqlite.catalog import Place, introspect_schemas
from schemalens.dialects.sqlite.ddl import (
    IndexDef,
    Statement,
    TableDef,
    Token,
    parse_column_def,
    parse_create_index,
    parse_create_table,
    split_statements,
    tokenize,
)
from schemalens.dialects.sqlite.errors import error_problem
from schemalens.dialects.unreadable import readable
from schemalens.model import Problem, Schema, SourceResult, Span, Table, Unmanaged
from schemalens import directives


def parse_sqlite(files: list[tuple[str, str]]) -> SourceResult:
    reader = _Reader()
    for path, text in files:
        reader.read(path, text)
    return reader.result()


class _File:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def span(self, start: int, end: int) -> Span:
        sl, el = self.line(start), self.line(end)
        return Span(self.path, sl, start - self.line_starts[sl], el, end - self.line_starts[el])


@dataclass
class _Rename:
    kind: str  # "table" or "column"
    table: str  # lower-cased
    column: str | None  # lower-cased
    old: str


@dataclass
class _Located:
    """Where a table's parts are written (they may span files: CREATE, then ALTER ... ADD)."""

    table: Span
    columns: dict[str, Span] = field(default_factory=dict)
    primary_key: Span | None = None
    uniques: list[tuple[list[str], Span]] = field(default_factory=list)
    foreign_keys: list[tuple[tuple[list[str], str], Span]] = field(default_factory=list)
    checks: list[tuple[tuple[str | None, str], Span]] = field(default_factory=list)

    def add(self, f: _File, tdef: TableDef) -> None:
        for c in tdef.columns:
            self.columns[c.name.lower()] = f.span(c.start, c.end)
        if tdef.primary_key is not None:
            self.primary_key = f.span(tdef.primary_key.start, tdef.primary_key.end)
        self.uniques += [([c.lower() for c in u.columns], f.span(u.start, u.end)) for u in tdef.uniques]
        self.foreign_keys += [
            (([c.lower() for c in d.columns], d.ref_table.lower()), f.span(d.start, d.end)) for d in tdef.foreign_keys
        ]
        self.checks += [((c.name, c.expression), f.span(c.start, c.end)) for c in tdef.checks]


@dataclass
class _Anchor:
    offset: int
    kind: str
    table: str
    column: str | None = None


_SKIP_WORDS = {
    "INSERT": "data", "REPLACE": "data", "UPDATE": "data", "DELETE": "data", "SELECT": "query",
    "WITH": "query", "VALUES": "query", "PRAGMA": "pragma", "BEGIN": "transaction",
    "COMMIT": "transaction", "END": "transaction", "ROLLBACK": "transaction",
    "SAVEPOINT": "transaction", "RELEASE": "transaction", "VACUUM": "maintenance",
    "ANALYZE": "maintenance", "REINDEX": "maintenance", "ATTACH": "database",
    "DETACH": "database", "EXPLAIN": "query",
}


# Tables (with their indexes and triggers) per scratch schema: SQLite rescans a schema's
# whole catalog after each CREATE in it, so a bounded schema keeps every CREATE's cost flat
# (measured on 8,000 tables: 16 to 256 within 6% of each other, all in one schema 7x slower).
_TABLES_PER_SCHEMA = 64


class _Scratch:
    """The scratch databases the files run in.

    SQLite re-reads a schema's catalog after every CREATE in it by scanning all of it, so
    a file of N tables run in one schema is quadratic. The tables are therefore spread over
    schemas of at most `per_schema` tables each (and those tables' indexes and triggers),
    filled in turn: ten attached in-memory schemas per connection (SQLite's limit), then
    another connection, all read back as one. Names stay one namespace: an object whose
    name is taken is created where that name lives, so SQLite reports the clash in its own
    words; an index or trigger goes where its table is; a view (which may name "main"
    tables) and anything else goes to the first connection's main schema.
    """

    def __init__(self, per_schema: int = _TABLES_PER_SCHEMA) -> None:
        self.per_schema = per_schema
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.places: list[Place] = [(self.conn, "main")]
        self.attach_limit = self.conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)
        self.filled = 0  # tables placed in the last place
        self.gathered = False
        self.home: dict[str, tuple[int, str]] = {}  # lower name -> (place, kind) of tables, views, indexes
        self.index_table: dict[str, str] = {}  # lower index name -> lower table name
        self.triggers: dict[str, tuple[int, str]] = {}  # lower trigger name -> (place, lower table)

    def kind_of(self, name: str) -> str | None:
        entry = self.home.get(name.lower())
        return entry[1] if entry else None

    def run(self, text: str, stmt: Statement) -> None:
        """Execute one statement; sqlite3.Error as SQLite words it for a single schema."""
        toks = stmt.tokens
        at = _name_index(toks)
        qualifier, name_tok, after = _name_at(toks, at)
        action = " ".join(t.word for t in toks[:at] if t.word not in ("IF", "NOT", "EXISTS", "UNIQUE"))
        name = name_tok.name.lower()
        if len(self.places) > 1 and after < len(toks) and _reaches_other_tables(action, toks[after].word):
            self._gather()
        place = self._route(action, toks, name, after)
        conn, schema = self.places[place]
        sql = text[stmt.start : stmt.tail]  # as SQLite reads it: the texts it keeps are the file's
        if schema != "main" and (qualifier is None or qualifier.word == "MAIN"):
            cut = qualifier.start if qualifier is not None else name_tok.start
            sql = text[stmt.start : cut] + f'"{schema}".' + text[name_tok.start : stmt.tail]
        try:
            conn.execute(sql)
        except sqlite3.Error as e:
            raise sqlite3.OperationalError(re.sub(r"schemalens_\d+", "main", str(e))) from None
        self._record(action, toks, name, after, place)

    def close(self) -> None:
        _close(conn for conn, _ in self.places)

    def _route(self, action: str, toks: list[Token], name: str, after: int) -> int:
        if action == "CREATE INDEX":
            table = toks[after + 1].name.lower() if after + 1 < len(toks) else ""
            place = self.home.get(table, (0, ""))[0]
            taken = self.home.get(name)
            if taken is not None and taken[0] != place:
                self._clash(taken[1], toks, after)
            return place
        if action == "CREATE TRIGGER":
            place = self.home.get(_trigger_table(toks, after), (0, ""))[0]
            taken = self.triggers.get(name)
            if taken is not None and taken[0] != place and not any(t.word == "EXISTS" for t in toks[:after]):
                raise sqlite3.OperationalError(f"trigger {toks[after - 1].text} already exists")
            return place
        if action == "DROP TRIGGER":
            return self.triggers.get(name, (0, ""))[0]
        if name in self.home:
            return self.home[name][0]
        if action == "CREATE TABLE" and not self.gathered:
            if self.filled == self.per_schema:
                self._add_place()
            self.filled += 1
            return len(self.places) - 1
        return 0

    def _add_place(self) -> None:
        conn, _ = self.places[-1]
        attached = sum(1 for c, _ in self.places if c is conn) - 1
        if attached < self.attach_limit:
            schema = f"schemalens_{attached + 1}"
            conn.execute(f"ATTACH ':memory:' AS \"{schema}\"")
            self.places.append((conn, schema))
        else:
            self.places.append((sqlite3.connect(":memory:", isolation_level=None), "main"))
        self.filled = 0

    def _gather(self) -> None:
        """Move every object into the first connection's main schema and stay there:
        renaming or dropping a column or a table rewrites (or checks) references in the
        other tables, views and triggers of its own database only, and CREATE TABLE ... AS
        reads the tables it names. Rare in schema files; the quadratic cost is accepted."""
        for conn, schema in self.places[1:]:
            rows = conn.execute(
                f'SELECT sql FROM "{schema}".sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE \'sqlite\\_%\' '
                "ESCAPE '\\' ORDER BY rowid"
            ).fetchall()
            for (sql,) in rows:
                self.conn.execute(sql)
            if conn is self.conn:
                conn.execute(f'DETACH "{schema}"')
        _close(c for c, _ in self.places if c is not self.conn)
        self.places = [(self.conn, "main")]
        self.gathered = True
        self.home = {name: (0, kind) for name, (_, kind) in self.home.items()}
        self.triggers = {name: (0, table) for name, (_, table) in self.triggers.items()}

    @staticmethod
    def _clash(kind: str, toks: list[Token], after: int) -> None:
        name = toks[after - 1].name
        if kind != "index":
            raise sqlite3.OperationalError(f"there is already a table named {name}")
        if not any(t.word == "EXISTS" for t in toks[:after]):
            raise sqlite3.OperationalError(f"index {name} already exists")

    def _record(self, action: str, toks: list[Token], name: str, after: int, place: int) -> None:
        if action in ("CREATE TABLE", "CREATE VIEW", "CREATE VIRTUAL TABLE"):
            self.home.setdefault(name, (place, action.split()[1].lower()))
        elif action == "CREATE INDEX":
            self.home.setdefault(name, (place, "index"))
            self.index_table.setdefault(name, toks[after + 1].name.lower())
        elif action == "CREATE TRIGGER":
            self.triggers.setdefault(name, (place, _trigger_table(toks, after)))
        elif action == "DROP TRIGGER":
            self.triggers.pop(name, None)
        elif action in ("DROP TABLE", "DROP VIEW", "DROP INDEX"):
            self.home.pop(name, None)
            for index in [i for i, t in self.index_table.items() if t == name]:
                self.home.pop(index, None)
                del self.index_table[index]
            for trigger in [n for n, (_, t) in self.triggers.items() if t == name]:
                del self.triggers[trigger]
        elif action == "ALTER TABLE" and [t.word for t in toks[after : after + 2]] == ["RENAME", "TO"]:
            new = toks[after + 2].name.lower()
            self.home[new] = self.home.pop(name)
            for index, table in list(self.index_table.items()):
                if table == name:
                    self.index_table[index] = new
            for trigger, (where, table) in list(self.triggers.items()):
                if table == name:
                    self.triggers[trigger] = (where, new)


def _close(conns: Iterable[sqlite3.Connection]) -> None:
    for conn in {id(conn): conn for conn in conns}.values():
        conn.close()


def _reaches_other_tables(action: str, word_after_name: str) -> bool:
    """ALTER TABLE other than ADD, CREATE TABLE ... AS: see `_Scratch._gather`."""
    return (action == "ALTER TABLE" and word_after_name != "ADD") or (action == "CREATE TABLE" and word_after_name == "AS")


_OBJECT_WORDS = frozenset({"TABLE", "INDEX", "VIEW", "TRIGGER"})


def _name_index(toks: list[Token]) -> int:
    """Where the object's (possibly qualified) name starts in CREATE/ALTER/DROP ... name."""
    i = next((k + 1 for k, t in enumerate(toks[:5]) if t.word in _OBJECT_WORDS), 1)
    for words in (("IF", "NOT", "EXISTS"), ("IF", "EXISTS")):
        if [t.word for t in toks[i : i + len(words)]] == list(words):
            i += len(words)
            break
    return min(i, len(toks) - 1)


def _trigger_table(toks: list[Token], after: int) -> str:
    on = next((i for i in range(after, len(toks) - 1) if toks[i].word == "ON"), None)
    return toks[on + 1].name.lower() if on is not None else ""


def _name_at(toks: list[Token], i: int) -> tuple[Token | None, Token, int]:
    """(schema qualifier or None, name, index after the name) at position i."""
    if i + 2 < len(toks) and toks[i + 1].kind == "op" and toks[i + 1].text == ".":
        return toks[i], toks[i + 2], i + 3
    return None, toks[min(i, len(toks) - 1)], i + 1


@dataclass
class _Reader:
    scratch: _Scratch = field(default_factory=_Scratch)
    problems: list[Problem] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    # latest successful definition of each table / index, by lower-cased name
    tables: dict[str, _Located] = field(default_factory=dict)
    indexes: dict[str, Span] = field(default_factory=dict)
    # views and triggers: (kind, lower-cased name) -> where the name is written, in file order
    definitions: dict[tuple[str, str], Span] = field(default_factory=dict)
    renames: list[_Rename] = field(default_factory=list)
    # definitions read here, by the text SQLite stores for them (see introspect_schemas)
    known: dict[str, TableDef | IndexDef] = field(default_factory=dict)

    # --- statements ------------------------------------------------------------------

    def read(self, path: str, text: str) -> None:
        text, unreadable = readable(text)
        f = _File(path, text)
        self.problems += [Problem("error", "syntax-error", u.message, f.span(u.start, u.end)) for u in unreadable]
        tokens = tokenize(text)
        last = tokens[-1] if tokens else None
        if last is not None and last.text.startswith("/*") and not last.text.endswith("*/"):
            self.problems.append(Problem(
                "warning", "unterminated-comment",
                "comment is never closed: SQLite ignores the rest of the file", f.span(last.start, last.start + 2),
            ))
        anchors: list[_Anchor] = []
        for stmt in split_statements(text, tokens):
            self._statement(f, stmt, anchors)
        self._collect_renames(f, tokens, anchors)

    def _statement(self, f: _File, stmt: Statement, anchors: list[_Anchor]) -> None:
        words = [t.word for t in stmt.tokens[:4]] + [""] * 4
        first = words[0]
        if first == "CREATE":
            self._create(f, stmt, [w for w in words[1:] if w not in ("UNIQUE",)], anchors)
        elif first == "ALTER":
            if self._execute(f, stmt):
                self._after_alter(f, stmt, anchors)
        elif first == "DROP":
            if self._execute(f, stmt):
                self._after_drop(stmt)
        elif first in _SKIP_WORDS:
            self.problems.append(Problem(
                "info", "skipped-statement",
                f"{first} statement skipped: a schema file describes structure, "
                f"{_SKIP_WORDS[first]} statements are not run",
                f.span(stmt.start, stmt.end),
            ))
        else:  # no statement starts this way: let SQLite word the syntax error
            self._execute(f, stmt)

    def _create(self, f: _File, stmt: Statement, words: list[str], anchors: list[_Anchor]) -> None:
        qualifier, _, _ = _name_at(stmt.tokens, _name_index(stmt.tokens))
        if words[0] in ("TEMP", "TEMPORARY") or (qualifier is not None and qualifier.name.lower() == "temp"):
            self.problems.append(Problem(
                "info", "skipped-statement",
                "temporary objects are not part of the database schema: statement skipped",
                f.span(stmt.start, stmt.end),
            ))
        elif words[0] == "TABLE":
            self._create_table(f, stmt, anchors)
        elif words[0] == "INDEX":
            self._create_index(f, stmt, anchors)
        elif words[0] in ("VIEW", "TRIGGER"):
            self._create_definition(f, stmt, words[0].lower())
        elif words[0] == "VIRTUAL":
            try:
                self.scratch.run(f.text, stmt)
                detail = ""
            except sqlite3.Error as e:
                detail = f" (not checked here: {e})"
            self._note_unmanaged(f, stmt, "virtual table", detail)
        else:
            self._execute(f, stmt)

    def _create_table(self, f: _File, stmt: Statement, anchors: list[_Anchor]) -> None:
        tdef = parse_create_table(stmt.tokens, f.text)
        if tdef is not None and tdef.if_not_exists and self.scratch.kind_of(tdef.name) == "table":
            self._duplicate(f, "table", tdef.name, tdef.name_start, tdef.name_end)
            return
        if not self._execute(f, stmt) or tdef is None:
            return
        self._note_conflict_clauses(f, stmt, tdef.name)
        self.known["CREATE TABLE " + f.text[tdef.name_start : stmt.end]] = tdef
        key = tdef.name.lower()
        self.tables[key] = located = _Located(f.span(tdef.name_start, tdef.name_end))
        located.add(f, tdef)
        anchors.append(_Anchor(tdef.name_start, "table", key))
        anchors.extend(_Anchor(c.name_start, "column", key, c.name.lower()) for c in tdef.columns)

    def _create_index(self, f: _File, stmt: Statement, anchors: list[_Anchor]) -> None:
        idef = parse_create_index(stmt.tokens, f.text)
        if idef is not None and idef.if_not_exists and self.scratch.kind_of(idef.name) == "index":
            self._duplicate(f, "index", idef.name, idef.name_start, idef.name_end)
            return
        if self._execute(f, stmt) and idef is not None:
            self.indexes[idef.name.lower()] = f.span(idef.start, idef.end)
            prefix = "CREATE UNIQUE INDEX " if idef.unique else "CREATE INDEX "
            self.known[prefix + f.text[idef.name_start : stmt.tail]] = idef
            anchors.append(_Anchor(idef.name_start, "index", idef.name.lower()))

    def _create_definition(self, f: _File, stmt: Statement, kind: str) -> None:
        _, name_tok, _ = _name_at(stmt.tokens, _name_index(stmt.tokens))
        key = (kind, name_tok.name.lower())
        exists = "IF" in (t.word for t in stmt.tokens[:_name_index(stmt.tokens)])
        if exists and key in self.definitions:
            self._duplicate(f, kind, name_tok.name, name_tok.start, name_tok.end)
        elif self._execute(f, stmt):
            self.definitions.pop(key, None)  # the latest is last in file order
            self.definitions[key] = f.span(name_tok.start, name_tok.end)

    def _after_alter(self, f: _File, stmt: Statement, anchors: list[_Anchor]) -> None:
        """Keep positions in step with a successful ALTER TABLE: added columns, renames."""
        toks = stmt.tokens
        i = 4 if len(toks) > 4 and toks[3].kind == "op" and toks[3].text == "." else 2
        if len(toks) <= i + 1:
            return
        key = toks[i].name.lower()
        located = self.tables.get(key)
        if located is None:
            return
        action = toks[i + 1].word
        if action == "ADD":
            j = i + 3 if toks[i + 2].word == "COLUMN" else i + 2
            added = TableDef(None, key, 0, 0, False, False)
            parse_column_def(toks[j:], f.text, added)
            located.add(f, added)
            anchors.extend(_Anchor(c.name_start, "column", key, c.name.lower()) for c in added.columns)
        elif action == "RENAME" and toks[i + 2].word == "TO":
            self.tables[toks[i + 3].name.lower()] = self.tables.pop(key)
        elif action == "RENAME":  # RENAME [COLUMN] old TO new
            old, _, new = toks[-3:]
            span = located.columns.pop(old.name.lower(), None)
            if span is not None:
                located.columns[new.name.lower()] = span

    def _after_drop(self, stmt: Statement) -> None:
        toks = stmt.tokens
        if len(toks) < 3:
            return
        name = toks[-1].name.lower()
        if toks[1].word == "TABLE":
            self.tables.pop(name, None)
        elif toks[1].word == "INDEX":
            self.indexes.pop(name, None)
        elif toks[1].word in ("VIEW", "TRIGGER"):
            self.definitions.pop((toks[1].word.lower(), name), None)

    def _note_unmanaged(self, f: _File, stmt: Statement, kind: str, detail: str) -> None:
        qualifier, name_tok, _ = _name_at(stmt.tokens, _name_index(stmt.tokens))
        span = f.span(name_tok.start, name_tok.end)
        key = (qualifier.name if qualifier else "main", name_tok.name)
        self.unmanaged.append(Unmanaged(kind, name_tok.name, span, key))
        self.problems.append(Problem(
            "warning", "unmanaged",
            f"{kind} {name_tok.name} is not managed by schemalens: push neither creates nor changes it{detail}",
            span,
        ))

    def _note_conflict_clauses(self, f: _File, stmt: Statement, table: str) -> None:
        """ON CONFLICT on a table's constraints: SQLite keeps it, the model does not, so a
        difference in it would pass unseen. Said at each clause, never passed over."""
        toks = [t for t in stmt.tokens if t.kind != "comment"]
        for i, tok in enumerate(toks[:-1]):
            if tok.word == "ON" and toks[i + 1].word == "CONFLICT":
                self.problems.append(Problem(
                    "warning", "unmanaged",
                    f"ON CONFLICT clause on table {table} is not managed by schemalens: a difference in it "
                    "is not seen", f.span(tok.start, toks[i + 2].end if i + 2 < len(toks) else toks[i + 1].end)))

    def _duplicate(self, f: _File, kind: str, name: str, start: int, end: int) -> None:
        self.problems.append(Problem(
            "warning", "duplicate-definition",
            f"{kind} {name} is already defined above; this IF NOT EXISTS definition is ignored",
            f.span(start, end),
        ))

    def _execute(self, f: _File, stmt: Statement) -> bool:
        try:
            self.scratch.run(f.text, stmt)
        except sqlite3.Error as e:
            self.problems.append(error_problem(self.scratch.conn, f.text, f.span, stmt, str(e)))
            return False
        return True

    # --- renames ---------------------------------------------------------------------

    def _collect_renames(self, f: _File, tokens: list[Token], anchors: list[_Anchor]) -> None:
        for tok in tokens:
            if tok.kind != "comment":
                continue
            renamed = directives.find(tok.text)
            if renamed is None:
                continue
            anchor = _anchor_for(f, tok.start, anchors)
            if anchor is not None and anchor.kind in ("table", "column"):
                self.renames.append(_Rename(anchor.kind, anchor.table, anchor.column, renamed.old))

    # --- result ----------------------------------------------------------------------

    def result(self) -> SourceResult:
        schema = introspect_schemas(self.scratch.places, (), self.known)
        self.scratch.close()
        for table in schema.tables:
            located = self.tables.get(table.name.lower())
            if located is not None:
                _attach_spans(table, located)
            for index in table.indexes:
                index.span = self.indexes.get((index.name or "").lower())
        order = {key: n for n, key in enumerate(self.definitions)}
        for definition in schema.definitions:
            definition.span = self.definitions.get((definition.kind, definition.name.lower()))
        schema.definitions.sort(key=lambda d: order.get((d.kind, d.name.lower()), len(order)))
        self._apply_renames(schema)
        self.problems.extend(_foreign_key_problems(schema))
        return SourceResult(schema, self.problems, self.unmanaged)

    def _apply_renames(self, schema: Schema) -> None:
        by_lower = {t.name.lower(): t for t in schema.tables}
        for rename in self.renames:
            table = by_lower.get(rename.table)
            if table is None:
                continue
            if rename.kind == "table":
                table.renamed_from = rename.old
                continue
            col = next((c for c in table.columns if c.name.lower() == rename.column), None)
            if col is not None:
                col.renamed_from = rename.old


def _anchor_for(f: _File, offset: int, anchors: list[_Anchor]) -> _Anchor | None:
    """The object a rename comment is about: the last one begun earlier on the comment's
    line (`name text, -- @renamed from=old`), else the first one after it (a comment on
    its own line above the object)."""
    line = f.line(offset)
    before = [a for a in anchors if a.offset < offset and f.line(a.offset) == line]
    if before:
        return before[-1]
    return next((a for a in anchors if a.offset > offset and f.line(a.offset) <= line + 1), None)


# --- spans -----------------------------------------------------------------------------


def _attach_spans(table: Table, located: _Located) -> None:
    table.span = located.table
    for col in table.columns:
        col.span = located.columns.get(col.name.lower())
    if table.primary_key is not None:
        table.primary_key.span = located.primary_key
    uniques = list(located.uniques)
    for unique in table.uniques:
        unique.span = _take(uniques, [c.lower() for c in unique.columns])
    fks = list(located.foreign_keys)
    for fk in table.foreign_keys:
        fk.span = _take(fks, ([c.lower() for c in fk.columns], fk.ref_table.lower()))
    checks = list(located.checks)
    for check in table.checks:
        check.span = _take(checks, (check.name, check.expression))


def _take(candidates: list[tuple[object, Span]], key: object) -> Span | None:
    """The first unused span written for `key` (one per constraint, in order)."""
    for i, (k, span) in enumerate(candidates):
        if k == key:
            del candidates[i]
            return span
    return None


# --- problems --------------------------------------------------------------------------


def _foreign_key_problems(schema: Schema) -> list[Problem]:
    """SQLite accepts a foreign key to a missing table or column without a word, then
    fails writes to the child table: say so up front. A missing table only warns (a valid
    SQLite schema: the table may come from elsewhere), so the rest is still compared."""
    by_lower = {t.name.lower(): t for t in schema.tables}
    problems = []
    for table in schema.tables:
        for fk in table.foreign_keys:
            message = _foreign_key_fault(table, fk.columns, fk.ref_table, fk.ref_columns, by_lower)
            if message is not None:
                code, text = message
                problems.append(Problem("warning" if code == "fk-missing-table" else "error", code, text, fk.span))
    return problems


def _foreign_key_fault(
    table: Table, columns: list[str], ref_table: str, ref_columns: list[str], by_lower: dict[str, Table]
) -> tuple[str, str] | None:
    where = f"foreign key {table.name}({', '.join(columns)})"
    parent = by_lower.get(ref_table.lower())
    if parent is None:
        return "fk-missing-table", f"{where} references table {ref_table}, which is not defined: SQLite accepts it, " \
            f"but a write of a non-NULL key to {table.name} fails (no such table)"
    if not ref_columns:
        return "fk-mismatch", f"{where} references {parent.name} without columns, but {parent.name} has no primary key"
    missing = [c for c in ref_columns if parent.column(c) is None]
    if missing:
        return "fk-missing-column", f"{where} references {parent.name}({', '.join(missing)}), which does not exist"
    wanted = sorted(c.lower() for c in ref_columns)
    keys = [parent.primary_key.columns] if parent.primary_key else []
    keys += [u.columns for u in parent.uniques]
    keys += [i.columns for i in parent.indexes if i.unique and i.where is None]
    if not any(sorted(c.lower() for c in key) == wanted for key in keys):
        return "fk-mismatch", (
            f"{where} references {parent.name}({', '.join(ref_columns)}), which is neither its primary key "
            f"nor unique: SQLite rejects every write to {table.name} (foreign key mismatch)"
        )
    return None
