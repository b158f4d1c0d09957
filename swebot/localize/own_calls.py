"""What a failing test calls itself, to rank the code it exercises directly above code it
reaches through layers of machinery.

In a big project one failing test covers thousands of lines (set-up, frameworks, helpers), and
with no passing test covering them too, Ochiai scores them all alike. The functions the test
calls by name are where its assertion is about: their lines are ranked first, with the
traceback's frames.

Names are matched, not resolved: ``parse(...)`` and ``obj.parse(...)`` both name every
function or method called ``parse`` (and ``Parser(...)`` the class's ``__init__``/``__call__``),
which is cheap, and wrong only by ranking a namesake a little higher.
"""

from __future__ import annotations

import ast
from typing import Iterable, Mapping

HELPER_DEPTH = 2  # follow calls into the test module's own helpers this many levels deep
_IGNORED = frozenset({"assert_called_once_with", "raises", "skip", "fail", "approx", "len", "isinstance",
                      "str", "int", "list", "dict", "set", "tuple", "print", "repr", "sorted", "range"})


def called_names(test_source: str, nodeid: str) -> frozenset[str]:
    """Names the test function of ``nodeid`` calls, directly or through functions of its own
    module (its helpers, its class's methods), ``HELPER_DEPTH`` levels deep."""
    try:
        tree = ast.parse(test_source)
    except (SyntaxError, ValueError):
        return frozenset()
    parts = nodeid.split("::")[1:]
    if not parts:
        return frozenset()
    parts[-1] = parts[-1].split("[", 1)[0]
    test = _find(tree, parts)
    if test is None:
        return frozenset()
    local = {node.name: node for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names: set[str] = set()
    frontier: list[ast.AST] = [test]
    seen = {id(test)}
    for _ in range(HELPER_DEPTH + 1):
        found = {name for node in frontier for name in _calls(node)}
        names |= found
        helpers = [local[n] for n in found if n in local and id(local[n]) not in seen]
        seen.update(id(h) for h in helpers)
        frontier = list(helpers)
    names -= set(local)  # the test module's own functions are not the code under test
    return frozenset(names - _IGNORED)


def _find(tree: ast.Module, parts: list[str]) -> ast.AST | None:
    scope: Iterable[ast.stmt] = tree.body
    node: ast.AST | None = None
    for part in parts:
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                     and n.name == part), None)
        if node is None:
            return None
        scope = node.body
    return node


def _calls(node: ast.AST) -> set[str]:
    """Names called in a function's body (its decorators are pytest's business)."""
    out: set[str] = set()
    body = getattr(node, "body", [node])
    for sub in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                out.add(func.id)
            elif isinstance(func, ast.Attribute):
                out.add(func.attr)
    return out


def called_spans(source: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """Line spans (first, last) of the functions in ``source`` that ``names`` call: functions and
    methods of those names, and the ``__init__``/``__call__``/``__new__`` of classes of those names."""
    if not names:
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            spans.append((node.lineno, node.end_lineno or node.lineno))
        elif isinstance(node, ast.ClassDef) and node.name in names:
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        item.name in ("__init__", "__call__", "__new__"):
                    spans.append((item.lineno, item.end_lineno or item.lineno))
    return spans


def lines_in_spans(lines: Iterable[int], spans: list[tuple[int, int]]) -> set[int]:
    return {line for line in lines if any(first <= line <= last for first, last in spans)}


def called_lines(sources: Mapping[str, str], test_sources: Mapping[str, str],
                 failing: Iterable[str], suspicious: Mapping[str, Iterable[int]]) -> set[tuple[str, int]]:
    """The ``suspicious`` lines (by path) that lie in functions the ``failing`` tests call by name.
    ``sources``: project files by path; ``test_sources``: test files by path."""
    names: set[str] = set()
    for nodeid in failing:
        text = test_sources.get(nodeid.split("::", 1)[0])
        if text is not None:
            names |= called_names(text, nodeid)
    frozen = frozenset(names)
    out: set[tuple[str, int]] = set()
    for path, lines in suspicious.items():
        if path in sources:
            spans = called_spans(sources[path], frozen)
            out.update((path, line) for line in lines_in_spans(lines, spans))
    return out
