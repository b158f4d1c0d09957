"""The public contract of swebot.mutate: inputs it tolerates, what every result guarantees, order, speed."""

from __future__ import annotations

import ast
import re
import time

import libcst as cst
import pytest

from swebot.mutate import TEMPLATE_NAMES, Hints, Mutation, mutations_at, normalized
from swebot.mutate.positions import _one_pass, _public
from tests.mutate_tables import code

SAMPLE = code(
    '''
    """A module touching most templates."""
    import math, os

    SEP, LIMIT = "/", 10


    class Account:
        def __init__(self, owner, balance=0):
            self.owner = owner or open(os.devnull).name
            self.balance = balance

        def withdraw(self, amount):
            if amount <= 0 or amount > self.balance:
                raise ValueError("bad amount")
            self.balance -= amount
            return self.balance


    def window(items, start, size):
        """Doc."""
        end = min(start + size, len(items))
        chunk = items[start:end]
        total = 0
        for i in range(len(chunk) - 1):
            if chunk[i] is None:
                continue
            total += chunk[i] * 2
        ok = any(x > LIMIT for x in chunk) and not total
        return sorted(chunk, key=abs) if ok else math.floor(total / size)


    def words(text):
        return re.findall(r"^[\\w.]+", text)


    def pick(ops, name):
        op = lambda a, b: not ops
        if name is None:
            return name
        if isinstance(name, str):
            return opp


    class Store:
        @property
        def path(self):
            return SEP

        def mkdir(self, d):
            try:
                d = self.path() + d
            except KeyError:
                pass
            if d == "tmp":
                self.fs.mkdir(d)
            elif d == "b":
                return d
            if len(self.path) > 0:
                return d
    '''
)
ALL_LINES = range(1, SAMPLE.count("\n") + 2)
# what failing tests could say about SAMPLE: the slice raised, and a message the test expects
SAMPLE_HINTS = Hints(raised={SAMPLE.splitlines().index("    chunk = items[start:end]") + 1: ("IndexError", "TypeError"),
                             SAMPLE.splitlines().index("            d = self.path() + d") + 1: ("TypeError",),
                             SAMPLE.splitlines().index("        if len(self.path) > 0:") + 1: ("TypeError",)},
                     strings=("a bad amount!", "temp"), keywords={"min": ("default=0",)})


@pytest.fixture(scope="module")
def everything() -> list[Mutation]:
    return mutations_at(SAMPLE, ALL_LINES, hints=SAMPLE_HINTS)


@pytest.mark.parametrize(
    "source",
    ["def f(:\n    pass\n", "print 'py2'\n", "x = 1\x00\n", "", "   \n", "if x:\n"],
)
def test_unparsable_or_empty_source_gives_nothing(source: str) -> None:
    assert mutations_at(source, [1, 2]) == []


def test_no_lines_or_lines_outside_the_file_give_nothing() -> None:
    assert mutations_at(SAMPLE, []) == []
    assert mutations_at(SAMPLE, [500, 0, -3]) == []


def test_every_result_parses_differs_and_is_distinct(everything: list[Mutation]) -> None:
    original = normalized(SAMPLE)
    keys = [normalized(m.source) for m in everything]
    assert all(keys), [m.description for m, key in zip(everything, keys) if not key]
    assert original not in keys
    assert len(set(keys)) == len(keys)


def test_every_template_fires_on_the_sample(everything: list[Mutation]) -> None:
    assert {m.template for m in everything} == set(TEMPLATE_NAMES)


def test_results_are_ordered_by_prior_then_line(everything: list[Mutation]) -> None:
    order = [(-m.prior, m.line) for m in everything]
    assert order == sorted(order)
    assert all(0 < m.prior <= 1 for m in everything)


def test_results_stay_on_the_requested_lines() -> None:
    wanted = {13, 22, 24}
    found = mutations_at(SAMPLE, wanted)
    assert found and {m.line for m in found} == wanted
    for mutation in found:
        assert mutation.description.startswith(f"line {mutation.line}: ")
        # the text changes at or after the reported line, never earlier
        first_change = next(
            i for i, (a, b) in enumerate(zip(SAMPLE.splitlines(), mutation.source.splitlines()), 1) if a != b
        )
        assert first_change >= mutation.line


def test_multiline_statement_is_covered_from_any_of_its_lines() -> None:
    source = "total = compute(\n    a,\n    b - c,\n)\n"
    found = mutations_at(source, [3])
    assert "total = compute(\n    a,\n    b + c,\n)\n" in {m.source for m in found}
    assert any(m.template == "argument_swap" and m.line == 1 for m in found)


def test_max_per_line_caps_each_line() -> None:
    found = mutations_at(SAMPLE, [22, 24], max_per_line=3)
    assert sorted(m.line for m in found) == [22, 22, 22, 24, 24, 24]
    assert mutations_at(SAMPLE, [22], max_per_line=0) == []


def test_equivalent_mutants_are_returned_once() -> None:
    # `return a` -> `return b` is both a name replacement and a return replacement
    found = mutations_at("def f(a, b):\n    return a\n", [2])
    assert [m.source for m in found].count("def f(a, b):\n    return b\n") == 1


def test_windows_newlines_are_kept() -> None:
    source = "def f(x):\r\n    y = x[0]\r\n    return y\r\n"
    found = mutations_at(source, [2])
    assert found
    for mutation in found:
        ast.parse(mutation.source)
        assert mutation.source.count("\r\n") == mutation.source.count("\n")
    assert "def f(x):\r\n    if x is None:\r\n        return None\r\n    y = x[0]\r\n    return y\r\n" in {
        m.source for m in found
    }


def test_tab_indented_code_gets_tab_indented_guards() -> None:
    source = "def f(x):\n\treturn x[0]\n"
    assert "def f(x):\n\tif x is None:\n\t\treturn None\n\treturn x[0]\n" in {
        m.source for m in mutations_at(source, [2])
    }


def test_normalized_ignores_comments_formatting_and_docstrings() -> None:
    plain = "def f(a, b):\n    return a + b\n"
    noisy = 'def f(a,b):  # add\n    """Sum."""\n    return (a +\n            b)\n'
    assert normalized(plain) == normalized(noisy) != ""
    assert normalized(plain) != normalized("def f(a, b):\n    return a - b\n")
    assert normalized('"""Module doc."""\nx = 1\n') == normalized("x = 1\n")
    assert normalized("x = 'not a docstring'\n") != normalized("x = 1\n")
    assert normalized("def f(:\n") == ""


def test_template_names_are_stable_and_unique() -> None:
    assert len(set(TEMPLATE_NAMES)) == len(TEMPLATE_NAMES)
    assert {"comparison_operator", "off_by_one", "statement_deletion", "guard"} <= set(TEMPLATE_NAMES)


def test_one_pass_positions_match_libcst_providers() -> None:
    # guards the fast path against libcst internals drifting between releases
    module = cst.parse_module(SAMPLE)
    syntactic, inclusive = _one_pass(module)
    public_syntactic, public_inclusive = _public(module)
    assert dict(syntactic) == dict(public_syntactic)
    assert dict(inclusive) == dict(public_inclusive)


def test_a_few_hundred_lines_take_well_under_a_second() -> None:
    functions = [
        SAMPLE.split("def window", 1)[1].replace("(items, start, size)", f"_{n}(items, start, size)", 1)
        for n in range(12)
    ]
    source = "import math\nLIMIT = 10\n\n" + "\n\ndef window".join(["", *functions])
    lines = source.count("\n")
    assert lines > 150
    wanted = range(5, lines, 4)
    started = time.process_time()
    found = mutations_at(source, wanted)
    spent = time.process_time() - started
    assert len(found) > 300
    assert spent < 2.0, f"{spent:.2f}s CPU for {len(found)} mutants"


def test_an_edit_of_a_condition_continued_over_lines_keeps_their_indentation() -> None:
    # django-17087's shape: the edited condition spans lines inside a method; rendered out of
    # context, its continuation lines lost the method's indentation
    source = code(
        """
        class Serializer:
            def serialize(self):
                if getattr(self.value, "__self__", None) and isinstance(
                    self.value.__self__, type
                ):
                    return 1
                if self.value is None:
                    return 2
        """
    )
    found = mutations_at(source, [3])
    multi_line = [m for m in found if "isinstance(\n" in m.source and m.source != source]
    assert multi_line, [m.description for m in found]
    for mutation in multi_line:  # the argument line one level inside the `if`, the bracket at the `if`'s level
        assert re.search(r"isinstance\(\n {12}\S.*\n {8}\)", mutation.source), mutation.source
