"""A tokenizer and a reader for SQLite's CREATE TABLE / CREATE INDEX statements.

SQLite answers most questions about a table through pragmas, but a few facts live only
in the statement text it keeps in `sqlite_schema.sql`: CHECK constraints, constraint
names, column collations, generated-column expressions, AUTOINCREMENT, STRICT and
WITHOUT ROWID. Both ends read them here: introspection from the stored text, the schema
file source from the file's text (where the same reader also yields positions for
diagnostics). The reader trusts that SQLite already accepted the statement; on input it
cannot follow it stops early instead of raising, so callers degrade to fewer details. It
also runs on text SQLite refuses (a file's statement is read before it is run, and an
error is placed by reading it), so the cursor never steps past the last token: an
unfinished statement reads as one that ends there, and SQLite words its error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemalens.dialects.sqlite.statements import split_statements as cut

_TOKEN_RE = re.compile(
    r"""\s*(?:
    (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    |(?P<ident>(?![xX]')[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*)
    |(?P<op>\|\||<<|>>|<=|>=|==|!=|<>|->>|->|[-+*/%&|~<>=(),;.])
    |(?P<blob>[xX]'[0-9A-Fa-f]*')
    |(?P<string>'(?:[^']|'')*'?)
    |(?P<qident>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
    |(?P<number>0[xX][0-9A-Fa-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<var>\?\d*|[:@$][A-Za-z0-9_]+)
    |(?P<bad>\S)
    )""",
    re.S | re.X,
)

_NAME_KINDS = frozenset({"ident", "qident", "string"})


@dataclass(slots=True)
class Token:
    kind: str  # comment ident op blob string qident number var bad eof
    text: str
    start: int  # offsets into the text that was tokenized; end is exclusive
    end: int
    word: str = ""  # upper-cased text of a bare word (keywords), "" for anything else

    @property
    def name(self) -> str:
        """The identifier this token spells (quotes removed)."""
        return dequote(self.text) if self.kind in ("qident", "string") else self.text


def dequote(text: str) -> str:
    if len(text) >= 2 and text[0] == "[" and text[-1] == "]":
        return text[1:-1]
    if len(text) >= 2 and text[0] in "\"'`" and text[-1] == text[0]:
        q = text[0]
        return text[1:-1].replace(q + q, q)
    return text


def tokenize(text: str) -> list[Token]:
    """Every token except whitespace; comments are kept (rename directives live there)."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        value = m.group(kind)
        out.append(Token(kind, value, m.start(kind), m.end(), value.upper() if kind == "ident" else ""))
    return out


@dataclass
class Statement:
    tokens: list[Token]  # significant tokens only (no whitespace, comments or the final ';')
    start: int
    end: int
    # where SQLite's reading of it ends: at its ';' (or the end of the text), after the
    # comments and whitespace that follow its last token (an index's stored text keeps them)
    tail: int


def split_statements(text: str, tokens: list[Token]) -> list[Statement]:
    """Statements in order, as the dialect cuts them (statements.split_statements: where
    SQLite's own `complete_statement` agrees, so a trigger's BEGIN ... END stays whole),
    each with its significant tokens."""
    out: list[Statement] = []
    i = 0
    for start, sql in cut(text):
        end = start + len(sql)
        sig: list[Token] = []
        while i < len(tokens) and tokens[i].start < end:
            tok = tokens[i]
            if tok.start >= start and tok.kind != "comment":
                sig.append(tok)
            i += 1
        if sig:
            tail = end
            while tail < len(text) and text[tail].isspace():
                tail += 1
            out.append(Statement(sig, sig[0].start, sig[-1].end, tail if tail == len(text) or text[tail] == ";" else end))
    return out


# --- the parsed shapes -----------------------------------------------------------------


@dataclass
class CheckDef:
    name: str | None
    expression: str
    start: int
    end: int


@dataclass
class KeyDef:
    """PRIMARY KEY or UNIQUE, at column or table level."""

    name: str | None
    columns: list[str]
    start: int
    end: int
    autoincrement: bool = False


@dataclass
class ForeignKeyDef:
    name: str | None
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    deferrable: bool
    initially_deferred: bool
    start: int
    end: int


@dataclass
class ColumnDef:
    name: str
    name_start: int
    name_end: int
    start: int
    end: int
    collation: str | None = None
    generated: str | None = None


@dataclass
class TableDef:
    schema: str | None
    name: str
    name_start: int
    name_end: int
    temporary: bool
    if_not_exists: bool
    columns: list[ColumnDef] = field(default_factory=list)
    primary_key: KeyDef | None = None
    uniques: list[KeyDef] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDef] = field(default_factory=list)
    checks: list[CheckDef] = field(default_factory=list)
    without_rowid: bool = False
    strict: bool = False
    _by_lower: dict[str, ColumnDef] = field(default_factory=dict, repr=False, compare=False)

    @property
    def autoincrement(self) -> bool:
        return self.primary_key is not None and self.primary_key.autoincrement

    def column(self, name: str) -> ColumnDef | None:
        if len(self._by_lower) != len(self.columns):
            self._by_lower = {c.name.lower(): c for c in reversed(self.columns)}
        return self._by_lower.get(name.lower())


@dataclass
class IndexElementDef:
    text: str  # the element without its COLLATE / ASC / DESC
    collation: str | None
    start: int
    end: int


@dataclass
class IndexDef:
    schema: str | None
    name: str
    name_start: int
    name_end: int
    table: str
    unique: bool
    if_not_exists: bool
    elements: list[IndexElementDef]
    where: str | None
    start: int
    end: int


# --- the reader ------------------------------------------------------------------------

_COLUMN_CONSTRAINT_WORDS = frozenset(
    {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "AS"}
)
_TABLE_CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


class _Cursor:
    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.i = 0
        end = tokens[-1].end if tokens else 0
        self.eof = Token("eof", "", end, end)

    def peek(self, ahead: int = 0) -> Token:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else self.eof

    def next(self) -> Token:
        """The token at the cursor, then one step on; at the end, `eof` and no step."""
        tok = self.peek()
        self.i = min(self.i + 1, len(self.tokens))
        return tok

    def at(self, *words: str) -> bool:
        tokens, i = self.tokens, self.i
        if i + len(words) > len(tokens):
            return False
        for k, word in enumerate(words):
            if tokens[i + k].word != word:
                return False
        return True

    def at_index(self, i: int, word: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].word == word

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += len(words)
            return True
        return False

    def at_op(self, op: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text == op

    def done(self) -> bool:
        return self.i >= len(self.tokens)

    def last_end(self) -> int:
        return self.tokens[self.i - 1].end if self.i > 0 else 0

    def skip_group(self) -> tuple[int, int]:
        """At '(' : step past the matching ')'; return the offsets just inside the parens."""
        open_tok = self.next()
        depth = 1
        while not self.done():
            tok = self.next()
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    return open_tok.end, tok.start
        return open_tok.end, self.eof.end

    def group_text(self) -> str:
        start, end = self.skip_group()
        return self.text[start:end].strip()

    def items(self) -> list[list[Token]]:
        """The comma-separated elements of the `( ... )` at the cursor, as token lists
        (nested parentheses stay inside their element); [] when no `(` is here."""
        if not self.at_op("("):
            return []
        self.next()
        items: list[list[Token]] = [[]]
        depth = 0
        while not self.done():
            tok = self.next()
            is_op = tok.kind == "op"
            if is_op and depth == 0 and tok.text == ")":
                break
            if is_op and depth == 0 and tok.text == ",":
                items.append([])
                continue
            if is_op and tok.text in ("(", ")"):
                depth += 1 if tok.text == "(" else -1
            items[-1].append(tok)
        return [item for item in items if item]

    def name_list(self) -> list[str]:
        """`( a COLLATE x DESC, b, ... )` -> the first name of each element."""
        return [item[0].name for item in self.items()]

    def qualified_name(self) -> tuple[str | None, Token]:
        first = self.next()
        if self.at_op(".") and self.peek(1).kind in _NAME_KINDS | {"ident"}:
            self.next()
            return first.name, self.next()
        return None, first


def parse_create_table(tokens: list[Token], text: str) -> TableDef | None:
    """Read a CREATE TABLE statement; None if it is not one."""
    cur = _Cursor(tokens, text)
    if not cur.accept("CREATE"):
        return None
    temporary = cur.accept("TEMP") or cur.accept("TEMPORARY")
    if not cur.accept("TABLE"):
        return None
    if_not_exists = cur.accept("IF", "NOT", "EXISTS")
    schema, name_tok = cur.qualified_name()
    table = TableDef(schema, name_tok.name, name_tok.start, name_tok.end, temporary, if_not_exists)
    if not cur.at_op("("):  # CREATE TABLE ... AS SELECT: columns come from the query
        return table
    cur.next()
    while not cur.done() and not cur.at_op(")"):
        if cur.peek().word in _TABLE_CONSTRAINT_WORDS:
            _table_constraint(cur, table)
        else:
            _column_def(cur, table)
        if cur.at_op(","):
            cur.next()
    cur.next()
    while not cur.done():
        if cur.accept("WITHOUT", "ROWID"):
            table.without_rowid = True
        elif cur.accept("STRICT"):
            table.strict = True
        else:
            cur.next()
    return table


def parse_column_def(tokens: list[Token], text: str, table: TableDef) -> None:
    """One column definition (as in ALTER TABLE ... ADD COLUMN), appended to `table`."""
    _column_def(_Cursor(tokens, text), table)


def _column_def(cur: _Cursor, table: TableDef) -> None:
    name_tok = cur.next()
    col = ColumnDef(name_tok.name, name_tok.start, name_tok.end, name_tok.start, name_tok.end)
    _skip_type(cur)
    pending_name: str | None = None
    pending_start: int | None = None
    while not cur.done() and not _at_item_end(cur):
        tok = cur.peek()
        start = tok.start if pending_start is None else pending_start
        word = tok.word
        if word == "CONSTRAINT":
            cur.next()
            pending_name, pending_start = cur.next().name, start
            continue
        if word == "PRIMARY" and cur.accept("PRIMARY", "KEY"):
            cur.accept("ASC") or cur.accept("DESC")
            _conflict_clause(cur)
            auto = cur.accept("AUTOINCREMENT")
            table.primary_key = KeyDef(pending_name, [col.name], start, cur.last_end(), auto)
        elif word == "NOT" or word == "NULL":
            cur.accept("NOT")
            cur.accept("NULL")
            _conflict_clause(cur)
        elif word == "UNIQUE":
            cur.next()
            _conflict_clause(cur)
            table.uniques.append(KeyDef(pending_name, [col.name], start, cur.last_end()))
        elif word == "CHECK":
            cur.next()
            expr = cur.group_text()
            table.checks.append(CheckDef(pending_name, expr, start, cur.last_end()))
        elif word == "DEFAULT":
            cur.next()
            _default_value(cur)
        elif word == "COLLATE":
            cur.next()
            col.collation = cur.next().name
        elif word == "REFERENCES":
            table.foreign_keys.append(_references(cur, pending_name, [col.name], start))
        elif cur.accept("GENERATED", "ALWAYS", "AS") or cur.accept("AS"):
            col.generated = cur.group_text() if cur.at_op("(") else None
            cur.accept("STORED") or cur.accept("VIRTUAL")
        else:
            cur.next()
        pending_name, pending_start = None, None
    col.end = cur.last_end()
    table.columns.append(col)


def _skip_type(cur: _Cursor) -> None:
    """Step over the declared type (SQLite reports it; only its end matters here)."""
    tokens, i, n = cur.tokens, cur.i, len(cur.tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == "op":
            if tok.text != "(":
                break
            cur.i = i
            cur.skip_group()
            i = cur.i
            continue
        if tok.word in _COLUMN_CONSTRAINT_WORDS or (tok.word == "GENERATED" and cur.at_index(i + 1, "ALWAYS")):
            break
        i += 1
    cur.i = i


def _at_item_end(cur: _Cursor) -> bool:
    return cur.at_op(",") or cur.at_op(")")


def _conflict_clause(cur: _Cursor) -> None:
    if cur.accept("ON", "CONFLICT"):
        cur.next()


def _default_value(cur: _Cursor) -> None:
    if cur.at_op("("):
        cur.skip_group()
        return
    if cur.peek().kind == "op" and cur.peek().text in "+-":
        cur.next()
    cur.next()


def _references(cur: _Cursor, name: str | None, columns: list[str], start: int) -> ForeignKeyDef:
    cur.accept("REFERENCES")
    _, table_tok = cur.qualified_name()
    ref_columns = cur.name_list()
    deferrable = initially_deferred = False
    while not cur.done():
        if cur.accept("ON"):
            cur.next()  # DELETE / UPDATE
            cur.accept("SET") or cur.accept("NO")
            cur.next()  # NULL, DEFAULT, ACTION, CASCADE, RESTRICT
        elif cur.accept("MATCH"):
            cur.next()
        elif cur.accept("NOT", "DEFERRABLE"):
            _initially(cur)
        elif cur.accept("DEFERRABLE"):
            deferrable = True
            initially_deferred = _initially(cur)
        else:
            break
    return ForeignKeyDef(
        name, columns, table_tok.name, ref_columns, deferrable, initially_deferred, start, cur.last_end()
    )


def _initially(cur: _Cursor) -> bool:
    if cur.accept("INITIALLY", "DEFERRED"):
        return True
    cur.accept("INITIALLY", "IMMEDIATE")
    return False


def _table_constraint(cur: _Cursor, table: TableDef) -> None:
    start = cur.peek().start
    name = cur.next().name if cur.accept("CONSTRAINT") else None
    if cur.accept("PRIMARY", "KEY"):
        columns = cur.name_list()
        _conflict_clause(cur)
        table.primary_key = KeyDef(name, columns, start, cur.last_end())
    elif cur.accept("UNIQUE"):
        columns = cur.name_list()
        _conflict_clause(cur)
        table.uniques.append(KeyDef(name, columns, start, cur.last_end()))
    elif cur.accept("CHECK"):
        expr = cur.group_text()
        table.checks.append(CheckDef(name, expr, start, cur.last_end()))
    elif cur.accept("FOREIGN", "KEY"):
        columns = cur.name_list()
        table.foreign_keys.append(_references(cur, name, columns, start))
    else:
        cur.next()


def parse_create_index(tokens: list[Token], text: str) -> IndexDef | None:
    cur = _Cursor(tokens, text)
    if not cur.accept("CREATE"):
        return None
    unique = cur.accept("UNIQUE")
    if not cur.accept("INDEX"):
        return None
    if_not_exists = cur.accept("IF", "NOT", "EXISTS")
    schema, name_tok = cur.qualified_name()
    if not cur.accept("ON"):
        return None
    table_tok = cur.next()
    if not cur.at_op("("):
        return None
    elements = _index_elements(cur)
    where = None
    if cur.accept("WHERE") and not cur.done():
        where = text[cur.peek().start : tokens[-1].end]
    return IndexDef(
        schema, name_tok.name, name_tok.start, name_tok.end, table_tok.name, unique, if_not_exists,
        elements, where, tokens[0].start, tokens[-1].end,
    )


def _index_elements(cur: _Cursor) -> list[IndexElementDef]:
    return [_index_element(item, cur.text) for item in cur.items()]


def _index_element(tokens: list[Token], text: str) -> IndexElementDef:
    start, end = tokens[0].start, tokens[-1].end
    if len(tokens) > 1 and tokens[-1].word in ("ASC", "DESC"):
        tokens = tokens[:-1]
    collation = None
    if len(tokens) > 2 and tokens[-2].word == "COLLATE":
        collation = tokens[-1].name
        tokens = tokens[:-2]
    return IndexElementDef(text[tokens[0].start : tokens[-1].end], collation, start, end)
