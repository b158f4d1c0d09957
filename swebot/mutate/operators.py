"""Operator replacement: comparisons, arithmetic/bitwise (plain and augmented), and/or."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import replacement, swap_operator

_RELATIONAL: tuple[type[cst.BaseCompOp], ...] = (
    cst.LessThan,
    cst.LessThanEqual,
    cst.GreaterThan,
    cst.GreaterThanEqual,
    cst.Equal,
    cst.NotEqual,
)
_COMPARISON_ALTERNATIVES: dict[type[cst.BaseCompOp], tuple[type[cst.BaseCompOp], ...]] = {
    **{kind: tuple(other for other in _RELATIONAL if other is not kind) for kind in _RELATIONAL},
    cst.Is: (cst.IsNot, cst.Equal),
    cst.IsNot: (cst.Is, cst.NotEqual),
    cst.In: (cst.NotIn,),
    cst.NotIn: (cst.In,),
}
# `==` -> `is` is a fix only where identity is meaningful: against the singletons.
_IDENTITY_FOR_EQUALITY: dict[type[cst.BaseCompOp], type[cst.BaseCompOp]] = {cst.Equal: cst.Is, cst.NotEqual: cst.IsNot}
_SINGLETON = m.Name("None") | m.Name("True") | m.Name("False")

# Plausible neighbours only: a typo or a thinko swaps an operator for a close relative.
_BINARY_NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "Add": ("Subtract",),
    "Subtract": ("Add",),
    "Multiply": ("Divide", "FloorDivide"),
    "Divide": ("FloorDivide", "Multiply"),
    "FloorDivide": ("Divide", "Modulo"),
    "Modulo": ("FloorDivide",),
    "Power": ("Multiply",),
    "BitAnd": ("BitOr",),
    "BitOr": ("BitAnd", "BitXor"),
    "BitXor": ("BitOr", "BitAnd"),
    "LeftShift": ("RightShift",),
    "RightShift": ("LeftShift",),
}


def comparison_operator(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.Comparison)
    operands = [node.left, *(target.comparator for target in node.comparisons)]
    for index, target in enumerate(node.comparisons):
        kind = type(target.operator)
        alternatives = list(_COMPARISON_ALTERNATIVES.get(kind, ()))
        around = operands[index : index + 2]
        if kind in _IDENTITY_FOR_EQUALITY and any(m.matches(operand, _SINGLETON) for operand in around):
            alternatives.append(_IDENTITY_FOR_EQUALITY[kind])
        for alternative in alternatives:
            changed = target.with_changes(operator=swap_operator(target.operator, alternative))
            comparisons = [*node.comparisons[:index], changed, *node.comparisons[index + 1 :]]
            yield site.replace(node, node.with_changes(comparisons=comparisons))


def binary_operator(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.BinaryOperation)
    for name in _BINARY_NEIGHBOURS.get(type(node.operator).__name__, ()):
        rebuilt = node.with_changes(operator=swap_operator(node.operator, getattr(cst, name)))
        yield site.replace(node, replacement(rebuilt, node, site.parent))


def augmented_assignment(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.AugAssign)
    kind = type(node.operator).__name__.removesuffix("Assign")
    for name in _BINARY_NEIGHBOURS.get(kind, ()):
        yield site.replace(node, node.with_changes(operator=swap_operator(node.operator, getattr(cst, name + "Assign"))))


def boolean_operator(site: Site) -> Iterator[Proposal]:
    node = site.node
    assert isinstance(node, cst.BooleanOperation)
    other = cst.Or if m.matches(node.operator, m.And()) else cst.And
    rebuilt = node.with_changes(operator=swap_operator(node.operator, other))
    yield site.replace(node, replacement(rebuilt, node, site.parent))


def operand_deletion(site: Site) -> Iterator[Proposal]:
    """``a and b`` -> ``a`` / ``b`` (likewise ``or``): a condition with one test too many."""
    node = site.node
    assert isinstance(node, cst.BooleanOperation)
    for kept in (node.left, node.right):
        if node.lpar and not getattr(kept, "lpar", None):
            # the operation's own parentheses keep an operand that spans lines legal
            kept = kept.with_changes(lpar=node.lpar, rpar=node.rpar)
        yield site.replace(node, replacement(kept, node, site.parent))
