"""Swapping positional call arguments and operands of non-commutative operators."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces, produced

ARGUMENTS = [
    ("x = f(a, b)\n", 1, "x = f(b, a)\n"),
    ("x = f(a,b, c)\n", 1, "x = f(c,b, a)\n"),  # commas and spacing stay in place
    ("x = f(a, b, key=k)\n", 1, "x = f(b, a, key=k)\n"),
    ("x = obj.m(\n    first,\n    second,\n)\n", 1, "x = obj.m(\n    second,\n    first,\n)\n"),
]


@pytest.mark.parametrize("before, line, after", ARGUMENTS)
def test_argument_swap(before: str, line: int, after: str) -> None:
    assert_produces("argument_swap", before, line, after)


@pytest.mark.parametrize(
    "before",
    [
        "x = f(a)\n",  # nothing to swap with
        "x = f(a, key=b)\n",  # keywords are named, not ordered
        "x = f(a, *rest)\n",
        "x = f(a, a)\n",  # swapping equal arguments changes nothing
    ],
)
def test_argument_swap_does_not(before: str) -> None:
    assert_absent("argument_swap", before, 1)


def test_argument_swap_pairs() -> None:
    sources = {m.source for m in produced("argument_swap", "f(a, b, c)\n", 1)}
    assert sources == {"f(b, a, c)\n", "f(c, b, a)\n", "f(a, c, b)\n"}


OPERANDS = [
    ("x = a - b\n", 1, "x = b - a\n"),
    ("x = a / b\n", 1, "x = b / a\n"),
    ("x = a // b\n", 1, "x = b // a\n"),
    ("x = a % b\n", 1, "x = b % a\n"),
    ("x = a ** b\n", 1, "x = b ** a\n"),
    ("x = a << b\n", 1, "x = b << a\n"),
    ("x = a - b - c\n", 1, "x = c - (a - b)\n"),  # the moved operand keeps its grouping
    ("x = a < b\n", 1, "x = b < a\n"),
    ("x = key in table\n", 1, "x = table in key\n"),
]


@pytest.mark.parametrize("before, line, after", OPERANDS)
def test_operand_swap(before: str, line: int, after: str) -> None:
    assert_produces("operand_swap", before, line, after)


@pytest.mark.parametrize(
    "before",
    [
        "x = a + b\n",  # commutative
        "x = a * b\n",
        "x = a == b\n",
        "x = a is b\n",
        "x = a < b < c\n",  # a chain has no single pair of operands
    ],
)
def test_operand_swap_does_not(before: str) -> None:
    assert_absent("operand_swap", before, 1)
