"""The regression check a candidate must pass before the builtin engine reports it fixed.

The test command may name only the failing tests (``--test "pytest tests/test_x.py::test_bug"``);
a patch that makes them pass can still break their neighbours, or empty a decorator so a test
passes without running. So a candidate that passes the test command is also run against the
tests around it, in widening scopes:

1. the test files that hold the failing tests;
2. the whole suite (the test command's pytest call without paths), when the time limit allows.

A candidate's run of a scope comes first, with no baseline run of the scope on the unchanged code:
the tests it does not pass (failed, errored, skipped, or a module that no longer imports) are the
suspects, and only they are run on the unchanged code (once: their outcome there is kept). A
suspect that passes there is run once more, alone, with the candidate: one that fails again is a
regression; one that passes alone failed for the order of the suite, and one that fails on the
unchanged code too is flaky or broken already. So a scope costs one run of the suite per candidate
that gets that far, not two (a baseline of thefuck's suite took 20 of the 24 s its regression check
spent on thefuck-9, then left no time for the candidate's run). Tests the test command itself runs
are left out: its run already had to pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from swebot.errors import LimitReached
from swebot.testing import TestRunner
from swebot.testing.selection import files_of
from swebot.types import TestReport

Change = tuple[str, str]  # (path relative to the workspace root, whole new file source)
FILES, SUITE = "test files", "suite"
MIN_TIMEOUT = 10.0  # seconds for one scope's run with a candidate, whatever its baseline took


@dataclass
class Scope:
    name: str
    runner: TestRunner
    select: tuple[str, ...] | None  # None: the runner's whole command
    passing: frozenset[str] | None = None  # on the unchanged code, when a run was at hand (seed_files)
    seconds: float = 0.0  # the longest run of the scope so far (0: none yet)
    unusable: str = ""  # why the scope is not checked ("" while it is)


@dataclass
class RegressionCheck:
    """What the check did during a search, for the engine's report."""

    scopes: dict[str, str] = field(default_factory=dict)  # scope -> "N tests" or why it was skipped
    rejected: int = 0  # candidates that broke a test
    broken_examples: list[str] = field(default_factory=list)

    def as_details(self) -> dict[str, object]:
        return {"scopes": dict(self.scopes), "rejected": self.rejected,
                "broken_examples": self.broken_examples[:5]}


class RegressionGuard:
    """Runs a candidate's neighbouring tests and names those it breaks.

    ``apply``/``restore`` write a candidate's files into the runner's sandbox and put the
    originals back. ``command_report`` is the baseline run of the test command.
    """

    def __init__(self, runner: TestRunner, failing: Sequence[str], command_report: TestReport,
                 apply: Callable[[Sequence[Change]], None], restore: Callable[[], None],
                 *, timeout: float) -> None:
        self._apply = apply
        self._restore = restore
        self._timeout = timeout  # the most the first run of a scope may take
        self._covered = {c.nodeid for c in command_report.cases}
        self._stable: set[str] = set()  # tests seen passing on the unchanged code
        self._unstable: set[str] = set()  # seen not passing there (broken already, or flaky)
        # Log-runner ids name no file: the command already ran their labels, nothing to add.
        files = files_of(failing)
        # The suite: the test command's own pytest call, minus paths, selections and -x.
        suite_runner = TestRunner(runner.sandbox, runner.select_command, cwd=runner.cwd,
                                  timeout=runner.timeout, select_command=runner.select_command,
                                  reader=runner.reader)
        self._scopes = [Scope(FILES, runner, files), Scope(SUITE, suite_runner, None)]
        self.record = RegressionCheck()

    def broken(self, changes: Sequence[Change], time_left: float) -> frozenset[str]:
        """Tests that pass on the unchanged code and not with ``changes`` (empty: none found in the
        scopes there was time for). ``time_left``: seconds (0: no limit)."""
        deadline = time.monotonic() + time_left if time_left > 0 else None
        vetted: set[str] = set(self._covered)  # passed an earlier scope's run of this candidate
        for scope in self._scopes:
            if scope.unusable:
                continue
            limit = max(MIN_TIMEOUT, 3 * scope.seconds) if scope.seconds else self._timeout
            cut_by_deadline = False
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 1:
                    self._out_of_time(scope)
                    continue
                cut_by_deadline = left < limit
                limit = min(limit, left)
            report, seconds = self._run(scope, changes, scope.select, limit)
            if report.timed_out:
                if cut_by_deadline:
                    self._out_of_time(scope)
                else:
                    scope.unusable = f"not checked: a run took over {limit:.0f}s"
                    self.record.scopes[scope.name] = scope.unusable
                continue
            scope.seconds = max(scope.seconds, seconds)
            ran = {c.nodeid for c in report.cases} - vetted
            broken = self._regressions(scope, changes, self._suspects(scope, report) - vetted, limit)
            vetted |= report.passing
            if ran:
                self.record.scopes[scope.name] = f"{len(ran)} tests"
            elif report.exit_code == 0:  # the scope holds the test command's tests and no others
                scope.unusable = "nothing to check beyond the test command's own tests"
                self.record.scopes[scope.name] = scope.unusable
            else:  # nothing ran (tornado-14's whole-suite pytest call: no test, exit code 1)
                self.record.scopes[scope.name] = f"no test ran beyond the test command's (exit code {report.exit_code})"
                if scope.passing is not None and not scope.passing - self._covered:
                    scope.unusable = self.record.scopes[scope.name]  # nor on the unchanged code: not again
            if broken:
                self.record.rejected += 1
                self.record.broken_examples.extend(sorted(broken)[:2])
                return frozenset(broken)
        return frozenset()

    def _run(self, scope: Scope, changes: Sequence[Change], select: Sequence[str] | None,
             limit: float) -> tuple[TestReport, float]:
        """A run of ``select`` (None: the scope) with ``changes`` written (none: the unchanged code)."""
        started = time.monotonic()
        if changes:
            self._apply(changes)
        try:
            report = scope.runner.run(select, timeout=limit)
        finally:
            if changes:
                self._restore()
        return report, time.monotonic() - started

    def _suspects(self, scope: Scope, report: TestReport) -> set[str]:
        """What the candidate's run did not pass: tests, modules that no longer collect, and, when
        the unchanged code's outcomes are known, tests gone from the run."""
        suspects = {c.nodeid for c in report.cases if c.outcome != "passed"} | set(report.collection_errors)
        if scope.passing is None and not report.cases and report.exit_code not in (0, 5):
            # Nothing ran and nothing says why (a broken conftest, an internal error): what the
            # scope passes on the unchanged code is what the candidate lost.
            baseline, _ = self._run(scope, (), scope.select, self._timeout)
            scope.passing = baseline.passing if not baseline.timed_out else frozenset()
        if scope.passing is not None:
            suspects |= scope.passing - {c.nodeid for c in report.cases}
        return suspects - self._covered

    def _regressions(self, scope: Scope, changes: Sequence[Change], suspects: set[str],
                     limit: float) -> set[str]:
        """The suspects that pass on the unchanged code and fail again alone with the candidate."""
        unknown = sorted(suspects - self._stable - self._unstable)
        if unknown:
            again, _ = self._run(scope, (), unknown, limit)
            passing = {u for u in unknown if _passes(u, again)}
            self._stable |= passing
            self._unstable |= set(unknown) - passing
        confirmed = sorted(suspects & self._stable)
        if not confirmed:
            return set()
        alone, _ = self._run(scope, changes, confirmed, limit)
        return {t for t in confirmed if not _passes(t, alone)}

    def _out_of_time(self, scope: Scope) -> None:
        """The failing tests' own files must be checked: a candidate they could not vet is not
        reported fixed (the search ends at its time limit). The suite is checked as time allows."""
        self.record.scopes[scope.name] = "not checked: the time limit came first"
        if scope.name == FILES:
            raise LimitReached("time_limit")

    def seed_files(self, report: TestReport, seconds: float) -> None:
        """Use ``report``, a run of the failing tests' files on the unchanged code made for
        another purpose: its outcomes need no rerun, and it says how long the scope takes."""
        scope = self._scopes[0]
        if report.timed_out or scope.unusable:
            return
        scope.passing, scope.seconds = report.passing, seconds
        self._stable |= report.passing
        self._unstable |= {c.nodeid for c in report.cases if c.outcome != "passed"}
        if not report.passing - self._covered:
            scope.unusable = "nothing to check beyond the test command's own tests"
            self.record.scopes[scope.name] = scope.unusable


def _passes(nodeid: str, report: TestReport) -> bool:
    """Whether ``nodeid`` (a test, or a module that failed to collect) passed in ``report``."""
    if nodeid in report.passing:
        return True
    return "::" not in nodeid and nodeid not in report.collection_errors and \
        any(p.startswith(nodeid + "::") for p in report.passing) and \
        not any(f.startswith(nodeid + "::") for f in report.failing)
