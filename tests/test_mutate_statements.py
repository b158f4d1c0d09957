"""Statement deletion, insertion of a statement from the same function, and guards."""

from __future__ import annotations

import pytest

from tests.mutate_tables import assert_absent, assert_produces, code, produced

BODY = """
def total(items, scale):
    result = 0
    for item in items:
        value = item.price
        result += value
    return result * scale
"""

DELETIONS = [
    (BODY, 5, BODY.replace("        result += value\n", "")),
    (BODY, 2, BODY.replace("    result = 0\n", "")),
    # the only statement of a block becomes `pass`
    ("def f(x):\n    x.close()\n", 2, "def f(x):\n    pass\n"),
    ("if x:\n    y = 1\nelse:\n    y = 2\n", 4, "if x:\n    y = 1\nelse:\n    pass\n"),
    # module-level statements too; a comment above goes with its statement
    ("import os\n# set up\nDEBUG = True\nx = 1\n", 3, "import os\nx = 1\n"),
    # the last line of a file without a final newline
    ("x = 1\ny = 2", 2, "x = 1\n"),
]


@pytest.mark.parametrize("before, line, after", DELETIONS)
def test_statement_deletion(before: str, line: int, after: str) -> None:
    assert_produces("statement_deletion", before, line, after)


@pytest.mark.parametrize(
    "before, line",
    [
        ("def f():\n    pass\n", 2),
        ('def f():\n    """Doc."""\n    return 1\n', 2),
        ("x = 1; y = 2\n", 1),  # the line is the unit: half of it is not deleted
        ("if x:\n    pass\n", 1),  # compound statements are not deleted whole
    ],
)
def test_statement_deletion_does_not(before: str, line: int) -> None:
    assert_absent("statement_deletion", before, line)


INSERTIONS = [
    # before and after the target line, copied from the same function, at the target's indentation
    (BODY, 4, BODY.replace("        value = item.price\n", "        result = 0\n        value = item.price\n")),
    (BODY, 4, BODY.replace("        value = item.price\n", "        value = item.price\n        result = 0\n")),
    (BODY, 2, BODY.replace("    result = 0\n", "    value = item.price\n    result = 0\n")),
    # before a compound statement
    (BODY, 3, BODY.replace("    for item", "    result = 0\n    for item")),
]


@pytest.mark.parametrize("before, line, after", INSERTIONS)
def test_statement_insertion(before: str, line: int, after: str) -> None:
    assert_produces("statement_insertion", before, line, after)


def test_statement_insertion_does_not() -> None:
    # nothing after a return (dead code)
    assert_absent("statement_insertion", BODY, 6, BODY + "    result = 0\n")
    # no `continue` copied out of its loop
    source = "def f(xs):\n    for x in xs:\n        continue\n    y = 1\n"
    assert all("continue\n    y" not in m.source for m in produced("statement_insertion", source, 4))
    # not outside functions, and never the statement next to itself as a no-op
    assert_absent("statement_insertion", "x = 1\ny = 2\n", 2)
    assert_absent("statement_insertion", "def f():\n    pass\n", 2)


def test_statement_insertion_keeps_multiline_statements_only_at_their_own_indent() -> None:
    source = code(
        """
        def f(a):
            call(a,
                 1)
            if a:
                b = 2
        """
    )
    inserted = {m.source for m in produced("statement_insertion", source, 4)}
    assert not any("        call(a," in text for text in inserted)
    assert code(source).replace("    if a:", "    call(a,\n         1)\n    if a:") in inserted


GUARDS = [
    (
        "def first(items):\n    return items[0]\n",
        2,
        "def first(items):\n    if items is None:\n        return None\n    return items[0]\n",
    ),
    (
        "def first(items):\n    return items[0]\n",
        2,
        "def first(items):\n    if not items:\n        return None\n    return items[0]\n",
    ),
    # a literal the function returns elsewhere is a plausible default
    (
        "def size(x):\n    if x == 1:\n        return 0\n    return len(x)\n",
        4,
        "def size(x):\n    if x == 1:\n        return 0\n    if not x:\n        return 0\n    return len(x)\n",
    ),
    # functions returning nothing get a bare return
    (
        "def close(handle):\n    handle.close()\n",
        2,
        "def close(handle):\n    if handle is None:\n        return\n    handle.close()\n",
    ),
    # in a loop, skipping the item
    (
        "def f(rows):\n    for row in rows:\n        print(row.name)\n",
        3,
        "def f(rows):\n    for row in rows:\n        if row is None:\n            continue\n        print(row.name)\n",
    ),
    # before a compound statement, for names in its header
    (
        "def f(node):\n    while node.next:\n        node = node.next\n",
        2,
        "def f(node):\n    if node is None:\n        return\n    while node.next:\n        node = node.next\n",
    ),
]


@pytest.mark.parametrize("before, line, after", GUARDS)
def test_guard(before: str, line: int, after: str) -> None:
    assert_produces("guard", before, line, after)


@pytest.mark.parametrize(
    "before, line",
    [
        ("x = y[0]\n", 1),  # no function to return from
        ("def f(self):\n    return self.x\n", 2),  # the receiver is never None
        ("def f():\n    return len(CONSTANT)\n", 2),  # only locals and parameters
    ],
)
def test_guard_does_not(before: str, line: int) -> None:
    assert_absent("guard", before, line)


def test_guard_continue_only_in_loops() -> None:
    assert all("continue" not in m.source for m in produced("guard", "def f(x):\n    return x.y\n", 2))


def test_statement_insertion_respects_global_declarations() -> None:
    source = "def f():\n    global cache\n    if cache is None:\n        cache = {}\n    return cache\n"
    found = produced("statement_insertion", source, 2) + produced("statement_insertion", source, 3)
    assert found
    for mutation in found:
        compile(mutation.source, "<mutant>", "exec")  # no use of `cache` before its declaration
        assert mutation.source.count("global cache") == 1
