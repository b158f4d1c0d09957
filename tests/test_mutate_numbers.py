"""Off-by-one and constant replacement."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces, produced

OFF_BY_ONE = [
    # integer literals
    ("x = 5\n", 1, "x = 6\n"),
    ("x = 5\n", 1, "x = 4\n"),
    ("x = 0\n", 1, "x = -1\n"),
    ("x = items[0]\n", 1, "x = items[-1]\n"),
    ("x = items[-1]\n", 1, "x = items[-2]\n"),
    ("x = items[-1]\n", 1, "x = items[0]\n"),
    ("x = 0x10\n", 1, "x = 17\n"),
    # offsets fold instead of stacking (`n - 1` -> `n`, not `n - 1 + 1`)
    ("x = n - 1\n", 1, "x = n\n"),
    ("x = n - 1\n", 1, "x = n - 2\n"),
    ("x = n + 1\n", 1, "x = n + 2\n"),
    ("for i in range(len(xs) - 1):\n    pass\n", 1, "for i in range(len(xs)):\n    pass\n"),
    # bounds: indexes, slice bounds, range() arguments, compared quantities
    ("x = items[i]\n", 1, "x = items[i + 1]\n"),
    ("x = items[i]\n", 1, "x = items[i - 1]\n"),
    ("x = items[lo:hi]\n", 1, "x = items[lo:hi + 1]\n"),
    ("x = items[lo:hi]\n", 1, "x = items[lo - 1:hi]\n"),
    ("x = items[:len(items)]\n", 1, "x = items[:len(items) - 1]\n"),
    ("for i in range(n):\n    pass\n", 1, "for i in range(n + 1):\n    pass\n"),
    ("for i in range(start, stop):\n    pass\n", 1, "for i in range(start - 1, stop):\n    pass\n"),
    ("if i < n:\n    pass\n", 1, "if i < n - 1:\n    pass\n"),
    ("if i >= limit:\n    pass\n", 1, "if i + 1 >= limit:\n    pass\n"),
    ("ok = count == size\n", 1, "ok = count == size + 1\n"),
    # the new operand is parenthesized where it needs to be
    ("x = items[a if c else b]\n", 1, "x = items[(a if c else b) + 1]\n"),
    ("if i < a or b:\n    pass\n", 1, "if i < a + 1 or b:\n    pass\n"),
]


@pytest.mark.parametrize("before, line, after", OFF_BY_ONE)
def test_off_by_one(before: str, line: int, after: str) -> None:
    assert_produces("off_by_one", before, line, after)


@pytest.mark.parametrize(
    "before, after",
    [
        ("x = n - 1\n", "x = n - 1 + 1\n"),  # folded instead
        ("x = n - 1\n", "x = n - 0\n"),  # the amount of an offset is not a literal on its own
        ("x = f(a)\n", "x = f(a + 1)\n"),  # an ordinary argument is not a bound
        ("x = a + b\n", "x = a + b + 1\n"),
        ("if x is None:\n    pass\n", "if x is None + 1:\n    pass\n"),
        ("if x == None:\n    pass\n", "if x == None + 1:\n    pass\n"),
        ("x = 'a'\n", None),
    ],
)
def test_off_by_one_does_not(before: str, after: str | None) -> None:
    assert_absent("off_by_one", before, 1, after)


CONSTANTS = [
    ("flag = True\n", 1, "flag = False\n"),
    ("flag = False\n", 1, "flag = True\n"),
    ("f(strict=True)\n", 1, "f(strict=False)\n"),
    ("sep = ', '\n", 1, "sep = ''\n"),
    ('sep = b"-"\n', 1, 'sep = b""\n'),
    ("sep = '-'\n", 1, "sep = None\n"),
    ("xs = [1, 2]\n", 1, "xs = []\n"),
    ("xs = (1, 2)\n", 1, "xs = ()\n"),
    ("xs = {'a': 1}\n", 1, "xs = {}\n"),
    ("xs = {1, 2}\n", 1, "xs = set()\n"),
    ("xs = [1, 2]\n", 1, "xs = None\n"),
]


@pytest.mark.parametrize("before, line, after", CONSTANTS)
def test_constant_replacement(before: str, line: int, after: str) -> None:
    assert_produces("constant_replacement", before, line, after)


@pytest.mark.parametrize(
    "before, line, after",
    [
        ('def f():\n    """Doc."""\n', 2, None),  # docstrings are not data
        ("a, b = pair\n", 1, "() = pair\n"),  # assignment targets are structure
        ("x = d['key']\n", 1, "x = d['']\n"),  # keys used for lookup stay
        ("sep = ''\n", 1, "sep = ''\n"),
        ("x = None\n", 1, None),
        ("f(strict=True)\n", 1, "f(strict=None)\n"),  # a flag's other value is False, not a falsy None
    ],
)
def test_constant_replacement_does_not(before: str, line: int, after: str | None) -> None:
    assert_absent("constant_replacement", before, line, after)


def test_zero_and_one_swap_through_off_by_one() -> None:
    assert "x = 1\n" in {m.source for m in produced("off_by_one", "x = 0\n", 1)}
    assert "x = 0\n" in {m.source for m in produced("off_by_one", "x = 1\n", 1)}
