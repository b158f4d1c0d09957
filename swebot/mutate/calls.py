"""Call edits: a sibling builtin or method (any/all, min/max, startswith/endswith, ...), the sort
order flag, and a call replaced by one of its arguments."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
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
    "append": ("extend",),
    "extend": ("append",),
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
