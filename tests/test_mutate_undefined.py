"""A name bound nowhere in its module is replaced by the closest spellings of bound names."""

from __future__ import annotations

import pytest

from swebot.mutate.undefined import module_bindings
from tests.mutate_tables import assert_absent, assert_produces, produced

# sympy-13480's shape: the local just bound, misspelled in the next line
PEELED = """
from sympy.core import S


def coth_eval(x, m):
    if m:
        cothm = coth(m)
        if cotm is S.ComplexInfinity:
            return coth(x)
    return None


def coth(v):
    return v
"""


def test_a_misspelled_local_gets_the_local_it_misspells() -> None:
    assert_produces("misspelled_name", PEELED, 7, PEELED.replace("if cotm is", "if cothm is"))


def test_the_functions_own_names_come_before_equally_close_module_names() -> None:
    found = [m.source for m in produced("misspelled_name", PEELED, 7)]
    assert found, "no spelling offered"
    assert "if cothm is" in found[0]
    assert all("cotm" not in source for source in found)


@pytest.mark.parametrize(
    "source, line",
    [
        # bound somewhere in the module (a later global, a parameter elsewhere, an import): not undefined
        ("def f():\n    return helpr()\n\ndef helpr():\n    return 1\n", 2),
        ("import os\n\ndef f():\n    return os.sep\n", 4),
        # builtins and module dunders
        ("def f(xs):\n    return len(xs)\n", 2),
        ("def f():\n    return __file__\n", 2),
        # a star import or globals() can bind any name: nothing is known to be undefined
        ("from os.path import *\n\ndef f(p):\n    return jion(p)\n", 4),
        ("globals()['value'] = 1\n\ndef f():\n    return valeu\n", 4),
        # no close spelling: nothing offered rather than a random name
        ("def f(alpha):\n    return zzz\n", 2),
    ],
)
def test_nothing_is_offered_where_the_name_may_be_defined_or_nothing_is_close(source: str, line: int) -> None:
    assert [m.description for m in produced("misspelled_name", source, line)] == []


def test_a_misspelled_builtin_gets_the_builtin() -> None:
    offered = [m.description for m in produced("misspelled_name", "def f(xs):\n    return lenn(xs)\n", 2)]
    assert offered == ["line 2: `lenn` -> `len`"]


def test_a_bound_name_being_assigned_is_not_replaced() -> None:
    assert_absent("misspelled_name", "def f():\n    valu = 1\n    return valu\n", 2)


def test_module_bindings_sees_every_scope_and_gives_up_on_star_imports() -> None:
    bound = module_bindings("import a.b as c, d.e\nfrom f import g\nclass K:\n    def m(self, p, *q, **r):\n"
                            "        for i in q:\n            pass\n        try:\n            pass\n"
                            "        except E as err:\n            pass\n        [w for w in p]\n")
    assert bound is not None
    assert {"c", "d", "g", "K", "m", "self", "p", "q", "r", "i", "err", "w"} <= set(bound)
    assert module_bindings("from x import *\n") is None
    assert module_bindings("def f(:\n") is None
