"""Self-verification and best-patch tracking with a scripted test runner (a fake at the seam),
and the SBFL ``localize`` tool over a scripted coverage map."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from swebot.agent.context import sbfl_localizer
from swebot.agent.files import Files
from swebot.agent.verify import Verifier, format_report
from swebot.sandbox.local import LocalSandbox
from swebot import types as T


def report(*, passed: Sequence[str] = (), failed: Sequence[str] = ()) -> T.TestReport:
    cases = [T.TestCase(n, "passed") for n in passed]
    cases += [T.TestCase(n, "failed", message=f"AssertionError in {n}", traceback="  File x.py, line 3\nAssertionError")
              for n in failed]
    return T.TestReport(cases=tuple(cases), exit_code=1 if failed else 0, duration=0.5)


class ScriptedRunner:
    def __init__(self, reports: list[T.TestReport]) -> None:
        self.reports = reports
        self.selects: list[list[str] | None] = []

    def run(self, select: Sequence[str] | None = None, *, timeout: float | None = None) -> T.TestReport:
        self.selects.append(None if select is None else list(select))
        return self.reports.pop(0)


BASELINE = report(passed=["t::a", "t::b"], failed=["t::bug"])


class Tree:
    """The workspace's current diff, as the test moves it along."""

    def __init__(self, diff: str = "") -> None:
        self.diff = diff

    def __call__(self) -> str:
        return self.diff


def test_failing_tests_run_first_then_the_full_suite() -> None:
    runner = ScriptedRunner([report(failed=["t::bug"]), report(passed=["t::bug"]),
                             report(passed=["t::a", "t::bug"], failed=["t::b"]),
                             report(passed=["t::bug"]), report(passed=["t::a", "t::b", "t::bug"])])
    tree = Tree("patch-1")
    v = Verifier(runner, BASELINE, tree)
    first = v.verify()
    assert not first.accepted and "the originally failing tests still fail" in first.text
    assert runner.selects == [["t::bug"]]  # the full suite is not run while the target fails
    tree.diff = "patch-2"
    second = v.verify()
    assert not second.accepted and "REGRESSIONS (passed before your edits): t::b" in second.text
    assert runner.selects[1:] == [["t::bug"], None]
    tree.diff = "patch-3"
    third = v.verify()
    assert third.accepted and v.final_patch() == ("patch-3", True)


def test_best_patch_is_the_tested_one_with_fewest_failures() -> None:
    runner = ScriptedRunner([report(passed=["t::a"], failed=["t::b", "t::bug"]),  # worse than baseline
                             report(passed=["t::a", "t::b", "t::bug"]),  # all pass
                             report(passed=["t::a", "t::b"], failed=["t::bug"])])  # back to baseline
    tree = Tree("worse")
    v = Verifier(runner, BASELINE, tree)
    assert v.final_patch() == ("worse", False)  # nothing tested yet: the current diff
    for diff in ("worse", "good", "as-bad-as-baseline"):
        tree.diff = diff
        v.run(None)
    tree.diff = "current-untested"
    assert v.final_patch() == ("good", False)  # never submitted, so not verified


def test_empty_diff_is_refused_and_no_test_command_is_unverified() -> None:
    v = Verifier(None, None, lambda: "")
    assert not v.verify().accepted
    v = Verifier(None, None, lambda: "diff")
    verdict = v.verify()
    assert verdict.accepted and "not verified by tests" in verdict.text


def test_format_report_lists_failures_with_tracebacks() -> None:
    text = format_report(report(passed=["t::a"], failed=["t::b"]), baseline=BASELINE)
    assert text.startswith("1 failed, 1 passed (0.5s, exit code 1)")
    assert "REGRESSIONS (passed before your edits): t::b" in text
    assert "FAILED t::b\n  AssertionError in t::b\n  File x.py, line 3\n  AssertionError" in text


def test_localize_ranks_lines_covered_by_failing_tests(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    if a:\n        return a - b\n    return b\n")

    class CoverageRunner:
        calls = 0

        def run_with_coverage(self, select: Sequence[str] | None = None):  # noqa: ANN201
            self.calls += 1
            rep = report(passed=["t::zero"], failed=["t::add"])
            return rep, {"t::add": {"calc.py": frozenset({1, 2, 3})}, "t::zero": {"calc.py": frozenset({1, 2, 4})}}

    runner = CoverageRunner()
    localize = sbfl_localizer(runner, Files(LocalSandbox(tmp_path)))
    text = localize()
    assert text.splitlines()[0] == "most suspicious lines for 1 failing tests (score 0..1):"
    assert text.splitlines()[1].startswith("calc.py:3 score=1.00 in add: return a - b")
    assert localize() == text and runner.calls == 1  # computed once


def test_localize_without_coverage_is_an_observation(tmp_path: Path) -> None:
    from swebot.errors import EnvironmentProblem

    class NoCoverage:
        def run_with_coverage(self, select: Sequence[str] | None = None):  # noqa: ANN201
            raise EnvironmentProblem("coverage.py is not installed in the test environment")

    text = sbfl_localizer(NoCoverage(), Files(LocalSandbox(tmp_path)))()
    assert text == ("localize cannot run here: coverage.py is not installed in the test environment; "
                    "use search and find_symbol")
