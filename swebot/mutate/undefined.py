"""A name read but bound nowhere in its module (nor a builtin) is a NameError waiting to happen,
almost always a misspelling (``if cotm is S.ComplexInfinity`` right after ``cothm = coth(m)``,
sympy-13480): replace it with the closest spellings of the names that are bound."""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Iterator
from functools import lru_cache

import libcst as cst

from swebot.mutate.model import Proposal
from swebot.mutate.names import is_read
from swebot.mutate.scopes import RECEIVERS
from swebot.mutate.source import Site

KINDS = (cst.Name,)
MAX_SPELLINGS = 4
SPELLING_CUTOFF = 0.7  # difflib's ratio: "cotm" / "cothm" 0.89, "cotm" / "cot" 0.86
# Names every module (or method) has without binding them.
_IMPLICIT = frozenset({"__file__", "__builtins__", "__path__", "__spec__", "__loader__", "__package__",
                       "__annotations__", "__class__", "__name__", "__doc__", "__qualname__", "__module__",
                       "__dict__", "__debug__"})
_BUILTINS = tuple(name for name in dir(builtins) if not name.startswith("_"))


@lru_cache(maxsize=16)
def module_bindings(text: str) -> tuple[str, ...] | None:
    """Every name the module binds anywhere (any scope), in order of first binding; None when a
    star import or ``globals()``/``exec`` could bind names no reading of the text sees."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    bound: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "exec", "locals"):
            return None
        for name in _bound_by(node):
            bound.setdefault(name, None)
    return tuple(bound)


def _bound_by(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return [node.id]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.alias):
        return [(node.asname or node.name).split(".")[0]]
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        return [node.name]
    if isinstance(node, ast.MatchMapping) and node.rest:
        return [node.rest]
    return []


def misspelled_name(site: Site) -> Iterator[Proposal]:
    """``cotm`` -> ``cothm``: a read name the module never binds, replaced by the closest bound
    names (the enclosing function's first, then the module's and the builtins)."""
    node = site.node
    assert isinstance(node, cst.Name)
    name = node.value
    if name in RECEIVERS or name in _IMPLICIT or hasattr(builtins, name) or not is_read(site):
        return
    bound = module_bindings(site.parsed.text)
    if bound is None or name in bound:
        return
    local: list[str] = []
    if site.function is not None:
        scope = site.parsed.scopes.scope(site.function)
        local = [n for n in (*scope.variables_before(site.line), *scope.locals, *scope.parameters) if n != name]
    pool = list(dict.fromkeys((*local, *bound, *_BUILTINS)))
    close = difflib.get_close_matches(name, pool, n=MAX_SPELLINGS, cutoff=SPELLING_CUTOFF)
    # the function's own names first among equally close spellings: the misspelling is of something near
    ratio = {other: difflib.SequenceMatcher(None, name, other).ratio() for other in close}
    close.sort(key=lambda other: (-round(ratio[other], 2), other not in local))
    for other in close:
        yield site.replace(node, node.with_changes(value=other))
