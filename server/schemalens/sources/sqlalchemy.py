"""SQLAlchemy model modules -> the desired Schema, with spans and problems.

The truth for a SQLAlchemy app is what `metadata.create_all` would create, so that is
what is read: a child interpreter runs the modules (they import the user's application,
which must never run in our process, nor hang it) and hands back the DDL statements
create_all would execute for the target dialect, naming conventions, enum types,
SERIAL and comments included (sqlalchemy_worker.py). That DDL is then read by the same
SQL source that reads `.sql` files, so a model and the table create_all made from it
come out exactly as a schema file and the same table would: no second interpretation
of types, defaults or keys to drift from the first.

The DDL carries no positions in the user's files; those come from the files' syntax
trees (`ast`), found by name: a mapped table at its class, a Table() at its call, a
column at its assignment or its Column("name", ...) call.
"""

from __future__ import annotations

import ast
import atexit
import bisect
import copy
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import tokenize
from dataclasses import dataclass, field
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from schemalens import dialects
from schemalens.sources import MODELS_TIMEOUT
from schemalens.model import Problem, Schema, SourceResult, Span, Table, Unmanaged
from schemalens import directives
from schemalens.sources.sqlalchemy_cache import reply_for

_PROJECT_MARKERS = ("schemalens.toml", "pyproject.toml")


def parse_sqlalchemy(
    texts: list[tuple[str, str]], dialect: str, default_schema: str = "public", timeout: float = MODELS_TIMEOUT
) -> SourceResult:
    """Read the model modules `texts` ((path, text) pairs; the text may be an editor's
    unsaved buffer); never raises for bad input."""
    empty = Schema(dialect=dialect)
    request = _request(texts, dialect, default_schema)
    locator: _Locator | None = None

    def run_worker() -> dict[str, Any] | Problem:
        nonlocal locator
        proc = _start_worker()
        if isinstance(proc, Problem):
            return proc
        locator = _Locator(texts)  # while the child imports SQLAlchemy
        return _finish_worker(proc, request, timeout)

    reply = reply_for(request, run_worker)
    locator = locator or _Locator(texts)
    if isinstance(reply, Problem):
        return SourceResult(empty, [_at_first_file(reply, texts)])
    if reply.get("missing"):
        return SourceResult(empty, [_at_first_file(Problem(
            "error", "sqlalchemy-missing",
            f"SQLAlchemy is not installed in {sys.executable}: install it there to read models",
        ), texts)])
    locator.load(reply.get("files", []))
    problems = [_worker_problem(p, locator) for p in reply["problems"]]
    statements = reply["statements"]
    if not any(s["table"] for s in statements):
        if not any(p.severity == "error" for p in problems):
            where = ", ".join(_shown(path) for path, _ in texts)
            problems.append(_at_first_file(Problem("error", "no-tables", f"no SQLAlchemy tables found in {where}"), texts))
        return SourceResult(empty, problems)
    result = _read_ddl(statements, dialect, default_schema, texts[0][0])
    schema = result.schema
    _place(schema, reply["origins"], locator)
    problems += [_ddl_problem(p, statements, result.lines, schema, locator) for p in result.source.problems]
    unmanaged = [Unmanaged(u.kind, u.name, None) for u in result.source.unmanaged]
    return SourceResult(schema, problems, unmanaged, defines_definitions=False)


# --- the child process -------------------------------------------------------------------


def _request(texts: list[tuple[str, str]], dialect: str, default_schema: str) -> dict[str, Any]:
    files = []
    roots: list[str] = []
    for path, text in texts:
        target = _targets.get(str(Path(path).absolute())) or _target_of(Path(path))
        files.append({"path": path, "text": text, "module": target.module, "attribute": target.attribute})
        for root in (target.root, project_root(Path(path))):
            if str(root) not in roots:
                roots.append(str(root))
    chosen = dialects.get(dialect)
    return {"engine": chosen.sqlalchemy_engine, "create_schemas": chosen.has_namespaces,
            "default_schema": default_schema, "roots": roots, "files": files}


def project_root(path: Path) -> Path:
    """The nearest folder above the file holding a project marker, else the file's own
    folder: it goes on the import path after the import root, so that `from app.db import
    Base` works in a models file whose folder is not a package."""
    folder = path.absolute().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_file() for marker in _PROJECT_MARKERS):
            return candidate
    return folder


def module_name(path: Path) -> tuple[str, Path]:
    """(dotted module name, import root) for a model file, found as Python's own tools find
    them: up through the folders holding an `__init__.py` to the first that holds none, so
    that relative imports (`from .base import Base`) work with or without a project marker.
    The path is taken as given (a symlinked project imports from the link's side, as
    `python -m` run there would)."""
    path = path.absolute()
    parts = [path.stem] if path.name != "__init__.py" else []
    folder = path.parent
    while (folder / "__init__.py").is_file() or (folder == path.parent and path.name == "__init__.py"):
        if not folder.name.isidentifier() or folder.parent == folder:
            break
        parts.insert(0, folder.name)
        folder = folder.parent
    if parts and all(p.isidentifier() for p in parts):
        return ".".join(parts), folder
    stem = path.stem if path.stem.isidentifier() else "schemalens_models"
    return stem, path.parent


@dataclass(frozen=True)
class Target:
    """What to run for a models file: its module name, the folder it is imported from,
    and the attribute naming the one MetaData to read (None: every one the module reaches)."""

    module: str
    root: Path
    attribute: str | None = None


_SPEC = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$")
# Files named in settings by module path (`schema = "app.models:Base.metadata"`), by their
# absolute path. The readers pass (path, text) pairs around: the name and attribute a
# module path gave travel beside them, set each time the settings' paths are resolved.
_targets: dict[str, Target] = {}


def _target_of(path: Path) -> Target:
    module, root = module_name(path)
    return Target(module, root)


def module_file(path: Path) -> Path | None:
    """The file of a module path written where a schema path goes (`<project>/app.models`
    or `<project>/app.models:Base.metadata`), looked up without importing anything: in the
    project folder, then in this interpreter's import path (installed packages; the
    worker runs in this interpreter). None when the name is no module path (a file name
    ending in .sql or .py is a missing file, not a module) or names no file."""
    spec = path.name
    module, _, attribute = spec.partition(":")
    parts = module.split(".")
    if not _SPEC.match(spec) or parts[-1] in ("sql", "py"):
        return None
    for base in (path.parent, *(Path(p) for p in sys.path if p)):
        for candidate in (base.joinpath(*parts[:-1], parts[-1] + ".py"), base.joinpath(*parts, "__init__.py")):
            if candidate.is_file():
                found = candidate.absolute()
                _targets[str(found)] = Target(module, base.absolute(), attribute or None)
                return found
    return None


@cache
def _worker_source() -> str:
    return Path(__file__).with_name("sqlalchemy_worker.py").read_text(encoding="utf-8")


# A child started ahead for the next parse, with the environment it was started in. The
# editor parses on every save; a fresh child spends ~0.4 s importing SQLAlchemy before it
# can read the request, a spare has done that already. Spares start only once a second
# parse shows that parses repeat (a CLI command parses once and never pays for one).
_spare: tuple[subprocess.Popen[bytes], tuple[Any, ...]] | None = None
_parses = 0
_spare_lock = threading.Lock()


def _start_worker() -> subprocess.Popen[bytes] | Problem:
    """A child interpreter for this parse (never reused: each runs the user's modules
    from scratch) and, when parses repeat, the spare for the next one."""
    global _spare, _parses
    context = (sys.executable, os.getcwd(), tuple(sorted(os.environ.items())))
    with _spare_lock:
        _parses += 1
        spare, _spare = _spare, None
    if spare is not None and (spare[1] != context or spare[0].poll() is not None):
        _kill(spare[0])
        spare = None
    proc = spare[0] if spare is not None else _spawn()
    if _parses > 1 and not isinstance(proc, Problem):
        ahead = _spawn()
        if not isinstance(ahead, Problem):
            with _spare_lock:
                _spare, old = (ahead, context), _spare
            if old is not None:
                _kill(old[0])
    return proc


def _spawn() -> subprocess.Popen[bytes] | Problem:
    """In its own process group, so that on a timeout whatever the user's code started
    is stopped with it."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        return subprocess.Popen(
            [sys.executable, "-c", _worker_source()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, start_new_session=True,
        )
    except OSError as e:
        return Problem("error", "sqlalchemy-worker", f"cannot start {sys.executable}: {e.strerror}")


@atexit.register
def _stop_spare() -> None:
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        _kill(spare[0])


def _finish_worker(proc: subprocess.Popen[bytes], request: dict[str, Any], timeout: float) -> dict[str, Any] | Problem:
    try:
        out, err = proc.communicate(json.dumps(request).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return Problem(
            "error", "sqlalchemy-timeout",
            f"importing the models took longer than {timeout:g} s (does the module wait on something at import?)",
        )
    try:
        return json.loads(out.decode("utf-8"))
    except ValueError:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        last = lines[-1] if lines else f"exit code {proc.returncode}"
        return Problem("error", "sqlalchemy-worker", f"reading the models failed: {last}")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        pass


# --- the DDL ------------------------------------------------------------------------------


@dataclass
class _Read:
    source: SourceResult
    schema: Schema
    lines: list[int]  # first line of each statement in the DDL text


def _read_ddl(statements: list[dict[str, Any]], dialect: str, default_schema: str, first_file: str) -> _Read:
    parts, lines, line = [], [], 0
    for s in statements:
        lines.append(line)
        chunk = s["sql"] + ";\n\n"
        parts.append(chunk)
        line += chunk.count("\n")
    ddl = [(f"{first_file} (SQLAlchemy DDL)", "".join(parts))]
    source = dialects.get(dialect).read_files(ddl, default_schema)
    # A reader may hand back the same objects for the same statements (PostgreSQL's does:
    # normalize memoizes them by identity): spans are set on a copy.
    return _Read(source, copy.deepcopy(source.schema), lines)


def _ddl_problem(
    p: Problem, statements: list[dict[str, Any]], lines: list[int], schema: Schema, locator: _Locator
) -> Problem:
    """A problem the SQL source found in the generated DDL, moved to the table it is about."""
    if p.span is None:
        return Problem(p.severity, p.code, f"{p.message} (in the DDL SQLAlchemy generates)", None)
    i = max(bisect.bisect_right(lines, p.span.start_line) - 1, 0)
    stmt = statements[i]
    first = stmt["sql"].splitlines()[0] if stmt["sql"] else ""
    return Problem(p.severity, p.code, f"{p.message} (in the DDL SQLAlchemy generates: {first})",
                   _table_span(stmt["table"], schema, locator))


def _table_span(key: list[str | None] | None, schema: Schema, locator: _Locator) -> Span | None:
    if key is None:
        return None
    name = key[1] or ""
    for table in schema.tables:
        if table.name == name and (key[0] is None or table.schema == key[0]):
            return table.span
    return locator.table_call(name)


def _worker_problem(p: dict[str, Any], locator: _Locator) -> Problem:
    span = None
    if p.get("file") is not None and p.get("line") is not None:
        span = locator.line_span(p["file"], p["line"], p.get("col"))
    elif p.get("table"):
        span = locator.table_call(p["table"][1]) or locator.class_for_table(p["table"][1])
    return Problem(p.get("severity", "error"), p["code"], p["message"], span)


def _at_first_file(problem: Problem, texts: list[tuple[str, str]]) -> Problem:
    """Problems about the whole read go at the top of the first file: the editor shows a
    diagnostic only where there is a place for it."""
    if problem.span is not None or not texts:
        return problem
    return Problem(problem.severity, problem.code, problem.message, Span(texts[0][0], 0, 0, 0, 0))


def _shown(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


# --- spans --------------------------------------------------------------------------------


@dataclass
class _File:
    path: str
    lines: list[str]
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    table_calls: dict[str, ast.Call] = field(default_factory=dict)
    tablenames: dict[str, ast.ClassDef] = field(default_factory=dict)  # __tablename__ -> class
    named: dict[str, ast.Call] = field(default_factory=dict)  # Index("name") / XConstraint(name="name")
    comments: dict[int, str] = field(default_factory=dict)  # line -> its `#` comment

    def col(self, line: int, byte_col: int) -> int:
        """ast counts columns in UTF-8 bytes; spans count code points."""
        text = self.lines[line] if line < len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def node_span(self, node: ast.AST) -> Span:
        start, end = node.lineno - 1, (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        return Span(self.path, start, self.col(start, node.col_offset),  # type: ignore[attr-defined]
                    end, self.col(end, node.end_col_offset or 0))  # type: ignore[attr-defined]

    def header_span(self, node: ast.ClassDef) -> Span:
        line = node.lineno - 1
        text = self.lines[line] if line < len(self.lines) else ""
        return Span(self.path, line, self.col(line, node.col_offset), line, len(text.rstrip()))




def _comments(text: str) -> dict[int, str]:
    """Comments by 0-based line, read by Python's tokenizer (a `#` in a string is none)."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0] - 1] = token.string
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


_NAMED_CALLS = ("Index", "UniqueConstraint", "CheckConstraint", "ForeignKeyConstraint", "PrimaryKeyConstraint")


def _keyword(call: ast.Call, keyword: str) -> str | None:
    for kw in call.keywords:
        if kw.arg == keyword and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def _string_arg(call: ast.Call, keyword: str = "name") -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    for kw in call.keywords:
        if kw.arg == keyword and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def _assigned_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    return []


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a body, class bodies and `if`/`try` blocks included."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.ClassDef):
            yield from _statements(stmt.body)
        elif isinstance(stmt, (ast.If, ast.Try)):
            yield from _statements(stmt.body + stmt.orelse)


class _Locator:
    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.files: dict[str, _File] = {}
        for path, text in texts:
            self._add(path, text)

    def _add(self, path: str, text: str) -> None:
        f = _File(path, text.splitlines())
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None  # the child reports it
        if tree is not None:
            self._index(f, tree)
            f.comments = _comments(text)
        self.files[path] = f

    def load(self, paths: list[str]) -> None:
        """The app's other modules the models imported (`from .accounts import *`): their
        classes and Table() calls are where those tables' lines are. Read from disk, after
        the named files, which come first in every search."""
        for path in paths:
            if path in self.files:
                continue
            try:
                self._add(path, Path(path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue

    @staticmethod
    def _index(f: _File, tree: ast.Module) -> None:
        """Classes and Table() calls written as statements of the module or of a class
        body (`__table__ = Table(...)`): where models are written; no deeper walk."""
        for stmt in _statements(tree.body):
            if isinstance(stmt, ast.ClassDef):
                f.classes.setdefault(stmt.name, stmt)
                for inner in stmt.body:
                    if "__tablename__" in _assigned_names(inner):
                        value = inner.value  # type: ignore[attr-defined]
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            f.tablenames.setdefault(value.value, stmt)
                continue
            value = getattr(stmt, "value", None)
            if isinstance(value, ast.Call) and _call_name(value) == "Table":
                name = _string_arg(value)
                if name is not None:
                    f.table_calls.setdefault(name, value)
            if value is not None and (
                "__table_args__" in _assigned_names(stmt)
                or isinstance(value, ast.Call) and _call_name(value) in ("Table", *_NAMED_CALLS)
            ):
                for node in ast.walk(value):
                    if isinstance(node, ast.Call) and _call_name(node) in _NAMED_CALLS:
                        name = _string_arg(node) if _call_name(node) == "Index" else _keyword(node, "name")
                        if name is not None:
                            f.named.setdefault(name, node)

    def renamed(self, span: Span | None, lines: int | None = None) -> str | None:
        """The name in a `# @renamed from=old` comment on the object's lines (a table: its
        first line), the models' way of stating a rename so that push keeps the data."""
        f = self.files.get(span.file) if span is not None else None
        if f is None or span is None:
            return None
        last = span.start_line + lines - 1 if lines is not None else span.end_line
        for line in range(span.start_line, last + 1):
            renamed = directives.find(f.comments.get(line, ""))
            if renamed is not None:
                return renamed.old
        return None

    def named(self, name: str | None) -> Span | None:
        """An index or constraint the user named, at its call (a naming convention's
        name is not written anywhere: None)."""
        for f in self.files.values():
            call = f.named.get(name or "")
            if call is not None:
                return f.node_span(call)
        return None

    def line_span(self, path: str, line: int, col: int | None) -> Span:
        f = self.files.get(path)
        text = f.lines[line] if f is not None and line < len(f.lines) else ""
        start = col if col is not None else len(text) - len(text.lstrip())
        return Span(path, line, start, line, max(len(text.rstrip()), start))

    def table_call(self, name: str) -> Span | None:
        for f in self.files.values():
            call = f.table_calls.get(name)
            if call is not None:
                end = call.args[0] if call.args else call
                span = f.node_span(call)
                return Span(f.path, span.start_line, span.start_col, *_end(f, end))
        return None

    def class_for_table(self, name: str) -> Span | None:
        for f in self.files.values():
            node = f.tablenames.get(name)
            if node is not None:
                return f.header_span(node)
        return None

    def classes(self, origin: dict[str, Any] | None) -> list[tuple[_File, ast.ClassDef]]:
        """The ClassDefs of a mapped table's class and its bases, where they are in our files."""
        found = []
        for path, name in origin["classes"] if origin else []:
            f = self.files.get(path)
            node = f.classes.get(name) if f is not None else None
            if f is not None and node is not None:
                found.append((f, node))
        return found

    def place_table(self, table: Table, origin: dict[str, Any] | None) -> None:
        classes = self.classes(origin)
        if classes and classes[0][1].name == origin["classes"][0][1]:  # type: ignore[index]
            table.span = classes[0][0].header_span(classes[0][1])
        else:
            table.span = self.table_call(table.name) or self.class_for_table(table.name)
        attrs = origin["attrs"] if origin else {}
        for column in table.columns:
            column.span = self._column(column.name, attrs.get(column.name, column.name), classes, table.name)

    def _column(self, name: str, attr: str, classes: list[tuple[_File, ast.ClassDef]], table: str) -> Span | None:
        for f, node in classes:
            for stmt in node.body:
                if attr in _assigned_names(stmt):
                    return f.node_span(stmt)
        for f in self.files.values():
            call = f.table_calls.get(table)
            if call is None:
                continue
            for arg in call.args[1:]:
                if isinstance(arg, ast.Call) and _call_name(arg) in ("Column", "mapped_column") and _string_arg(arg) == name:
                    return f.node_span(arg)
        return None


def _end(f: _File, node: ast.AST) -> tuple[int, int]:
    line = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
    return line, f.col(line, node.end_col_offset or 0)  # type: ignore[attr-defined]


def _place(schema: Schema, origins: list[dict[str, Any]], locator: _Locator) -> None:
    """Spans from the user's files replace the DDL's (which point into generated text)."""
    by_table: dict[tuple[str | None, str], dict[str, Any]] = {}
    for origin in origins:
        by_table.setdefault((origin["table"][0], origin["table"][1]), origin)
    for obj in (*schema.namespaces, *schema.extensions, *schema.enums, *schema.sequences):
        obj.span = None
    for table in schema.tables:
        origin = by_table.get((table.schema, table.name)) or by_table.get((None, table.name))
        locator.place_table(table, origin)
        table.renamed_from = locator.renamed(table.span, lines=1)
        for column in table.columns:
            column.renamed_from = locator.renamed(column.span)
        columns = {c.name: c.span for c in table.columns}

        def near(name: str | None, cols: list[str]) -> Span | None:
            return locator.named(name) or (columns.get(cols[0]) if len(cols) == 1 else table.span)

        if table.primary_key is not None:
            table.primary_key.span = near(table.primary_key.name, table.primary_key.columns)
        for unique in table.uniques:
            unique.span = near(unique.name, unique.columns)
        for fk in table.foreign_keys:
            fk.span = near(fk.name, fk.columns)
        for check in table.checks:
            check.span = locator.named(check.name) or table.span
        for index in table.indexes:
            index.span = near(index.name, index.columns)
