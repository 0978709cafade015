"""No import cycle in server/schemalens: arrows go one way, as DESIGN.md's layout draws them.

The graph is built from the source (ast), top-level imports only: an import inside a
function is how a dialect defers its heavy modules, and one under `if TYPE_CHECKING:`
never runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "schemalens"

def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(tree: ast.Module, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """Modules named by the imports that run when the module is imported. `from p import m`
    of a submodule m is an arrow to p.m only: Python loads p first whatever imports p.m,
    and no cycle arises from that."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
                found.update(submodules)
                if len(submodules) < len(node.names):
                    found.add(base)
            elif isinstance(node, ast.If):
                if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = top_level_imports(tree, name, path.name == "__init__.py", set(paths))
        graph[name] = {m for m in named if m in paths and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_sees_imports() -> None:
    graph = import_graph()
    assert "schemalens.model" in graph["schemalens.normalize"]
    assert "schemalens.dialects.postgresql.names" in graph["schemalens.dialects.postgresql.types"]


def test_no_import_cycles() -> None:
    assert [sorted(c) for c in cycles(import_graph())] == []


def test_dialects_import_neither_diff_nor_normalize() -> None:
    """Not even inside a function: the engine asks the dialect, never the other way."""
    engine = ("schemalens.diff", "schemalens.normalize")
    leaks = []
    for path in sorted((PACKAGE / "dialects").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            leaks += [(module_name(path), n) for n in names if n.startswith(engine)]
    assert leaks == []


# DESIGN.md's data flow, lowest first: a module may import its own layer and the ones below.
LAYERS = (
    ("schemalens.model", "schemalens.changes", "schemalens.directives", "schemalens.urls", "schemalens.bookkeeping",
     "schemalens.dependencies"),
    ("schemalens.dialects",),
    ("schemalens.sources", "schemalens.normalize", "schemalens.diff", "schemalens.cache", "schemalens.schema_file"),
    ("schemalens.lint", "schemalens.left_alone"),
    ("schemalens.config", "schemalens.connect", "schemalens.apply", "schemalens.migrations"),
    ("schemalens.workflows", "schemalens.history"),
    ("schemalens.cli", "schemalens.lsp", "schemalens.studio", "schemalens.__main__"),
)


def layer_of(module: str) -> int:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    raise AssertionError(f"{module} has no place in LAYERS: give it one")


def test_arrows_point_down_the_layers() -> None:
    """Every import, also the ones inside functions (a lazy import is still an arrow)."""
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name == "schemalens":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("schemalens") and not node.level:
                targets = ([f"schemalens.{a.name}" for a in node.names] if node.module == "schemalens"
                           else [node.module])
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("schemalens")]
            else:
                continue
            upward += [(name, t) for t in targets if layer_of(t) > layer_of(name)]
    assert upward == []
