"""Operator replacement: comparisons, arithmetic/bitwise, augmented assignment, and/or."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces, produced

COMPARISONS = [
    ("x = a < b\n", 1, "x = a <= b\n"),
    ("x = a < b\n", 1, "x = a >= b\n"),
    ("x = a<=b\n", 1, "x = a<b\n"),
    ("x = a == b\n", 1, "x = a != b\n"),
    ("x = a is None\n", 1, "x = a is not None\n"),
    ("x = a is not b\n", 1, "x = a is b\n"),
    ("x = a in b\n", 1, "x = a not in b\n"),
    ("x = a not in b\n", 1, "x = a in b\n"),
    ("x = a==None\n", 1, "x = a is None\n"),  # word operators get spaces
    ("x = 0 < a < n\n", 1, "x = 0 < a <= n\n"),  # each link of a chain
    ("x = 0 < a < n\n", 1, "x = 0 <= a < n\n"),
    ("if (a >\n        b):\n    pass\n", 1, "if (a >=\n        b):\n    pass\n"),
    ("def f(a, b):\n    return a > b  # why\n", 2, "def f(a, b):\n    return a >= b  # why\n"),
]


@pytest.mark.parametrize("before, line, after", COMPARISONS)
def test_comparison_operator(before: str, line: int, after: str) -> None:
    assert_produces("comparison_operator", before, line, after)


def test_comparison_alternatives_are_the_five_others() -> None:
    sources = {m.source for m in produced("comparison_operator", "x = a < b\n", 1)}
    assert sources == {f"x = a {op} b\n" for op in ("<=", ">", ">=", "==", "!=")}


@pytest.mark.parametrize(
    "before, after",
    [
        ("x = a == b\n", "x = a is b\n"),  # identity only against singletons
        ("x = a in b\n", "x = a < b\n"),  # membership stays membership
        ("x = a is b\n", "x = a < b\n"),
    ],
)
def test_comparison_operator_does_not(before: str, after: str) -> None:
    assert_absent("comparison_operator", before, 1, after)


BINARY = [
    ("x = a + b\n", 1, "x = a - b\n"),
    ("x = a - b\n", 1, "x = a + b\n"),
    ("x = a * b\n", 1, "x = a / b\n"),
    ("x = a * b\n", 1, "x = a // b\n"),
    ("x = a / b\n", 1, "x = a // b\n"),
    ("x = a // b\n", 1, "x = a / b\n"),
    ("x = a % b\n", 1, "x = a // b\n"),
    ("x = a ** b\n", 1, "x = a * b\n"),
    ("x = a & b\n", 1, "x = a | b\n"),
    ("x = a | b\n", 1, "x = a ^ b\n"),
    ("x = a << b\n", 1, "x = a >> b\n"),
    ("x = a >> 2\n", 1, "x = a << 2\n"),
    # a new operator with another precedence keeps the tree's meaning through parentheses
    ("x = a * b ** c\n", 1, "x = a * (b * c)\n"),
    ("x = a | b & c\n", 1, "x = a | (b | c)\n"),
    ("x = a & b | c\n", 1, "x = a & b ^ c\n"),
    ("x = a & b == c\n", 1, "x = a | b == c\n"),
    ("x = a ** -b\n", 1, "x = a * -b\n"),
]


@pytest.mark.parametrize("before, line, after", BINARY)
def test_binary_operator(before: str, line: int, after: str) -> None:
    assert_produces("binary_operator", before, line, after)


@pytest.mark.parametrize(
    "before, after",
    [
        ("x = a + b\n", "x = a * b\n"),  # only plausible neighbours
        ("x = a * b\n", "x = a + b\n"),
        ("x = a | b\n", "x = a >> b\n"),
    ],
)
def test_binary_operator_does_not(before: str, after: str) -> None:
    assert_absent("binary_operator", before, 1, after)


AUGMENTED = [
    ("total += x\n", 1, "total -= x\n"),
    ("total -= x\n", 1, "total += x\n"),
    ("total *= x\n", 1, "total /= x\n"),
    ("total //= x\n", 1, "total /= x\n"),
    ("flags |= bit\n", 1, "flags &= bit\n"),
    ("n <<= 1\n", 1, "n >>= 1\n"),
]


@pytest.mark.parametrize("before, line, after", AUGMENTED)
def test_augmented_assignment(before: str, line: int, after: str) -> None:
    assert_produces("augmented_assignment", before, line, after)


BOOLEAN = [
    ("x = a and b\n", 1, "x = a or b\n"),
    ("x = a or b\n", 1, "x = a and b\n"),
    ("if a and not b:\n    pass\n", 1, "if a or not b:\n    pass\n"),
    # `a or b and c` is `a or (b and c)`; turning the `or` into `and` must keep that grouping
    ("x = a or b and c\n", 1, "x = a and (b and c)\n"),
    ("x = a and b or c\n", 1, "x = a and b and c\n"),
]


@pytest.mark.parametrize("before, line, after", BOOLEAN)
def test_boolean_operator(before: str, line: int, after: str) -> None:
    assert_produces("boolean_operator", before, line, after)


def test_operators_only_on_requested_lines() -> None:
    source = "x = a + b\ny = c + d\n"
    assert {m.line for m in produced("binary_operator", source, 2)} == {2}
