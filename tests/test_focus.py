"""Ranking for big suites: the failing test's own calls first, and the failing tests' files run once
with coverage when the test command names only the failing tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from swebot.engines.focus import CALL_BOOST, focus_ranking, widen_spectrum
from swebot.localize.own_calls import called_names, called_spans
from swebot.localize.sbfl import SuspiciousLine, boost_lines, rank_lines
from swebot.testing import TestRunner
from swebot.testing.selection import files_of
from swebot.types import TestCase, TestReport
from tests.test_testing_runner import write_repo

TEST_MODULE = '''
import pytest
from shop import Cart, total


def check(cart):
    assert render(cart) == "ok"


class TestCart:
    @pytest.mark.parametrize("n", [1, 2])
    def test_total(self, n):
        cart = Cart()
        cart.add_item("x", n)
        assert total(cart.items) == len(cart.items)
        check(cart)

    def test_other(self):
        assert other() == 1
'''


def test_the_names_a_test_calls_include_those_its_own_helpers_call() -> None:
    names = called_names(TEST_MODULE, "tests/test_shop.py::TestCart::test_total[2]")
    assert names == {"Cart", "add_item", "total", "render"}  # not its decorators', nor builtins
    assert "check" not in names and "len" not in names and "other" not in names
    assert called_names(TEST_MODULE, "tests/test_shop.py::test_missing") == frozenset()
    assert called_names("def broken(:\n", "t.py::test_x") == frozenset()


def test_called_spans_are_functions_methods_and_constructors_of_those_names() -> None:
    source = "class Cart:\n    def __init__(self):\n        self.items = []\n\n    def add_item(self, x, n):\n" \
             "        self.items.append(x)\n\n\ndef total(items):\n    return 0\n\n\ndef unrelated():\n    pass\n"
    assert sorted(called_spans(source, frozenset({"Cart", "add_item", "total"}))) == [(2, 3), (5, 6), (9, 10)]
    assert called_spans(source, frozenset()) == []


SHOP = {
    "shop.py": '''\
        def _normalize(items):
            cleaned = [i for i in items]
            return cleaned


        def count(items):
            items = _normalize(items)
            return len(items) - 1
        ''',
    "tests/test_shop.py": '''\
        from shop import count


        def test_count():
            assert count([1, 2]) == 2
        ''',
    "tests/test_other.py": '''\
        from shop import _normalize


        def test_normalize():
            assert _normalize([1]) == [1]
        ''',
    "pytest.ini": "[pytest]\npythonpath = .\n",
}


def test_lines_of_the_called_function_rank_above_the_machinery_around_it(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, SHOP)
    report, coverage = TestRunner(sandbox, "python -m pytest tests/test_shop.py").run_with_coverage()
    failing = sorted(report.failing)
    plain = rank_lines(coverage, failing, report.passing)
    assert plain[0].line == 2  # every line ties at 1.0 (no passing test): file order decides
    focused, called = focus_ranking(sandbox, plain, failing)
    assert called == 2
    assert [s.line for s in focused[:2]] == [7, 8]
    assert focused[0].score == plain[0].score + CALL_BOOST


def test_the_failing_tests_files_give_the_ranking_its_passing_tests(tmp_path: Path) -> None:
    files = dict(SHOP)
    files["tests/test_shop.py"] = textwrap.dedent(SHOP["tests/test_shop.py"]) + textwrap.dedent('''

        def test_normalize_keeps_items():
            from shop import _normalize
            assert _normalize([3]) == [3]
        ''')
    sandbox = write_repo(tmp_path, files)
    runner = TestRunner(sandbox, "python -m pytest tests/test_shop.py::test_count")
    report, coverage = runner.run_with_coverage()
    failing = sorted(report.failing)
    wider = widen_spectrum(runner, report, coverage, failing, 60)
    assert wider.passing == {"tests/test_shop.py::test_normalize_keeps_items"}
    assert wider.files_report is not None and "tests/test_other.py::test_normalize" not in wider.coverage
    ranked = rank_lines(wider.coverage, failing, wider.passing)
    assert {s.line for s in ranked if s.score == 1.0} == {7, 8}  # _normalize's lines are shared now
    # A baseline that already ran the files' passing tests is used as it is.
    full = TestRunner(sandbox, "python -m pytest tests/test_shop.py")
    report2, coverage2 = full.run_with_coverage()
    again = widen_spectrum(full, report2, coverage2, failing, 60)
    assert again.files_report is None and again.passing == report2.passing


class RecordingRunner:
    """A test runner that only records the selections it is asked to run."""

    def __init__(self) -> None:
        self.selections: list[list[str]] = []

    def run_with_coverage(self, select: list[str], *, timeout: float) -> tuple[TestReport, dict]:
        self.selections.append(list(select))
        return TestReport(cases=(), exit_code=5), {}


@pytest.mark.parametrize("failing, passing", [
    ("test_empty (utils_tests.test_numberformat.TestNumberFormat)",
     "test_format_number (utils_tests.test_numberformat.TestNumberFormat)"),  # Django's runtests.py
    ("test_immutable", "test_structure"),  # SymPy's bin/test
])
def test_log_runner_ids_name_no_file_so_the_baseline_is_not_run_again(failing: str, passing: str) -> None:
    # The log runner ran the labels its command names, siblings included; re-running the failing
    # tests "by file" had cost SWE-bench runs up to a minute of a 150 s limit, for nothing.
    report = TestReport(cases=(TestCase(failing, "failed"), TestCase(passing, "passed")), exit_code=1)
    coverage = {failing: {"m.py": frozenset({1})}, passing: {"m.py": frozenset({1, 2})}}
    runner = RecordingRunner()
    wider = widen_spectrum(runner, report, coverage, [failing], 60)  # type: ignore[arg-type]
    assert runner.selections == []
    assert wider.passing == {passing} and wider.files_report is None and wider.coverage == coverage
    assert files_of([failing]) == ()


def test_pytest_ids_and_file_ids_name_their_files() -> None:
    assert files_of(["tests/test_a.py::T::test_x[1]", "tests/test_b.py", "tests/test_a.py::test_y"]) == (
        "tests/test_a.py", "tests/test_b.py")


def test_boost_keeps_the_order_of_ties() -> None:
    ranking = [SuspiciousLine("a.py", 1, 1.0), SuspiciousLine("a.py", 2, 1.0), SuspiciousLine("b.py", 1, 0.5)]
    assert [s.line for s in boost_lines(ranking, {("a.py", 2)}, 0.1)] == [2, 1, 1]
    assert boost_lines(ranking, set(), 0.1) == ranking
