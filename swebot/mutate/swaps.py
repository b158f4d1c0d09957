"""Swapping things whose order matters: positional call arguments, operands of non-commutative operators."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import cast

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import replacement

_POSITIONAL = m.Arg(keyword=None, star="")
_NON_COMMUTATIVE = (
    m.Subtract() | m.Divide() | m.FloorDivide() | m.Modulo() | m.Power() | m.LeftShift() | m.RightShift()
)
_ORDERED_COMPARISON = (
    m.LessThan() | m.LessThanEqual() | m.GreaterThan() | m.GreaterThanEqual() | m.In() | m.NotIn()
)
_MAX_SWAPPED_ARGUMENTS = 5  # pairs grow quadratically; long argument lists are rarely mixed up


def argument_swap(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Call)
    positions = [index for index, arg in enumerate(node.args) if m.matches(arg, _POSITIONAL)]
    if len(positions) < 2 or len(positions) > _MAX_SWAPPED_ARGUMENTS:
        return
    for first, second in combinations(positions, 2):
        args = list(node.args)
        # only the values move: commas and spacing stay where they were
        args[first] = node.args[first].with_changes(value=node.args[second].value)
        args[second] = node.args[second].with_changes(value=node.args[first].value)
        first_text = site.parsed.snippet(node.args[first].value)
        second_text = site.parsed.snippet(node.args[second].value)
        yield site.replace(node, node.with_changes(args=args), what=f"swap `{first_text}` and `{second_text}`")


def operand_swap(site: Site) -> Iterator[Proposal]:
    node = cast(cst.BaseExpression, site.node)
    if m.matches(node, m.BinaryOperation(operator=_NON_COMMUTATIVE)):
        swapped = node.with_changes(left=node.right, right=node.left)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    elif m.matches(node, m.Comparison(comparisons=[m.ComparisonTarget(operator=_ORDERED_COMPARISON)])):
        target = node.comparisons[0]  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        swapped = node.with_changes(left=target.comparator, comparisons=[target.with_changes(comparator=node.left)])  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    else:
        return
    yield site.replace(node, replacement(swapped, node, site.parent))


KINDS_OPERANDS: tuple[type[cst.CSTNode], ...] = (cst.BinaryOperation, cst.Comparison)


_MAX_SWAPPED_ELEMENTS = 4  # a longer tuple is a record whose order was rarely mixed up in one place


def element_swap(site: Site) -> Iterator[Proposal]:
    """Two elements of a tuple trade places (``exc_info = failure.value, failure.type, tb`` ->
    ``failure.type, failure.value, tb``): the order of a record's fields matters to whoever
    unpacks it, and nothing checks it where it is built."""
    node = site.node
    assert isinstance(node, cst.Tuple)
    elements = list(node.elements)
    if not 2 <= len(elements) <= _MAX_SWAPPED_ELEMENTS or any(isinstance(e, cst.StarredElement) for e in elements):
        return
    for first, second in combinations(range(len(elements)), 2):
        swapped = list(elements)
        # only the values move: commas and spacing stay where they were
        swapped[first] = elements[first].with_changes(value=elements[second].value)
        swapped[second] = elements[second].with_changes(value=elements[first].value)
        first_text = site.parsed.snippet(elements[first].value)
        second_text = site.parsed.snippet(elements[second].value)
        yield site.replace(node, node.with_changes(elements=swapped), what=f"swap `{first_text}` and `{second_text}`")


KINDS_TUPLES: tuple[type[cst.CSTNode], ...] = (cst.Tuple,)
