"""The QuixBugs bench's "correct": AST-equal to the correct program, bare string statements aside."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "swebot_bench_quixbugs_run", Path(__file__).resolve().parent.parent / "bench" / "quixbugs" / "run.py")
assert _spec is not None and _spec.loader is not None
quixbugs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quixbugs)

CORRECT = '''
def gcd(a, b):
    if b == 0:
        return a
    else:
        return gcd(b, a % b)
'''


def test_docstrings_and_string_statements_do_not_count():
    patched = '''
def gcd(a, b):
    """Greatest common divisor."""
    if b == 0:
        return a
    else:
        """
        the buggy line was here
        """
        return gcd(b, a % b)

"""
Input: two integers
"""
'''
    assert quixbugs.without_strings(patched) == quixbugs.without_strings(CORRECT)


def test_a_code_difference_still_counts():
    wrong = CORRECT.replace("gcd(b, a % b)", "gcd(a % b, b)")
    assert quixbugs.without_strings(wrong) != quixbugs.without_strings(CORRECT)


def test_a_string_used_as_a_value_counts():
    named = CORRECT.replace("return a\n", "return 'a'\n")
    assert quixbugs.without_strings(named) != quixbugs.without_strings(CORRECT)


def test_a_block_of_only_a_string_is_a_pass():
    assert quixbugs.without_strings('def f():\n    "doc"\n') == quixbugs.without_strings("def f():\n    pass\n")
