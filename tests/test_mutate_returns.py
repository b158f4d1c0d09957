"""Return replacement: None, another returned value, a local, a parameter."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces

FUNCTION = """
def pick(items, default):
    best = max(items)
    if not items:
        return default
    return best * 2
"""

RETURNS = [
    (FUNCTION, 5, FUNCTION.replace("return best * 2", "return None")),
    (FUNCTION, 5, FUNCTION.replace("return best * 2", "return default")),  # another returned value / parameter
    (FUNCTION, 5, FUNCTION.replace("return best * 2", "return best")),  # a local
    (FUNCTION, 5, FUNCTION.replace("return best * 2", "return items")),  # a parameter
    (FUNCTION, 4, FUNCTION.replace("return default", "return best * 2")),
    ("def f(a, b):\n    return a, b\n", 2, "def f(a, b):\n    return a\n"),
]


@pytest.mark.parametrize("before, line, after", RETURNS)
def test_return_replacement(before: str, line: int, after: str) -> None:
    assert_produces("return_replacement", before, line, after)


@pytest.mark.parametrize(
    "before, line",
    [
        ("def f():\n    return\n", 2),  # nothing returned, nothing to replace
        ("def f(self):\n    return None\n", 2),  # the receiver is not a return value
    ],
)
def test_return_replacement_does_not(before: str, line: int) -> None:
    assert_absent("return_replacement", before, line)
