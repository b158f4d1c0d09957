"""Sibling builtins and methods, the sort flag, and a call replaced by one of its arguments."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces

SIBLINGS = [
    ("ok = any(checks)\n", 1, "ok = all(checks)\n"),
    ("ok = all(checks)\n", 1, "ok = any(checks)\n"),
    ("x = min(a, b)\n", 1, "x = max(a, b)\n"),
    ("x = max(values, key=len)\n", 1, "x = min(values, key=len)\n"),
    ("x = math.floor(v)\n", 1, "x = math.ceil(v)\n"),
    ("x = int(v)\n", 1, "x = round(v)\n"),
    ("ok = name.startswith(p)\n", 1, "ok = name.endswith(p)\n"),
    ("x = s.strip()\n", 1, "x = s.rstrip()\n"),
    ("i = s.find(c)\n", 1, "i = s.rfind(c)\n"),
    ("out.append(part)\n", 1, "out.extend(part)\n"),
    ("for k in d.keys():\n    pass\n", 1, "for k in d.items():\n    pass\n"),
    # the sort order flag: added, or flipped
    ("xs = sorted(ys)\n", 1, "xs = sorted(ys, reverse=True)\n"),
    ("xs = sorted(ys, key=f)\n", 1, "xs = sorted(ys, key=f, reverse=True)\n"),
    ("xs = sorted(ys, reverse=True)\n", 1, "xs = sorted(ys, reverse=False)\n"),
    ("ys.sort()\n", 1, "ys.sort(reverse=True)\n"),
    ("xs = sorted(\n    ys,\n)\n", 1, "xs = sorted(\n    ys, reverse=True,\n)\n"),
]


@pytest.mark.parametrize("before, line, after", SIBLINGS)
def test_sibling_builtin(before: str, line: int, after: str) -> None:
    assert_produces("sibling_builtin", before, line, after)


@pytest.mark.parametrize(
    "before",
    [
        "x = len(a)\n",  # no sibling
        "x = sorted(ys, reverse=flag)\n",  # an unknown flag value is left alone
        "x = obj.method(a)\n",
    ],
)
def test_sibling_builtin_does_not(before: str) -> None:
    assert_absent("sibling_builtin", before, 1)


CALLS = [
    ("x = str(value)\n", 1, "x = value\n"),
    ("x = f(a, b)\n", 1, "x = b\n"),
    ("x = abs(a - b) * 2\n", 1, "x = (a - b) * 2\n"),  # the argument keeps its grouping
    ("x = float(a if c else b) + 1\n", 1, "x = (a if c else b) + 1\n"),
    ("x = sum(v for v in vs)\n", 1, "x = (v for v in vs)\n"),
    ("x = wrap(item).name\n", 1, "x = item.name\n"),
]


@pytest.mark.parametrize("before, line, after", CALLS)
def test_call_to_argument(before: str, line: int, after: str) -> None:
    assert_produces("call_to_argument", before, line, after)


@pytest.mark.parametrize(
    "before",
    [
        "print(x)\n",  # a call made for its effect: its argument alone does nothing
        "x = f()\n",
        "x = f(key=v)\n",
        "x = f(*args)\n",
    ],
)
def test_call_to_argument_does_not(before: str) -> None:
    assert_absent("call_to_argument", before, 1)
