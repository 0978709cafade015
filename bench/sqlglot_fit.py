"""Is sqlglot the better tool anywhere schemalens could use it? (issue 10)

Measures, side by side in one process, what schemalens does now against sqlglot on the jobs
sqlglot was a candidate for: statement splitting (migrations, the studio console),
the console's read/write classification, and reading SQLite CREATE statements (the
hand-written reader in dialects/sqlite/ddl.py). sqlglot is not a dependency of schemalens:
`pip install 'sqlglot>=30,<31'` first. Run from the repository root:

    python bench/sqlglot_fit.py
"""
import json, sys, time, sqlite3
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server")); sys.path.insert(0, str(ROOT))
import logging
import sqlglot
logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every statement it falls back on
from sqlglot import exp, tokens
from sqlglot.errors import ParseError, TokenError
from schemalens import dialects
from bench.generate_schema import generate_schema

PG, SL = dialects.get("postgresql"), dialects.get("sqlite")

def glot_split(text, dialect):
    """Split at SEMICOLON tokens of sqlglot's tokenizer (what a sqlglot splitter would do)."""
    toks = sqlglot.tokenize(text, read=dialect)
    out, start = [], None
    for t in toks:
        if t.token_type == tokens.TokenType.SEMICOLON:
            if start is not None: out.append(text[start:last + 1])
            start = None; continue
        if start is None: start = t.start
        last = t.end
    if start is not None: out.append(text[start:last + 1])
    return out

def glot_parse_split(text, dialect):
    return [e.sql(dialect=dialect) for e in sqlglot.parse(text, read=dialect) if e is not None]

CASES = [
  ("postgres", "dollar quote", "SELECT $$a;b$$; SELECT 2", ["SELECT $$a;b$$", "SELECT 2"]),
  ("postgres", "tagged dollar quote", "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END $fn$ LANGUAGE plpgsql; SELECT 2",
   ["CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END $fn$ LANGUAGE plpgsql", "SELECT 2"]),
  ("postgres", "E'' string", "SELECT E'it\\'s;x'; SELECT 2", ["SELECT E'it\\'s;x'", "SELECT 2"]),
  ("postgres", "nested comment", "/* a /* b; */ c; */ SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]),
  ("postgres", "quoted ident", "SELECT \"a;b\" FROM t; SELECT 2", ["SELECT \"a;b\" FROM t", "SELECT 2"]),
  ("postgres", "standard string ''", "SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", "SELECT 2"]),
  ("postgres", "U& string", "SELECT U&'d;\\0061'; SELECT 2", ["SELECT U&'d;\\0061'", "SELECT 2"]),
  ("sqlite", "trigger body", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = 1; DELETE FROM u; END; SELECT 2",
   ["CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET v = 1; DELETE FROM u; END", "SELECT 2"]),
  ("sqlite", "string + comment", "/* x; */ INSERT INTO t VALUES ('a;b'); -- c;\nSELECT 2", ["INSERT INTO t VALUES ('a;b')", "SELECT 2"]),
  ("sqlite", "bracket ident", "SELECT [a;b] FROM t; SELECT 2", ["SELECT [a;b] FROM t", "SELECT 2"]),
]

def ours(dialect, text):
    d = PG if dialect == "postgres" else SL
    return [s for _, s in d.split_statements(text)]

print("== splitting correctness ==")
score = {"ours": 0, "sqlglot tokens": 0, "sqlglot parse": 0}
for dialect, name, text, want in CASES:
    row = []
    for label, fn in (("ours", ours), ("sqlglot tokens", lambda d, t: glot_split(t, d)),
                      ("sqlglot parse", lambda d, t: None)):
        if label == "sqlglot parse":
            try:
                got = len(sqlglot.parse(text, read=dialect))
                ok = got == len(want)
                res = f"{got} stmts"
            except (ParseError, TokenError) as e:
                ok, res = False, f"error {type(e).__name__}"
        else:
            try:
                got = fn(dialect, text); ok = got == want; res = "ok" if ok else repr(got)
            except Exception as e:
                ok, res = False, f"error {type(e).__name__}: {str(e)[:60]}"
        score[label] += ok
        row.append(f"{label}: {'PASS' if ok else 'FAIL'} ({res if not ok else 'ok'})")
    print(f"[{dialect}] {name}:\n   " + "\n   ".join(row))
print("score", score, "of", len(CASES))

print("\n== splitting speed (bench schema) ==")
for n in (1000,):
    text = generate_schema(n)
    for label, fn in (("ours pglast scan", lambda: PG.split_statements(text)),
                      ("sqlglot tokenize", lambda: glot_split(text, "postgres")),
                      ("sqlglot parse", lambda: sqlglot.parse(text, read="postgres"))):
        best = 1e9
        for _ in range(3):
            t0 = time.perf_counter(); r = fn(); best = min(best, time.perf_counter() - t0)
        print(f"{n} tables, {len(text)} chars, {text.count(chr(10))} lines: {label}: {best:.3f} s ({len(r)} statements)")
    sl = text.replace("now()", "CURRENT_TIMESTAMP")
    for label, fn in (("ours complete_statement", lambda: SL.split_statements(sl)),
                      ("sqlglot tokenize sqlite", lambda: glot_split(sl, "sqlite"))):
        best = 1e9
        for _ in range(3):
            t0 = time.perf_counter(); r = fn(); best = min(best, time.perf_counter() - t0)
        print(f"   sqlite: {label}: {best:.3f} s ({len(r)} statements)")

print("\n== console read/write classification (PostgreSQL) ==")
# (sql, may write?)
CLASSIFY = [
  ("SELECT 1", False), ("SELECT * FROM t WHERE a = 'x;y'", False), ("SHOW search_path", False),
  ("EXPLAIN SELECT 1", False), ("TABLE t", False), ("VALUES (1), (2)", False),
  ("SELECT * INTO newt FROM t", True), ("SELECT * FROM t FOR UPDATE", True),
  ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", True),
  ("SELECT pg_terminate_backend(123)", True), ("SELECT set_config('a.b', 'c', false)", True),
  ("EXPLAIN ANALYZE DELETE FROM t", True), ("INSERT INTO t VALUES (1)", True),
  ("UPDATE t SET a = 1", True), ("DELETE FROM t", True), ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", True),
  ("CREATE TABLE x (id int)", True), ("DROP TABLE t", True), ("TRUNCATE t", True), ("VACUUM t", True),
  ("LOCK TABLE t", True), ("COPY t FROM '/tmp/x'", True), ("DO $$ BEGIN DELETE FROM t; END $$", True),
  ("CALL p()", True), ("NOTIFY ch", True), ("SET search_path = x", True), ("GRANT SELECT ON t TO u", True),
  ("SELECT * FROM t FOR SHARE", True), ("REFRESH MATERIALIZED VIEW v", True), ("SELECT lo_import('/etc/passwd')", True),
]
WRITE_EXPS = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Into, exp.Lock)
def glot_may_write(sql):
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except (ParseError, TokenError):
        return None  # cannot tell
    if isinstance(tree, exp.Command):
        return None  # opaque: sqlglot did not parse it
    read = isinstance(tree, (exp.Select, exp.Union, exp.Show, exp.Values, exp.Table))
    if not read:
        return True
    if any(tree.find_all(*WRITE_EXPS)):
        return True
    names = {f.name.lower() for f in tree.find_all(exp.Anonymous)} | {type(f).__name__.lower() for f in tree.find_all(exp.Func)}
    from schemalens.dialects.postgresql.runtime import SIDE_EFFECT_FUNCTIONS
    return bool(names & SIDE_EFFECT_FUNCTIONS)

right = {"ours": 0, "sqlglot": 0}; unsafe = {"ours": [], "sqlglot": []}; opaque = 0
for sql, writes in CLASSIFY:
    o = PG.runtime.may_write(sql)
    g = glot_may_write(sql)
    right["ours"] += o == writes
    right["sqlglot"] += g == writes
    if writes and o is False: unsafe["ours"].append(sql)
    if writes and g is False: unsafe["sqlglot"].append(sql)
    if g is None: opaque += 1
    if o != writes or g != writes:
        print(f"  {sql!r}: want {'write' if writes else 'read'}; ours={o} sqlglot={g}")
print("right", right, "of", len(CLASSIFY), "| sqlglot could not tell (Command/parse error):", opaque)
print("writes classified as reads (unsafe):", unsafe)
t0 = time.perf_counter()
for _ in range(20):
    for sql, _w in CLASSIFY: PG.runtime.may_write(sql)
t1 = time.perf_counter()
for _ in range(20):
    for sql, _w in CLASSIFY: glot_may_write(sql)
t2 = time.perf_counter()
n = 20 * len(CLASSIFY)
print(f"classification per statement: ours {1e6*(t1-t0)/n:.0f} us, sqlglot {1e6*(t2-t1)/n:.0f} us")


print("\n== SQLite CREATE statements: dialects/sqlite/ddl.py vs sqlglot ==")
from schemalens.dialects.sqlite.ddl import parse_create_index, parse_create_table, split_statements as ddl_split, tokenize

stmts = []
for line in open(ROOT / "tests/data/corpus/sqldef-sqlite.jsonl"):
    case = json.loads(line)
    for side in ("current", "desired"):
        if not case.get(f"{side}_ok"):
            continue
        conn = sqlite3.connect(":memory:")
        try:
            conn.executescript(case[side] or "")
        except sqlite3.Error:
            continue
        stmts += [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index')")]


def sqlglot_reads(sql: str) -> bool:
    try:
        return not isinstance(sqlglot.parse_one(sql, read="sqlite"), exp.Command)
    except (ParseError, TokenError):
        return False


refused = [s for s in stmts if not sqlglot_reads(s)]
print(f"{len(stmts)} statements SQLite accepted (the corpus): sqlglot refuses {len(refused)}")
for sql in refused:
    print("   ", " ".join(sql.split())[:90])
for bad in ("CREATE TABLE x (a int,, b)", "CREATE TABLE x (a int) STRICT, STRICT, STRICT"):
    accepted = sqlglot_reads(bad)
    print(f"   invalid {bad!r}: sqlglot {'accepts' if accepted else 'refuses'} it")
big = "\n".join(
    f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE, "
    f"email TEXT UNIQUE, age INT CHECK (age > 0), parent INTEGER REFERENCES t{max(i - 1, 0)}(id) ON DELETE CASCADE, "
    f"created TEXT DEFAULT (datetime('now')), CONSTRAINT c_{i} CHECK (length(name) < 100)) STRICT;\n"
    f"CREATE INDEX i{i} ON t{i} (name, age DESC) WHERE age > 10;" for i in range(1000))


def hand_written() -> None:
    for st in ddl_split(big, tokenize(big)):
        parse_create_table(st.tokens, big) or parse_create_index(st.tokens, big)


timings = {}
for label, fn in (("ddl.py", hand_written), ("sqlglot.parse", lambda: sqlglot.parse(big, read="sqlite"))):
    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t0)
    timings[label] = best
print(f"2,000 statements: ddl.py {timings['ddl.py']:.3f} s, sqlglot {timings['sqlglot.parse']:.3f} s "
      f"({timings['sqlglot.parse'] / timings['ddl.py']:.1f}x)")
print("sqlglot also regenerates SQL instead of keeping the text, and SQLite keeps the text as written.")
