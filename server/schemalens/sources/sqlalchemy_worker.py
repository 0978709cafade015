"""The child-process side of the SQLAlchemy source: run the user's model modules, print
the DDL that `metadata.create_all` would execute, as JSON.

This file is run as `python -c <its text>` (never imported into schemalens): the models
import the user's application, which must not run in the editor's or CLI's process.
It depends on nothing but the standard library and SQLAlchemy, which it finds in the
interpreter it runs in.

Request on stdin: {"engine": {"url", "connected"}, "create_schemas": bool, "default_schema": str,
"roots": [folder, ...], "files": [{"path", "text", "module", "attribute"}, ...]} (attribute:
the dotted name of the one MetaData or declarative base to read, or null for all).
Reply on stdout: {"problems": [...], "statements": [...], "origins": [...], "files": [...]} or
{"missing": "sqlalchemy"}. The user's own prints go to stderr, so that they cannot
corrupt the reply.
"""

import importlib
import json
import os
import re
import sys
import traceback
import types


def main() -> None:
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # print() in user code (and C-level writes) land on stderr
    try:  # before the request is read: the parent meanwhile reads the files' syntax trees
        import sqlalchemy.orm  # noqa: F401
    except ImportError:
        reply.write(json.dumps({"missing": "sqlalchemy"}))
        reply.flush()
        return
    try:
        request = json.load(sys.stdin)
    except ValueError:
        return  # a spare child whose parent went away without a request
    reply.write(json.dumps(run(request)))
    reply.flush()


def run(request: dict) -> dict:
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    for root in reversed(request["roots"]):
        if root not in sys.path:
            sys.path.insert(0, root)
    problems: list = []
    record_origins()
    modules, chosen = [], []
    for f in request["files"]:
        module = execute(f, request["roots"], problems)
        if module is not None:
            modules.append(module)
            chosen.append(selected(module, f, problems))
    metadatas, registries = collect(modules)
    if chosen != modules:
        metadatas = collect([m for m in chosen if m is not None])[0]
    statements: list = []
    for metadata in metadatas:
        set_aside_invalid(metadata, problems)
        statements.extend(ddl(metadata, request, problems))
    return {"problems": problems, "statements": statements, "origins": origins(metadatas, registries),
            "files": app_files(request["roots"])}


def app_files(roots: list) -> list:
    """The files of the app's modules that ran (under the import roots, installed packages
    aside), where the parent looks for the lines of tables the named modules imported."""
    folders = tuple(os.path.join(os.path.abspath(r), "") for r in roots)
    found = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and os.path.abspath(path).startswith(folders) and not any(
                part in ("site-packages", "dist-packages") for part in path.split(os.sep)):
            found.append(path)
    return sorted(set(found))


def execute(f: dict, roots: list, problems: list):
    """Run one file's text as the module its path names, registered in sys.modules so that
    other files (and relationship() strings) find this version rather than the disk's."""
    path, name = f["path"], f["module"]
    module = types.ModuleType(name)
    module.__file__ = path
    parent, _, leaf = name.rpartition(".")
    module.__package__ = parent
    if os.path.basename(path) == "__init__.py":
        module.__path__ = [os.path.dirname(path)]
        module.__package__ = name
    if parent:
        try:
            setattr(importlib.import_module(parent), leaf, module)
        except BaseException:
            pass  # a namespace or broken parent: the module still runs on its own
    sys.modules[name] = module
    try:
        code = compile(f["text"], path, "exec")
    except SyntaxError as e:
        problems.append({
            "code": "syntax-error", "message": f"SyntaxError: {e.msg}", "file": path,
            "line": (e.lineno or 1) - 1, "col": max((e.offset or 1) - 1, 0),
        })
        return None
    try:
        exec(code, module.__dict__)
    except BaseException as e:  # SystemExit and KeyboardInterrupt from user code too
        line = 0
        for frame, lineno in traceback.walk_tb(e.__traceback__):
            if frame.f_code.co_filename == path:
                line = lineno - 1
        text = str(e)
        problems.append({
            "code": "import-error",
            "message": (f"{type(e).__name__}: {text}" if text else type(e).__name__) + import_hint(e, name, roots),
            "file": path, "line": line, "col": None,
        })
    return module


def import_hint(e: BaseException, name: str, roots: list) -> str:
    """What to do about an import that failed because of where the module was run from
    (the traceback says what failed, not why it could not be found)."""
    if not isinstance(e, ImportError):
        return ""
    if "relative import" in str(e):
        return (f" (run as top-level module {name!r}: a relative import needs the file's folder to be a package,"
                " with an __init__.py, or the module named by its dotted path: schema = \"app.models\")")
    missing = getattr(e, "name", None)
    if isinstance(e, ModuleNotFoundError) and missing and missing.split(".")[0] not in sys.modules:
        where = ", ".join(roots)
        return (f" (imported as {name!r} from {where}; is {missing.split('.')[0]!r} installed in {sys.executable},"
                " or is a folder on the way missing its __init__.py?)")
    return ""


def selected(module, f: dict, problems: list):
    """The module, or for a module path with an attribute (`app.models:Base.metadata`) a
    stand-in holding just that object, so that only its tables are read."""
    attribute = f.get("attribute")
    if not attribute:
        return module
    value = module
    try:
        for part in attribute.split("."):
            value = getattr(value, part)
    except Exception as e:
        problems.append({"code": "import-error", "message": f"{f['module']} has no attribute {attribute}: {message(e)}",
                         "file": f["path"], "line": 0, "col": None})
        return None
    stand_in = types.ModuleType(f["module"])
    stand_in.selected = value
    return stand_in


def record_origins() -> None:
    """Make indexes, constraints and foreign keys remember the line of the user's code that
    made them (SQLAlchemy keeps no positions), so that a problem with one is shown at its
    own `Index(` or `ForeignKey(` line rather than at its table's class."""
    from sqlalchemy.sql import schema

    library = os.path.dirname(schema.__file__).rsplit(os.sep, 1)[0] + os.sep

    def caller() -> list | None:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith(("<", library)):
                return [name, frame.f_lineno - 1]
            frame = frame.f_back
        return None

    for cls in (schema.Index, schema.Constraint, schema.ForeignKey):
        def patched(self, *args, __init=cls.__init__, **kwargs) -> None:
            __init(self, *args, **kwargs)
            if "_schemalens_at" not in self.__dict__:
                self.__dict__["_schemalens_at"] = caller()
        cls.__init__ = patched


def origin_of(item) -> list | None:
    return getattr(item, "__dict__", {}).get("_schemalens_at")


def set_aside_invalid(metadata, problems: list) -> None:
    """Take out of the metadata what no database would create, each reported at its own
    line, so that create_all (and the comparison) goes on with everything else, as the
    database itself would go on with the statements after a failing one."""
    for table in list(metadata.tables.values()):
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if not index.expressions:
                table.indexes.discard(index)
                problems.append(invalid(
                    "index-without-columns", origin_of(index), table,
                    f"index {index.name} on {table.fullname} has no columns: PostgreSQL and SQLite refuse "
                    f"CREATE INDEX {index.name} ON {table.fullname} () as a syntax error, so create_all fails there",
                ))
        for fk in sorted(table.foreign_key_constraints, key=lambda c: [e.parent.name for e in c.elements]):
            reason = refusal(fk)
            if reason is None:
                continue
            for element in fk.elements:
                table.foreign_keys.discard(element)
                element.parent.foreign_keys.discard(element)
            table.constraints.discard(fk)
            at = next((origin_of(e) for e in fk.elements if origin_of(e)), None) or origin_of(fk)
            columns = ", ".join(e.parent.name for e in fk.elements)
            problems.append(invalid("invalid-foreign-key", at, table,
                                    f"foreign key {table.fullname}({columns}) -> {reason}"))


def refusal(fk) -> str | None:
    """Why the databases refuse a foreign key, or None: its target must exist and be a
    primary key, unique constraint or unique (non-partial) index on exactly its columns."""
    from sqlalchemy import Index, PrimaryKeyConstraint, UniqueConstraint

    try:
        targets = [e.column for e in fk.elements]
    except Exception as e:
        target = ", ".join(str(e.target_fullname) for e in fk.elements)
        return f"{target}: {message(e)}; create_all fails"
    referred = targets[0].table
    wanted = {c.name for c in targets}
    keys = [c for c in referred.constraints if isinstance(c, (PrimaryKeyConstraint, UniqueConstraint))]
    keys += [i for i in referred.indexes if isinstance(i, Index) and i.unique and len(i.expressions) == len(i.columns)
             and not any(v.get("where") is not None for v in i.dialect_options.values())]
    if any({c.name for c in key.columns} == wanted for key in keys):
        return None
    shown = f"{referred.fullname}({', '.join(c.name for c in targets)})"
    return (f"{shown}: those columns are not a primary key, unique constraint or unique index of "
            f"{referred.fullname}, so PostgreSQL refuses the key (there is no unique constraint matching given keys "
            f"for referenced table) and SQLite fails every write to {fk.table.fullname} (foreign key mismatch)")


def invalid(code: str, at: list | None, table, text: str) -> dict:
    return {"code": code, "severity": "warning", "message": f"{text}; it is left out of the comparison",
            "file": at[0] if at else None, "line": at[1] if at else None, "col": None,
            "table": [table.schema, table.name]}


def collect(modules: list) -> tuple:
    """Every MetaData the modules' globals reach: MetaData objects, Table objects'
    metadata, and declarative classes' `.metadata` (DeclarativeBase subclasses and
    `declarative_base()` results alike), in first-seen order; and the declarative
    registries met on the way (they know the mapped classes)."""
    from sqlalchemy import MetaData, Table
    from sqlalchemy.orm import registry as registry_cls

    found: dict = {}
    registries: dict = {}
    for module in modules:
        for value in list(vars(module).values()):
            metadata = None
            if isinstance(value, MetaData):
                metadata = value
            elif isinstance(value, Table):
                metadata = value.metadata
            elif isinstance(value, type):
                try:
                    candidate = getattr(value, "metadata", None)
                    registry = getattr(value, "registry", None)
                except Exception:
                    candidate = registry = None
                if isinstance(candidate, MetaData):
                    metadata = candidate
                if isinstance(registry, registry_cls):
                    registries.setdefault(id(registry), registry)
            if metadata is not None and id(metadata) not in found:
                found[id(metadata)] = metadata
    return list(found.values()), list(registries.values())


def ddl(metadata, request: dict, problems: list) -> list:
    """The statements `metadata.create_all` runs on an empty database, compiled for the
    request's engine (a mock engine: no database involved). A statement that does not
    compile becomes a problem at its table, and create_all goes on with the next one."""
    from sqlalchemy import create_mock_engine

    statements: list = []
    default_schema = request["default_schema"]
    if request["create_schemas"]:  # create_all assumes the schemas exist
        schemas = sorted({t.schema for t in metadata.tables.values() if t.schema and t.schema != default_schema})
        statements += [{"sql": f'CREATE SCHEMA IF NOT EXISTS "{s}"', "table": None} for s in schemas]

    failed: list = []

    def executor(element, *multiparams, **params) -> None:
        table = table_of(element)
        if table is not None and table in failed:
            return  # its indexes and comments would only repeat that the table is missing
        try:
            sql = str(element.compile(dialect=engine.dialect)).strip()
        except Exception as e:
            failed.append(table)
            problems.append({
                "code": "sqlalchemy-compile", "message": message(e),
                "file": None, "line": None, "col": None, "table": table,
            })
            return
        statements.append({"sql": sql, "table": table})

    engine = create_mock_engine(request["engine"]["url"], executor)
    for name, value in request["engine"]["connected"].items():  # what connecting would set
        setattr(engine.dialect, name, tuple(value) if isinstance(value, list) else value)
    try:
        metadata.create_all(engine, checkfirst=False)
    except Exception as e:
        problems.append({
            "code": "sqlalchemy-error", "message": message(e),
            "file": None, "line": None, "col": None,
        })
    return statements


def message(e: BaseException) -> str:
    """The exception as one line a user can act on: without SQLAlchemy's link to its
    error catalogue and the compiler's object address."""
    text = str(e).split(" (Background on")[0]
    text = re.sub(r"Compiler <[^>]*>", "the dialect's compiler", text)
    return f"{type(e).__name__}: {text}"


def table_of(element) -> list | None:
    """[schema, name] of the table a DDL element belongs to (a table, its index, its
    column's comment), None for types and sequences."""
    from sqlalchemy import Column, Index, Table

    target = getattr(element, "element", None)
    if isinstance(target, Index):
        target = target.table
    elif isinstance(target, Column):
        target = target.table
    if isinstance(target, Table):
        return [target.schema, target.name]
    return None


def origins(metadatas: list, registries: list) -> list:
    """Where each mapped table was declared: its classes (with their bases, where mixin
    columns are written) and each column's attribute name, so that the parent can find
    them in the files' syntax trees. Tables built with Table() have no entry."""
    out = []
    seen = set()
    for metadata in metadatas:
        mappers = [m for r in registries if r.metadata is metadata for m in r.mappers]
        for mapper in sorted(mappers, key=lambda m: m.class_.__name__):
            table = mapper.local_table
            if table is None or not hasattr(table, "columns") or table.metadata is not metadata:
                continue
            attrs = {}
            for column in table.columns:
                try:
                    attrs[column.name] = mapper.get_property_by_column(column).key
                except Exception:
                    continue
            classes = [
                [file_of(c), c.__name__] for c in mapper.class_.__mro__ if c is not object and file_of(c)
            ]
            key = (table.schema, table.name, mapper.class_.__name__)
            if key in seen:
                continue
            seen.add(key)
            out.append({"table": [table.schema, table.name], "classes": classes, "attrs": attrs})
    return out


def file_of(cls) -> str | None:
    module = sys.modules.get(getattr(cls, "__module__", "") or "")
    return getattr(module, "__file__", None)


if __name__ == "__main__":
    main()
