"""Call edits: a sibling builtin or method (any/all, min/max, startswith/endswith, ...), the sort
order flag, and a call replaced by one of its arguments."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import ANY_CALLEE, Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import replacement

# Same signature, opposite or neighbouring meaning: swapping them is a one-word fix.
_SIBLING_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "any": ("all",),
    "all": ("any",),
    "min": ("max",),
    "max": ("min",),
    "floor": ("ceil",),
    "ceil": ("floor",),
    "int": ("round",),
    "round": ("int",),
}
_SIBLING_METHODS: dict[str, tuple[str, ...]] = {
    **_SIBLING_FUNCTIONS,
    "startswith": ("endswith",),
    "endswith": ("startswith",),
    "lower": ("upper",),
    "upper": ("lower",),
    "lstrip": ("rstrip", "strip"),
    "rstrip": ("lstrip", "strip"),
    "strip": ("lstrip", "rstrip"),
    "find": ("rfind",),
    "rfind": ("find",),
    "index": ("rindex",),
    "rindex": ("index",),
    "split": ("rsplit",),
    "rsplit": ("split",),
    "append": ("extend", "appendleft"),
    "extend": ("append", "extendleft"),
    # a deque's two ends (the order middleware or handlers run in)
    "appendleft": ("append",),
    "extendleft": ("extend",),
    "popleft": ("pop",),
    "keys": ("values", "items"),
    "values": ("keys", "items"),
    "items": ("keys", "values"),
}
_SORTING = m.Call(func=m.Name("sorted") | m.Attribute(attr=m.Name("sort")))
_REVERSE = m.Arg(keyword=m.Name("reverse"))
_POSITIONAL = m.Arg(keyword=None, star="")
# Calls whose only job is a side effect: their argument alone would be a no-op statement.
_STATEMENT_CALL = m.Expr()


def _reverse_flag(node: cst.Call) -> Iterator[cst.Call]:
    for index, arg in enumerate(node.args):
        if m.matches(arg, _REVERSE):
            if m.matches(arg.value, m.Name("True") | m.Name("False")):
                flipped = "False" if arg.value.value == "True" else "True"  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
                args = [*node.args[:index], arg.with_changes(value=cst.Name(flipped)), *node.args[index + 1 :]]
                yield node.with_changes(args=args)
            return
    tight = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    flag = cst.Arg(value=cst.Name("True"), keyword=cst.Name("reverse"), equal=tight)
    args = list(node.args)
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        # a trailing comma stays trailing, after the new flag
        flag = flag.with_changes(comma=args[-1].comma)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    yield node.with_changes(args=[*args, flag])


def sibling_builtin(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Call)
    func = node.func
    if m.matches(func, m.Name()):
        for other in _SIBLING_FUNCTIONS.get(func.value, ()):  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            yield site.replace(node, node.with_changes(func=func.with_changes(value=other)))
    elif m.matches(func, m.Attribute(attr=m.Name())):
        attr = func.attr  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        for other in _SIBLING_METHODS.get(attr.value, ()):
            yield site.replace(node, node.with_changes(func=func.with_changes(attr=attr.with_changes(value=other))))
    if m.matches(node, _SORTING):
        for changed in _reverse_flag(node):
            yield site.replace(node, changed)


def call_to_argument(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Call)
    parent = site.parent
    if parent is not None and m.matches(parent, _STATEMENT_CALL):
        return
    for arg in node.args:
        if m.matches(arg, _POSITIONAL):
            yield site.replace(node, replacement(arg.value, node, parent))


# Text files opened without an encoding read with the locale's (PEP 597): the fix names UTF-8.
_TEXT_OPEN = m.Call(func=m.Name("open") | m.Attribute(value=m.Name("io") | m.Name("codecs"), attr=m.Name("open")))
_MODE_ARG = m.Arg(keyword=m.Name("mode"))


def open_encoding(site: Site) -> Iterator[Proposal]:
    """``open(path)`` -> ``open(path, encoding='utf-8')`` for a text-mode open without an encoding."""
    node = site.node
    assert isinstance(node, cst.Call)
    if not m.matches(node, _TEXT_OPEN) or any(arg.star for arg in node.args):
        return
    if any(m.matches(arg, m.Arg(keyword=m.Name("encoding"))) for arg in node.args):
        return  # an encoding is already named
    positional = [arg for arg in node.args if arg.keyword is None]
    modes = [arg.value for arg in node.args if m.matches(arg, _MODE_ARG)] + [arg.value for arg in positional[1:2]]
    if len(positional) > 3:
        return  # open's fourth positional argument is the encoding
    for mode in modes:
        if not m.matches(mode, m.SimpleString()) or "b" in str(mode.evaluated_value):  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
            return  # binary, or a mode only known at run time
    last = node.args[-1] if node.args else None
    args = [*node.args[:-1], last.with_changes(comma=cst.MaybeSentinel.DEFAULT)] if last is not None else []
    encoding = cst.Arg(keyword=cst.Name("encoding"), value=cst.SimpleString("'utf-8'"),
                       equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                             whitespace_after=cst.SimpleWhitespace("")))
    yield site.replace(node, node.with_changes(args=[*args, encoding]))


# A mock's record of the call the test expects: its keywords are what some call should pass.
_MOCK_ASSERTIONS = frozenset({"assert_called_with", "assert_called_once_with", "assert_any_call", "call"})
_MAX_KEYWORD_TEXT = 40
_MAX_KEYWORDS = 8  # per call: the first found


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _plain_value(value: ast.expr, constants_only: bool) -> bool:
    """A value that means the same wherever it is written: a literal, or (from code) a dotted name."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, (ast.Tuple, ast.List)):
        return all(_plain_value(item, True) for item in value.elts)
    if constants_only:
        return False
    return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) or isinstance(value, ast.Name)


def call_keywords(sources: Iterable[str], tests: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """callee name -> ``name=value`` keyword arguments its calls pass in ``sources`` (and in
    ``tests``); the keywords of the tests' mock assertions under ``ANY_CALLEE`` (literal values only:
    a test's local names mean nothing in the code)."""
    found: dict[str, dict[str, None]] = {}
    for text, from_tests in [*((t, False) for t in sources), *((t, True) for t in tests)]:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _callee(node.func)
            if callee is None:
                continue
            mock = callee in _MOCK_ASSERTIONS
            for keyword in node.keywords:
                if keyword.arg is None or not _plain_value(keyword.value, constants_only=from_tests):
                    continue
                written = f"{keyword.arg}={ast.unparse(keyword.value)}"
                if len(written) <= _MAX_KEYWORD_TEXT:
                    found.setdefault(ANY_CALLEE if mock else callee, {})[written] = None
    return {callee: tuple(written) for callee, written in found.items()}


def keyword_argument(site: Site) -> Iterator[Proposal]:
    """A call gets a keyword argument it lacks that other calls of the same callee pass (or a
    failing test's mock assertion expects), as given there or with a boolean flipped."""
    node = site.node
    assert isinstance(node, cst.Call)
    pool = site.parsed.hints.keywords
    func = node.func
    callee = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else None
    if callee is None or callee in _MOCK_ASSERTIONS or any(arg.star == "**" for arg in node.args):
        return
    present = {arg.keyword.value for arg in node.args if arg.keyword is not None}
    offered: list[str] = []
    for written in (*pool.get(callee, ()), *pool.get(ANY_CALLEE, ())):
        name, value = written.split("=", 1)
        if name in present:
            continue
        flipped = {"True": "False", "False": "True"}.get(value)
        for text in (written, f"{name}={flipped}" if flipped else None):
            if text is not None and text not in offered:
                offered.append(text)
    last = node.args[-1] if node.args else None
    args = [*node.args[:-1], last.with_changes(comma=cst.MaybeSentinel.DEFAULT)] if last is not None else []
    for text in offered[:_MAX_KEYWORDS]:
        added = cst.ensure_type(cst.parse_expression(f"f({text})"), cst.Call).args[0]
        yield site.replace(node, node.with_changes(args=[*args, added]))
