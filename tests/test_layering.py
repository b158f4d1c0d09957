"""The import layering docs/architecture.md describes: every swebot module sits on a floor and
imports only from its own floor or lower ones, and no modules import each other in a circle.

Read from the source with ``ast`` (every import statement, deferred ones inside functions too), so
a circle cannot come back hidden in a function body. Imports under ``if TYPE_CHECKING:`` count for
the floors (a type from a higher floor is still a dependency on it) but not for circles.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "swebot"

# Lowest first. A module not listed under its own name takes its top-level package's floor.
FLOORS: list[tuple[str, frozenset[str]]] = [
    ("values", frozenset({"swebot", "swebot.errors", "swebot.types", "swebot.paths"})),
    ("tools", frozenset({"swebot.diffs", "swebot.vcs", "swebot.issue_file", "swebot.runlog", "swebot.progress",
                         "swebot.redact", "swebot.secrets", "swebot.models", "swebot.sandbox", "swebot.sandbox_files",
                         "swebot.testing", "swebot.mutate", "swebot.trajectory", "swebot.workspace",
                         "swebot.branches", "swebot.source_encoding", "swebot.leftovers"})),
    ("analysis", frozenset({"swebot.localize", "swebot.agent"})),
    ("engines", frozenset({"swebot.engines", "swebot.scaling"})),
    ("orchestration", frozenset({"swebot.repair"})),
    ("back ends", frozenset({"swebot.github", "swebot.batch"})),
    ("front ends", frozenset({"swebot.commands", "swebot.cli", "swebot.__main__"})),
]
# Rules within a floor: what a package must not import although it sits as high.
FORBIDDEN: list[tuple[str, str, str]] = [
    ("swebot.scaling", "swebot.engines", "scaling sees engines only through the Engine protocol (swebot.types)"),
    ("swebot.github", "swebot.batch", "the GitHub back end and the batch back end are independent"),
    ("swebot.batch", "swebot.github", "the GitHub back end and the batch back end are independent"),
]
# Only the command line parses arguments: library code takes typed values, never a Namespace.
ARGPARSE_ALLOWED = ("swebot.commands", "swebot.cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str:
    """The swebot module an imported name lives in (``swebot.a.b.func`` -> ``swebot.a.b``)."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str) -> list[tuple[str, bool, int]]:
    """(imported module, under TYPE_CHECKING only, line) for every import in ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.Import):
            found.extend((a.name, typing_only, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.extend((f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base, typing_only, node.lineno)
                         for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return [(_resolve(name), typing_only, line) for name, typing_only, line in found]


def swebot_imports(module: str) -> list[tuple[str, bool, int]]:
    return [(m, t, line) for m, t, line in imports(module)
            if (m == "swebot" or m.startswith("swebot.")) and m != module]


def floor_of(module: str) -> int:
    parts = module.split(".")
    # the module itself, then its packages (never the root package: a new top-level module is placed by hand)
    candidates = [module] + [".".join(parts[:i]) for i in range(len(parts) - 1, 1, -1)]
    for name in candidates:
        for index, (_, members) in enumerate(FLOORS):
            if name in members:
                return index
    raise AssertionError(f"{module} sits on no floor: add it to FLOORS in {__file__} and to docs/architecture.md")


def test_every_module_sits_on_a_floor() -> None:
    for module in MODULES:
        floor_of(module)


def test_imports_go_down_or_stay_on_the_floor() -> None:
    wrong = []
    for module in MODULES:
        for target, _, line in swebot_imports(module):
            if floor_of(target) > floor_of(module):
                wrong.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}: {module} "
                             f"({FLOORS[floor_of(module)][0]}) imports {target} ({FLOORS[floor_of(target)][0]})")
    assert not wrong, "imports up the floors:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("source", "target", "why"), FORBIDDEN)
def test_forbidden_imports(source: str, target: str, why: str) -> None:
    wrong = [f"{module}:{line} imports {found}" for module in MODULES if module.startswith(source)
             for found, _, line in swebot_imports(module) if found == target or found.startswith(target + ".")]
    assert not wrong, f"{why}:\n" + "\n".join(wrong)


def test_no_argparse_below_the_command_line() -> None:
    wrong = [f"{module}:{line}" for module in MODULES if not module.startswith(ARGPARSE_ALLOWED)
             for name, _, line in imports(module) if name == "argparse"]
    assert not wrong, "argparse (a Namespace) in library code:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def test_no_import_circles() -> None:
    graph = {module: {t for t, typing_only, _ in swebot_imports(module) if not typing_only} for module in MODULES}
    assert _cycles(graph) == []


def test_the_checker_sees_circles_and_deferred_imports() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    deferred = {target for target, _, _ in swebot_imports("swebot.commands.fix")}
    assert "swebot.commands.fix_remote" in deferred  # imported inside run(), still seen
