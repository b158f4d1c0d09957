"""Building expressions that mean what their tree says: operator precedence, parentheses, offsets.

Edits are spliced into the original text as code, so a new expression must carry the parentheses
Python needs to parse it back into the same tree (``a * (e + 1)``, not ``a * e + 1``).
"""

from __future__ import annotations

from typing import Any, cast

import libcst as cst
import libcst.matchers as m

ATOM = 16
_BINARY = {
    cst.BitOr: 7,
    cst.BitXor: 8,
    cst.BitAnd: 9,
    cst.LeftShift: 10,
    cst.RightShift: 10,
    cst.Add: 11,
    cst.Subtract: 11,
    cst.Multiply: 12,
    cst.Divide: 12,
    cst.FloorDivide: 12,
    cst.Modulo: 12,
    cst.MatrixMultiply: 12,
    cst.Power: 14,
}
_UNARY_ARITHMETIC = 13
_NOT = 5
_COMPARISON = 6


def precedence(expr: cst.CSTNode) -> int:
    """How tightly ``expr`` binds as written (parenthesized means atom)."""
    if getattr(expr, "lpar", None):
        return ATOM
    if isinstance(expr, (cst.NamedExpr, cst.Yield, cst.GeneratorExp)):
        return 0  # a bare generator only stands as the sole argument of a call
    if isinstance(expr, cst.Lambda):
        return 1
    if isinstance(expr, cst.IfExp):
        return 2
    if isinstance(expr, cst.BooleanOperation):
        return 3 if isinstance(expr.operator, cst.Or) else 4
    if isinstance(expr, cst.UnaryOperation):
        return _NOT if isinstance(expr.operator, cst.Not) else _UNARY_ARITHMETIC
    if isinstance(expr, cst.Comparison):
        return _COMPARISON
    if isinstance(expr, cst.BinaryOperation):
        return _BINARY[type(expr.operator)]
    if isinstance(expr, cst.Await):
        return 15
    if isinstance(expr, cst.Tuple):
        return 0  # an unparenthesized tuple only stands alone
    return ATOM


def required(parent: cst.CSTNode | None, child: cst.CSTNode) -> int:
    """The least precedence an unparenthesized ``child`` may have in its slot of ``parent``."""
    if isinstance(parent, cst.BinaryOperation):
        level = _BINARY[type(parent.operator)]
        if isinstance(parent.operator, cst.Power):
            return level + 1 if child is parent.left else _UNARY_ARITHMETIC
        return level if child is parent.left else level + 1
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
        return _COMPARISON + 1
    if isinstance(parent, cst.BooleanOperation):
        level = precedence(parent.with_changes(lpar=(), rpar=()))
        return level if child is parent.left else level + 1
    if isinstance(parent, cst.UnaryOperation):
        return _NOT if isinstance(parent.operator, cst.Not) else _UNARY_ARITHMETIC
    if isinstance(parent, cst.IfExp):
        return 2 if child is parent.orelse else 3
    if isinstance(parent, (cst.Attribute, cst.Subscript, cst.Call)):
        own = {cst.Attribute: "value", cst.Subscript: "value", cst.Call: "func"}[type(parent)]
        return ATOM if child is getattr(parent, own) else 1
    if isinstance(parent, cst.Await):
        return ATOM
    return 1


def parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def fit(expr: cst.BaseExpression, parent: cst.CSTNode | None, slot_owner: cst.CSTNode) -> cst.BaseExpression:
    """``expr`` ready to stand where ``slot_owner`` stands under ``parent``: parenthesized if needed."""
    need = required(parent, slot_owner)
    return parenthesized(expr) if precedence(expr) < need else expr


def fit_operands(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``expr`` with its direct operands parenthesized where its (possibly new) operator needs it."""
    if isinstance(expr, cst.BinaryOperation):
        return expr.with_changes(left=fit(expr.left, expr, expr.left), right=fit(expr.right, expr, expr.right))
    if isinstance(expr, cst.BooleanOperation):
        return expr.with_changes(left=fit(expr.left, expr, expr.left), right=fit(expr.right, expr, expr.right))
    if isinstance(expr, cst.UnaryOperation):
        return expr.with_changes(expression=fit(expr.expression, expr, expr.expression))
    if isinstance(expr, cst.Comparison):
        targets = [t.with_changes(comparator=fit(t.comparator, t, t.comparator)) for t in expr.comparisons]
        return expr.with_changes(left=fit(expr.left, expr, expr.left), comparisons=targets)
    return expr


def replacement(expr: cst.BaseExpression, old: cst.CSTNode, parent: cst.CSTNode | None) -> cst.BaseExpression:
    """``expr`` (new or rebuilt) made safe to put in ``old``'s place under ``parent``."""
    return fit(fit_operands(expr), parent, old)


# -- integers and offsets ------------------------------------------------------------------------


def integer_value(node: cst.CSTNode) -> int | None:
    """The value of an integer literal, a negated one (``-1``) included; None otherwise."""
    if m.matches(node, m.Integer()) and not node.lpar:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return int(node.value, 0)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    if m.matches(node, m.UnaryOperation(operator=m.Minus(), expression=m.Integer())) and not node.lpar:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return -int(node.expression.value, 0)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return None


def integer(value: int) -> cst.BaseExpression:
    literal = cst.Integer(str(abs(value)))
    return literal if value >= 0 else cst.UnaryOperation(operator=cst.Minus(), expression=literal)


def split_offset(expr: cst.CSTNode) -> tuple[cst.BaseExpression, int] | None:
    """``e + k`` / ``e - k`` (k an integer literal, e not one) as ``(e, ±k)``; None for other shapes."""
    if not m.matches(expr, m.BinaryOperation(operator=m.Add() | m.Subtract(), right=m.Integer())):
        return None
    if expr.lpar or integer_value(expr.left) is not None:  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
        return None
    amount = int(expr.right.value, 0)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type
    return expr.left, (amount if m.matches(expr.operator, m.Add()) else -amount)  # type: ignore[attr-defined]  # libcst matchers do not narrow the node type


def with_offset(base: cst.BaseExpression, amount: int) -> cst.BaseExpression:
    """``base + amount`` folded: ``base`` itself for 0, ``base - k`` for negative amounts."""
    if amount == 0:
        return base
    operator: cst.BaseBinaryOp = cst.Add() if amount > 0 else cst.Subtract()
    return fit_operands(cst.BinaryOperation(left=base, operator=operator, right=cst.Integer(str(abs(amount)))))


def negated(expr: cst.BaseExpression) -> cst.BaseExpression:
    """``not expr``, parenthesizing ``expr`` when ``not`` would bind to a part of it."""
    return fit_operands(cst.UnaryOperation(operator=cst.Not(), expression=expr))


_WORD_OPERATORS = (cst.Is, cst.IsNot, cst.In, cst.NotIn, cst.And, cst.Or)


def swap_operator(old: cst.CSTNode, new_kind: type[cst.CSTNode]) -> cst.CSTNode:
    """An operator of ``new_kind`` spaced like ``old`` (word operators get at least one space)."""
    spaced = cast(Any, old)  # every operator class has both fields; CSTNode does not declare them
    before = spaced.whitespace_before
    after = spaced.whitespace_after
    if issubclass(new_kind, _WORD_OPERATORS):
        if isinstance(before, cst.SimpleWhitespace) and not before.value:
            before = cst.SimpleWhitespace(" ")
        if isinstance(after, cst.SimpleWhitespace) and not after.value:
            after = cst.SimpleWhitespace(" ")
    return new_kind(whitespace_before=before, whitespace_after=after)  # type: ignore[call-arg]  # a libcst node class chosen at run time


def symbol(kind: type[cst.CSTNode]) -> str:
    """The source spelling of an operator class, for descriptions."""
    return cst.Module([]).code_for_node(kind()).strip()
