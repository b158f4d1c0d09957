"""Condition negation: `not` added to tests, existing `not` dropped."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces

NEGATIONS = [
    ("if ready:\n    go()\n", 1, "if not ready:\n    go()\n"),
    ("if a < b:\n    go()\n", 1, "if not a < b:\n    go()\n"),
    ("if a or b:\n    go()\n", 1, "if not (a or b):\n    go()\n"),
    ("while queue:\n    queue.pop()\n", 1, "while not queue:\n    queue.pop()\n"),
    ("x = a if ok else b\n", 1, "x = a if not ok else b\n"),
    ("assert x in seen\n", 1, "assert not x in seen\n"),
    ("def f(a, b):\n    return a == b\n", 2, "def f(a, b):\n    return not a == b\n"),
    ("def f(a, b):\n    return a and b\n", 2, "def f(a, b):\n    return not (a and b)\n"),
    ("if a:\n    pass\nelif b > 1:\n    pass\n", 3, "if a:\n    pass\nelif not b > 1:\n    pass\n"),
    # dropping an existing `not`, in a test or anywhere else
    ("if not ready:\n    go()\n", 1, "if ready:\n    go()\n"),
    ("x = not (a or b)\n", 1, "x = (a or b)\n"),
    ("x = not a and b\n", 1, "x = a and b\n"),
]


@pytest.mark.parametrize("before, line, after", NEGATIONS)
def test_negate_condition(before: str, line: int, after: str) -> None:
    assert_produces("negate_condition", before, line, after)


@pytest.mark.parametrize(
    "before, line, after",
    [
        ("if not ready:\n    go()\n", 1, "if not not ready:\n    go()\n"),  # no double negation
        ("def f(a):\n    return a\n", 2, None),  # a plain value is not a condition
        ("x = a < b\n", 1, None),  # an assigned comparison is not a test
        ("if ready:\n    go()\n", 2, None),  # the body line is not the test's line
    ],
)
def test_negate_condition_does_not(before: str, line: int, after: str | None) -> None:
    assert_absent("negate_condition", before, line, after)
