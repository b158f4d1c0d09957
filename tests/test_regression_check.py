"""The regression check: a candidate that passes the test command but breaks tests that passed
before (in the failing tests' files, or elsewhere in the suite) is never reported fixed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from swebot.engines.regressions import FILES, SUITE, RegressionGuard
from swebot.errors import LimitReached
from swebot.sandbox.local import LocalSandbox
from swebot.testing import TestRunner
from swebot.types import Budget
from tests.test_builtin_engine import repair
from tests.test_testing_runner import write_repo

GRADES = '''
    def grade(score):
        """Letter grade: A from 90, B from 80, C from 70, else F."""
        if score > 90:
            return "A"
        if score >= 80:
            return "B"
        if score >= 70:
            return "C"
        return "F"
'''
SIBLINGS = '''
    from grades import grade


    def test_top_marks():
        assert grade(95) == "A"


    def test_eighty_five_is_a_b():
        assert grade(85) == "B"


    def test_seventy_five_is_a_c():
        assert grade(75) == "C"


    def test_low_is_f():
        assert grade(10) == "F"
'''
FAILING = '''
    from grades import grade


    def test_ninety_is_an_a():
        assert grade(90) == "A"
'''
INI = "[pytest]\ntestpaths = tests\npythonpath = .\n"
ONLY_THE_FAILING_TEST = "python -m pytest -q tests/test_grades.py::test_ninety_is_an_a"
# `score <= 90` is the first candidate that makes the failing test pass: it breaks the B, C and F
# tests, and the engine has to move on to `score >= 90`.
RIGHT = "-    if score > 90:\n+    if score >= 90:"


def test_a_candidate_that_breaks_a_sibling_test_in_the_same_file_is_not_reported(make_repo):
    files = {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS, "pytest.ini": INI}
    result, events, _ = repair(make_repo, files, test_command=ONLY_THE_FAILING_TEST)
    assert result.status == "fixed", result.description
    assert RIGHT in result.patch
    check = result.details["regression_check"]
    assert check["rejected"] >= 1
    assert check["scopes"][FILES] == "4 tests"
    assert "tests/test_grades.py::test_low_is_f" in check["broken_examples"]


def test_a_candidate_that_breaks_a_test_elsewhere_in_the_suite_is_not_reported(make_repo):
    files = {"grades.py": GRADES, "tests/test_grades.py": FAILING, "tests/test_more.py": SIBLINGS,
             "pytest.ini": INI}
    result, _, _ = repair(make_repo, files, test_command=ONLY_THE_FAILING_TEST)
    assert result.status == "fixed", result.description
    assert RIGHT in result.patch
    check = result.details["regression_check"]
    assert check["scopes"] == {FILES: "nothing to check beyond the test command's own tests", SUITE: "4 tests"}
    assert check["rejected"] >= 1


def test_a_best_partial_that_breaks_tests_says_so(make_repo):
    # The ranking tries five edits of line 5 (ranked first: the B test passes through it less
    # often than through line 3), `score < 90`, then `score <= 90` (passes the failing test, breaks four).
    files = {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS, "pytest.ini": INI}
    result, _, _ = repair(make_repo, files, budget=Budget(max_candidates=7), test_command=ONLY_THE_FAILING_TEST)
    assert result.status == "not_fixed" and result.limit_hit == "max_candidates"
    assert "`score <= 90`" in result.description and "breaks 4 test(s)" in result.description
    assert len(result.details["best_partial_breaks"]) == 4
    assert set(result.details["best_partial_breaks"]) == set(result.failing_after)


def guard_for(sandbox: LocalSandbox, command: str, failing: list[str]) -> tuple[RegressionGuard, dict[str, str]]:
    runner = TestRunner(sandbox, command)
    report = runner.run()
    originals = {"grades.py": sandbox.read_file("grades.py").decode()}

    def apply(changes):  # type: ignore[no-untyped-def]
        for path, text in changes:
            sandbox.write_file(path, text.encode())

    def restore() -> None:
        apply(originals.items())

    return RegressionGuard(runner, failing, report, apply, restore, timeout=60), originals


BROKEN_ALREADY = '''
    import pathlib

    COUNTER = pathlib.Path(__file__).with_name("runs.txt")


    def test_fails_on_any_code():
        runs = int(COUNTER.read_text()) if COUNTER.exists() else 0
        COUNTER.write_text(str(runs + 1))
        assert False
'''


def test_a_test_that_fails_on_the_unchanged_code_too_is_not_a_regression(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING + BROKEN_ALREADY,
                                    "pytest.ini": INI})
    guard, originals = guard_for(sandbox, ONLY_THE_FAILING_TEST, ["tests/test_grades.py::test_ninety_is_an_a"])
    fixed = originals["grades.py"].replace("score > 90", "score >= 90")
    assert guard.broken([("grades.py", fixed)], 0) == frozenset()
    # The candidate's run of the file, the rerun of the suspect on the unchanged code (it fails
    # there too), the candidate's run of the suite: no baseline run, and no second rerun.
    assert (tmp_path / "tests" / "runs.txt").read_text() == "3"
    assert guard.record.rejected == 0
    assert (tmp_path / "grades.py").read_text() == originals["grades.py"]


def test_a_module_that_no_longer_imports_is_a_regression(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING, "tests/test_more.py": SIBLINGS,
                                    "pytest.ini": INI})
    guard, originals = guard_for(sandbox, ONLY_THE_FAILING_TEST, ["tests/test_grades.py::test_ninety_is_an_a"])
    broken = originals["grades.py"].replace("def grade(score):", "def grade(score):\n    pass\n\nraise ImportError\n\ndef _(score):")
    found = guard.broken([("grades.py", broken)], 0)
    assert any(t.startswith("tests/test_more.py") for t in found), found
    assert guard.record.rejected == 1
    assert (tmp_path / "grades.py").read_text() == originals["grades.py"]


def test_the_check_names_the_broken_tests_and_restores_the_code(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS, "pytest.ini": INI})
    guard, originals = guard_for(sandbox, ONLY_THE_FAILING_TEST, ["tests/test_grades.py::test_ninety_is_an_a"])
    wrong = originals["grades.py"].replace("score > 90", "score <= 90")
    assert guard.broken([("grades.py", wrong)], 0) == {
        "tests/test_grades.py::test_top_marks",
        "tests/test_grades.py::test_eighty_five_is_a_b",
        "tests/test_grades.py::test_seventy_five_is_a_c",
        "tests/test_grades.py::test_low_is_f",
    }
    assert (tmp_path / "grades.py").read_text() == originals["grades.py"]
    assert guard.record.rejected == 1


def test_no_time_left_means_the_scopes_are_not_checked(tmp_path: Path) -> None:
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS, "pytest.ini": INI})
    guard, originals = guard_for(sandbox, ONLY_THE_FAILING_TEST, ["tests/test_grades.py::test_ninety_is_an_a"])
    wrong = originals["grades.py"].replace("score > 90", "score <= 90")
    # The failing tests' files must vet a candidate: without time for them the search ends.
    with pytest.raises(LimitReached):
        guard.broken([("grades.py", wrong)], 0.5)
    assert guard.record.scopes == {FILES: "not checked: the time limit came first"}


def test_the_summary_says_how_deep_the_search_went_and_what_the_check_rejected(make_repo, swebot_cli):
    repo = make_repo({"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS, "pytest.ini": INI})
    result = swebot_cli("fix", str(repo), "--sandbox", "local", "--engine", "builtin", "--test", ONLY_THE_FAILING_TEST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed:" in result.stdout and "+    if score >= 90:" in result.stdout
    assert "ranking:    searched down to suspicious line #" in result.stdout
    assert re.search(r"regressions: [1-9]\d* candidate\(s\) rejected for breaking tests that passed before "
                     r"\(test files: 4 tests", result.stdout), result.stdout


def test_a_suite_that_runs_no_test_on_any_code_says_so_and_rejects_nothing(tmp_path: Path) -> None:
    # tornado's tree holds Python 2 files pytest cannot collect: its whole-suite call stops at
    # collection, with the candidate as on the unchanged code
    sandbox = write_repo(tmp_path, {"grades.py": GRADES, "tests/test_grades.py": FAILING + SIBLINGS,
                                    "tests/test_py2.py": "print 'python 2'\n", "pytest.ini": INI})
    guard, originals = guard_for(sandbox, ONLY_THE_FAILING_TEST, ["tests/test_grades.py::test_ninety_is_an_a"])
    fixed = originals["grades.py"].replace("score > 90", "score >= 90")
    assert guard.broken([("grades.py", fixed)], 0) == frozenset()
    assert guard.record.scopes[FILES] == "4 tests"
    assert guard.record.scopes[SUITE].startswith("no test ran beyond the test command's")
    assert guard.record.rejected == 0
