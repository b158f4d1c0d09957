"""Candidates' keys from the top-level statements an edit touches agree with the whole module's
normalized key (swebot.mutate.normalize.EditKeys)."""

from __future__ import annotations

import itertools

from swebot.mutate import Mutator, normalized
from swebot.mutate.normalize import EditKeys

MODULE = '''"""Module doc."""
import os


def first(a, b):
    """Doc."""
    if a > b:  # compare
        return a
    return b


@staticmethod
def second(x):
    return [y * 2 for y in x if y]


class Box:
    size = 3

    def area(self):
        return self.size ** 2
'''


def test_an_edit_that_normalizes_away_keys_as_the_original() -> None:
    keys = EditKeys({"m.py": MODULE})
    assert keys.key("m.py", MODULE) == "="
    for noise in (MODULE.replace("# compare", "# compared"), MODULE.replace('"""Doc."""', '"""Other."""'),
                  MODULE.replace('"""Module doc."""', '"""Changed."""'), MODULE.replace("if a > b:", "if a>b:")):
        assert keys.key("m.py", noise) == "=", noise


def test_edits_key_alike_exactly_when_their_modules_normalize_alike() -> None:
    keys = EditKeys({"m.py": MODULE})
    edits = [MODULE.replace("a > b", "a >= b"), MODULE.replace("a > b", "a>=b"), MODULE.replace("a > b", "a < b"),
             MODULE.replace("y * 2", "y * 3"), MODULE.replace("size = 3", "size = 4"),
             MODULE.replace("@staticmethod\n", ""), MODULE + "\n\nEXTRA = 1\n", MODULE.replace("import os\n", ""),
             MODULE.replace("        return self.size ** 2\n", "        return self.size\n")]
    for a, b in itertools.combinations(edits, 2):
        assert (keys.key("m.py", a) == keys.key("m.py", b)) == (normalized(a) == normalized(b)), (a, b)
    assert all(keys.key("m.py", e) != "=" for e in edits)


def test_a_stretch_that_does_not_parse_or_an_unknown_file_falls_back_to_the_whole_module() -> None:
    keys = EditKeys({"m.py": MODULE, "bad.py": "def f(:\n"})
    broken = MODULE.replace("return b", "return (b")
    assert keys.key("m.py", broken) == normalized(broken) == ""
    assert keys.key("bad.py", "def f():\n    pass\n") == normalized("def f():\n    pass\n")
    assert keys.key("other.py", "x = 1\n") == normalized("x = 1\n")


def test_the_mutator_s_mutants_key_as_normalized_says() -> None:
    mutants = [m.source for m in Mutator(MODULE).at(range(1, 22))]
    assert len(mutants) > 20
    keys = EditKeys({"m.py": MODULE})
    mine = [keys.key("m.py", m) for m in mutants]
    whole = [normalized(m) for m in mutants]
    original = normalized(MODULE)
    assert [k == "=" for k in mine] == [w == original for w in whole]
    for i, j in itertools.combinations(range(len(mutants)), 2):
        assert (mine[i] == mine[j]) == (whole[i] == whole[j]), (mutants[i], mutants[j])
