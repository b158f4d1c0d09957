"""The regression check a candidate must pass before the builtin engine reports it fixed.

The test command may name only the failing tests (``--test "pytest tests/test_x.py::test_bug"``);
a patch that makes them pass can still break their neighbours, or empty a decorator so a test
passes without running. So a candidate that passes the test command is also run against the
tests around it, in widening scopes:

1. the test files that hold the failing tests;
2. the whole suite (the test command's pytest call without paths), when the time limit allows.

A scope's baseline (which of its tests pass on the unchanged code) is taken the first time a
candidate gets that far, so a search that never finds a candidate pays nothing. A test that
passed at baseline and does not pass with the candidate (failed, errored, skipped, gone) is a
regression, once a rerun on the unchanged code shows it passing again (a flaky test is not).
Tests the test command itself runs are left out: its run already had to pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from swebot.errors import LimitReached
from swebot.testing import TestRunner
from swebot.types import TestReport

Change = tuple[str, str]  # (path relative to the workspace root, whole new file source)
FILES, SUITE = "test files", "suite"
MIN_TIMEOUT = 10.0  # seconds for one scope's run with a candidate, whatever its baseline took


@dataclass
class Scope:
    name: str
    runner: TestRunner
    select: tuple[str, ...] | None  # None: the runner's whole command
    passing: frozenset[str] | None = None  # at baseline, minus the test command's own tests
    seconds: float = 0.0  # how long the baseline run took
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
        self._timeout = timeout  # the most one baseline run may take
        self._covered = {c.nodeid for c in command_report.cases}
        self._stable: set[str] = set()  # regressions confirmed on the unchanged code once
        files = tuple(sorted({nodeid.split("::", 1)[0] for nodeid in failing}))
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
        for scope in self._scopes:
            if not self._ready(scope, deadline):
                continue
            assert scope.passing is not None
            limit = max(MIN_TIMEOUT, 3 * scope.seconds)
            if deadline is not None and deadline - time.monotonic() < limit:
                self._out_of_time(scope)
                continue
            self._apply(changes)
            try:
                report = scope.runner.run(scope.select, timeout=limit)
            finally:
                self._restore()
            broken = self._confirmed(scope, scope.passing - report.passing)
            if broken:
                self.record.rejected += 1
                self.record.broken_examples.extend(sorted(broken)[:2])
                return frozenset(broken)
        return frozenset()

    def _ready(self, scope: Scope, deadline: float | None) -> bool:
        """Take the scope's baseline if not taken yet; False when the scope is not checked."""
        if scope.unusable:
            return False
        if scope.passing is not None:
            return True
        limit = self._timeout
        if deadline is not None:
            limit = min(limit, (deadline - time.monotonic()) / 2)
        if limit <= 1:  # and later candidates have even less time
            self._out_of_time(scope)
            scope.unusable = self.record.scopes[scope.name]
            return False
        started = time.monotonic()
        report = scope.runner.run(scope.select, timeout=limit)
        self._take(scope, report, time.monotonic() - started, limit)
        return not scope.unusable

    def _out_of_time(self, scope: Scope) -> None:
        """The failing tests' own files must be checked: a candidate they could not vet is not
        reported fixed (the search ends at its time limit). The suite is checked as time allows."""
        self.record.scopes[scope.name] = "not checked: the time limit came first"
        if scope.name == FILES:
            raise LimitReached("time_limit")

    def seed_files(self, report: TestReport, seconds: float) -> None:
        """Use ``report``, a run of the failing tests' files on the unchanged code made for
        another purpose, as that scope's baseline."""
        scope = self._scopes[0]
        if scope.passing is None and not scope.unusable:
            self._take(scope, report, seconds, self._timeout)

    def _take(self, scope: Scope, report: TestReport, seconds: float, limit: float) -> None:
        scope.seconds = seconds
        if report.timed_out:
            scope.unusable = f"not checked: its baseline run took over {limit:.0f}s"
        else:
            scope.passing = report.passing - self._covered
            if not scope.passing:
                scope.unusable = "nothing to check beyond the test command's own tests"
            else:
                self._covered |= scope.passing  # a wider scope need not recheck them
        self.record.scopes[scope.name] = scope.unusable or f"{len(scope.passing or ())} tests"

    def _confirmed(self, scope: Scope, suspects: frozenset[str]) -> set[str]:
        """The suspects that pass again on the unchanged code (the others are flaky or depend on
        test order, and leave the scope's baseline)."""
        unknown = sorted(suspects - self._stable)
        if unknown:
            again = scope.runner.run(unknown, timeout=max(MIN_TIMEOUT, 3 * scope.seconds))
            self._stable |= again.passing
            flaky = set(unknown) - again.passing
            if flaky and scope.passing is not None:
                scope.passing = scope.passing - flaky
        return {t for t in suspects if t in self._stable}
