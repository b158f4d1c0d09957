"""Replacing a variable by another of the same scope, an attribute by another of the same object."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces, code, produced

FUNCTION = """
def area(width, height):
    margin = 2
    return width * margin
"""

NAMES = [
    (FUNCTION, 3, FUNCTION.replace("return width *", "return height *")),
    (FUNCTION, 3, FUNCTION.replace("* margin", "* width")),
    (FUNCTION, 3, FUNCTION.replace("return width *", "return margin *")),
    # module level: the module's own variables
    ("lo = 1\nhi = 9\nspan = hi - lo\n", 3, "lo = 1\nhi = 9\nspan = lo - lo\n"),
    # loop and with variables are locals too
    (
        "def f(items, path):\n    for item in items:\n        use(items)\n",
        3,
        "def f(items, path):\n    for item in items:\n        use(item)\n",
    ),
    # the target of an augmented assignment is read too
    ("def f(a, b):\n    a += 1\n", 2, "def f(a, b):\n    b += 1\n"),
]


@pytest.mark.parametrize("before, line, after", NAMES)
def test_name_replacement(before: str, line: int, after: str) -> None:
    assert_produces("name_replacement", before, line, after)


@pytest.mark.parametrize(
    "before, line, after",
    [
        # bound names, labels, receivers, globals and builtins are left alone
        ("def f(a, b):\n    a = b\n", 2, "def f(a, b):\n    b = b\n"),
        ("def f(a, b):\n    c, d = a\n", 2, "def f(a, b):\n    a, d = a\n"),
        ("def f(a, b):\n    g(key=a)\n", 2, "def f(a, b):\n    g(a=a)\n"),
        ("def f(a, b):\n    return a.b\n", 2, "def f(a, b):\n    return a.a\n"),
        ("def f(self, a):\n    return self.x\n", 2, "def f(self, a):\n    return a.x\n"),
        ("def f(self, a):\n    return a\n", 2, "def f(self, a):\n    return self\n"),
        ("def f(a, b):\n    return len(a)\n", 2, "def f(a, b):\n    return a(a)\n"),
        ("def f(a):\n    return [a for z in a]\n", 2, "def f(a):\n    return [a for z in z]\n"),
    ],
)
def test_name_replacement_does_not(before: str, line: int, after: str) -> None:
    assert_absent("name_replacement", before, line, after)


def test_name_candidates_come_from_the_enclosing_function_only() -> None:
    source = """
    def outer(alpha):
        beta = 1

    def inner(gamma, delta):
        print(gamma)
    """
    sources = {m.source for m in produced("name_replacement", source, 5)}
    assert sources == {code(source).replace("print(gamma)", "print(delta)")}


CLASS = """
class Box:
    def __init__(self, width, height):
        self.width = width
        self.height = height

    def area(self):
        return self.width * self.width

    def grow(self):
        self.resize()
        self.width += 1

    def resize(self):
        pass
"""

ATTRIBUTES = [
    # data attributes of the receiver, from anywhere in the class
    (CLASS, 7, CLASS.replace("self.width * self.width", "self.width * self.height")),
    # called attributes stay calls of the class's methods
    (CLASS, 10, CLASS.replace("self.resize()", "self.area()")),
    # attributes seen on the same object in the function
    (
        "def f(p):\n    print(p.x, p.y)\n    return p.x\n",
        3,
        "def f(p):\n    print(p.x, p.y)\n    return p.y\n",
    ),
]


@pytest.mark.parametrize("before, line, after", ATTRIBUTES)
def test_attribute_replacement(before: str, line: int, after: str) -> None:
    assert_produces("attribute_replacement", before, line, after)


@pytest.mark.parametrize(
    "before, line, after",
    [
        (CLASS, 10, CLASS.replace("self.resize()", "self.width()")),  # a data attribute is not a method
        (CLASS, 7, CLASS.replace("return self.width * self.width", "return self.resize * self.width")),
        ("def f(p, q):\n    print(q.z)\n    return p.x\n", 3, "def f(p, q):\n    print(q.z)\n    return p.z\n"),
    ],
)
def test_attribute_replacement_does_not(before: str, line: int, after: str) -> None:
    assert_absent("attribute_replacement", before, line, after)


def test_names_bound_only_later_are_no_candidates() -> None:
    source = "def f(a):\n    b = a + 1\n    c = b * 2\n    return c\n"
    sources = {m.source for m in produced("name_replacement", source, 2)}
    assert sources == set()  # only `a` is readable there, and it is the name itself
    later = {m.source for m in produced("name_replacement", source, 3)}
    assert later == {"def f(a):\n    b = a + 1\n    c = a * 2\n    return c\n"}
