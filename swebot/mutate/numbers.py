"""Off-by-one: integer literals, offsets (`e + k`), and bounds (indexes, slices, range(), comparisons)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import (
    integer,
    integer_value,
    replacement,
    split_offset,
    with_offset,
)

_ORDER_OR_EQUALITY = (
    m.LessThan() | m.LessThanEqual() | m.GreaterThan() | m.GreaterThanEqual() | m.Equal() | m.NotEqual()
)
_SINGLETON = m.Name("None") | m.Name("True") | m.Name("False")
_RANGE_CALL = m.Call(func=m.Name("range"))
_POSITIONAL = m.Arg(keyword=None, star="")


def _is_offset_amount(site: Site) -> bool:
    """The `k` of `e + k`: the offset as a whole is what gets adjusted."""
    parent = site.parent
    return (
        parent is not None
        and m.matches(parent, m.BinaryOperation(operator=m.Add() | m.Subtract()))
        and parent.right is site.node  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        and split_offset(parent) is not None
    )


def _is_bound(site: Site) -> bool:
    """Whether the node is an index, a slice bound, a range() argument or a compared quantity."""
    node, parent = site.node, site.parent
    if parent is None:
        return False
    if m.matches(parent, m.Index()):
        return True
    if m.matches(parent, m.Slice()):
        return node is parent.lower or node is parent.upper  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    if m.matches(parent, _POSITIONAL):
        grandparent = site.ancestors[-2] if len(site.ancestors) >= 2 else None
        return grandparent is not None and m.matches(grandparent, _RANGE_CALL)
    if m.matches(parent, m.ComparisonTarget(operator=_ORDER_OR_EQUALITY)):
        return node is parent.comparator  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    if m.matches(parent, m.Comparison()) and node is parent.left:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return m.matches(parent.comparisons[0].operator, _ORDER_OR_EQUALITY)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return False


def off_by_one(site: Site) -> Iterator[Proposal]:
    node, parent = site.node, site.parent
    value = integer_value(node)
    if value is not None:
        if parent is not None and m.matches(parent, m.UnaryOperation(operator=m.Minus())):
            return  # `-k` is adjusted as a whole, at the negation
        if _is_offset_amount(site):
            return
        for changed in (value + 1, value - 1):
            yield site.replace(node, replacement(integer(changed), node, parent))
        return
    offset = split_offset(node)
    if offset is not None:
        base, amount = offset
        for changed in (amount + 1, amount - 1):
            yield site.replace(node, replacement(with_offset(base, changed), node, parent))
        return
    if _is_bound(site) and not m.matches(node, _SINGLETON):
        for changed in (1, -1):
            yield site.replace(node, replacement(with_offset(node, changed), node, parent))  # type: ignore[arg-type]  # libcst matchers do not narrow the node type


KINDS: tuple[type[cst.CSTNode], ...] = (
    cst.Integer,
    cst.UnaryOperation,
    cst.BinaryOperation,
    cst.Name,
    cst.Attribute,
    cst.Call,
    cst.Subscript,
    cst.IfExp,
)
