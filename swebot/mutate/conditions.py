"""Condition negation: add `not` to a test, or drop a `not` that is there."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from swebot.mutate.model import Proposal
from swebot.mutate.source import Site
from swebot.mutate.syntax import negated, replacement

_NOT = m.UnaryOperation(operator=m.Not())
# A returned value reads as a condition when it is a comparison or a boolean combination.
_BOOLEAN_VALUE = m.Comparison() | m.BooleanOperation()


def negate_condition(site: Site) -> Iterator[Proposal]:
    node = site.node
    if m.matches(node, _NOT):
        # dropping an existing `not`, wherever it is
        operand = node.expression  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        yield site.replace(node, replacement(operand, node, site.parent))
        return
    if m.matches(node, m.If() | m.While() | m.IfExp() | m.Assert()):
        test = node.test  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    elif m.matches(node, m.Return(value=_BOOLEAN_VALUE)):
        test = node.value  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    else:
        return
    if m.matches(test, _NOT):
        return  # the `not` itself is offered for dropping
    yield site.replace(test, negated(test))


KINDS: tuple[type[cst.CSTNode], ...] = (cst.If, cst.While, cst.IfExp, cst.Assert, cst.Return, cst.UnaryOperation)
