"""Validating the builtin engine's candidates: the quick check through the fork server, then the
real test command for a candidate that passes it.

With a sandbox that can clone itself, candidates are checked in several lanes at once: each lane
is a copy of the workspace with a fork server of its own, and a batch is dealt out across them.
The lanes share nothing but the candidates, so on a machine with several cores the search runs
that many times as many checks.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Mapping, Protocol, Sequence

from swebot.engines.quickcheck import ForkChecker, QuickAnswer
from swebot.engines.regressions import Change, RegressionGuard
from swebot.errors import BadInput, SwebotError
from swebot.testing import TestRunner
from swebot.types import CloneableSandbox, Sandbox, TestReport

MAX_LANES = 4
LANES_VARIABLE = "SWEBOT_LANES"


def default_lanes() -> int:
    """``$SWEBOT_LANES`` when set (a batch with several workers shares the cores out this way),
    else one lane per core, at most MAX_LANES."""
    raw = os.environ.get(LANES_VARIABLE, "").strip()
    if not raw:
        return max(1, min(MAX_LANES, os.cpu_count() or 1))
    if not raw.isdigit() or int(raw) < 1:
        raise BadInput(f"{LANES_VARIABLE}={raw!r} is not a whole number of at least 1")
    return int(raw)


def lanes_per_worker(workers: int) -> int:
    """Lanes for each of ``workers`` processes sharing this machine's cores."""
    return max(1, min(MAX_LANES, (os.cpu_count() or 1) // max(workers, 1)))


class HasChanges(Protocol):
    @property
    def changes(self) -> tuple[Change, ...]: ...


@dataclass
class Verdict:
    fixed: frozenset[str]  # originally failing tests that now pass
    plausible: bool  # every test of the full command passes, and the regression check too
    broken: frozenset[str] = frozenset()  # tests that passed before and not with the candidate


@dataclass
class Lane:
    """One workspace with its test runner and fork server (every lane but the first is a clone)."""

    sandbox: Sandbox
    runner: TestRunner
    fork: ForkChecker


class Validator:
    """Writes candidates into a sandbox, runs the tests, and puts the originals back.

    The quick check (do the originally failing tests pass?) goes through the fork server in
    batches when it calibrated; the full test command runs only for candidates that pass it,
    and the regression check (``guard``) only for those that pass the full command.
    ``lanes`` > 1 asks for that many workspaces checked side by side (opened on first use, when
    the sandbox can clone itself and its fork server works); ``close()`` removes them.
    """

    def __init__(self, sandbox: Sandbox, runner: TestRunner, failing: Sequence[str],
                 originals: dict[str, str], timeout: float, *, batch_size: int = 16, lanes: int = 1,
                 encodings: Mapping[str, str] | None = None, guard: RegressionGuard | None = None) -> None:
        self.sandbox = sandbox
        self.guard = guard
        self.runner = runner
        self.failing = tuple(failing)
        self.originals = originals
        self.encodings = dict(encodings or {})  # path -> declared codec of a file not in UTF-8
        self.timeout = timeout
        self.fork = ForkChecker(runner, self.failing, originals, timeout, self.encodings)
        self.fork.calibrate()
        self.lanes = [Lane(sandbox, runner, self.fork)]
        self.lanes_used = 1  # the most lanes open at once
        self._lanes_wanted = lanes if self.fork.usable and isinstance(sandbox, CloneableSandbox) else 1
        self.batch_size = batch_size * self._lanes_wanted if self.fork.usable else 1

    # -- files -------------------------------------------------------------------------------

    def write(self, changes: Sequence[Change], sandbox: Sandbox | None = None) -> None:
        for path, source in changes:
            (sandbox or self.sandbox).write_file(path, source.encode(self.encodings.get(path, "utf-8")))

    def restore(self, sandbox: Sandbox | None = None) -> None:
        self.write(list(self.originals.items()), sandbox)

    # -- checking ----------------------------------------------------------------------------

    def validate_batch(self, batch: Sequence[HasChanges], time_left: float) -> list[Verdict]:
        """Verdicts for a prefix of ``batch`` (at least one candidate unless time ran out)."""
        if not self.fork.usable:
            return [self.validate(batch[0], time_left)]
        self._open_lanes()
        budget = time_left if time_left > 0 else 3600.0
        answers = self._quick_answers(batch, budget)
        if not self.fork.usable:  # the main server broke down: one process per test run from now on
            self.batch_size = 1
            return [self.validate(batch[0], time_left)]
        verdicts: list[Verdict] = []
        for candidate, (answer, lane) in zip(batch, answers):
            if len(answer.passed) == len(self.failing) and answer.full_ok is not False:
                # The server's word is confirmed by the real test command before it counts.
                verdict = self._full_run(candidate, answer.passed, lane, time_left)
                verdicts.append(verdict)
                if verdict.plausible:
                    break
            else:
                verdicts.append(Verdict(answer.passed, plausible=False, broken=self._newly_failing(answer.full_failed)))
        return verdicts

    def _quick_answers(self, batch: Sequence[HasChanges], budget: float) -> list[tuple[QuickAnswer, Lane]]:
        """Quick answers for a prefix of ``batch``, dealt round-robin across the lanes."""
        lanes = self.lanes
        if len(lanes) == 1:
            return [(a, lanes[0]) for a in self.fork.check([dict(c.changes) for c in batch], budget=budget)]
        shares = [[dict(c.changes) for c in batch[i::len(lanes)]] for i in range(len(lanes))]
        with ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="swebot-lane") as pool:
            results = list(pool.map(lambda lane, share: lane.fork.check(share, budget=budget), lanes, shares))
        out: list[tuple[QuickAnswer, Lane]] = []
        for index in range(len(batch)):
            lane_no, position = index % len(lanes), index // len(lanes)
            if position >= len(results[lane_no]):
                break  # that lane stopped early (a pass, or the budget): the rest goes in the next batch
            out.append((results[lane_no][position], lanes[lane_no]))
        self._drop_broken_lanes()
        return out

    def validate(self, candidate: HasChanges, time_left: float = 0.0) -> Verdict:
        self.write(candidate.changes)
        try:
            quick = self.runner.run(select=self.failing, timeout=self.timeout)
        finally:
            self.restore()
        fixed = _passed(quick, self.failing)
        if len(fixed) < len(self.failing):
            return Verdict(fixed, plausible=False)
        return self._full_run(candidate, fixed, self.lanes[0], time_left)

    def _full_run(self, candidate: HasChanges, fixed: frozenset[str], lane: Lane, time_left: float) -> Verdict:
        started = time.monotonic()
        self.write(candidate.changes, lane.sandbox)
        try:
            full = lane.runner.run(timeout=self.timeout * 2)
        finally:
            self.restore(lane.sandbox)
        if not full.all_passed:
            return Verdict(fixed, plausible=False, broken=self._newly_failing(full.failing))
        if self.guard is None:
            return Verdict(fixed, plausible=True)
        # The guard runs in the first lane's workspace: the other lanes are idle by now.
        left = max(time_left - (time.monotonic() - started), 0.001) if time_left > 0 else 0.0
        broken = self.guard.broken(candidate.changes, left)
        return Verdict(fixed, plausible=not broken, broken=broken)

    def _newly_failing(self, failing: Iterable[str]) -> frozenset[str]:
        """Of the tests that failed in a run of the whole test command, those that did not fail
        before: what a candidate that fixes the failing tests broke (its report names them)."""
        return frozenset(failing) - frozenset(self.failing)

    # -- lanes -------------------------------------------------------------------------------

    def _open_lanes(self) -> None:
        """Clone the (restored) workspace for the lanes not open yet. A clone that fails, or whose
        fork server does not calibrate, ends the opening: the search goes on with the lanes it has."""
        while len(self.lanes) < self._lanes_wanted:
            assert isinstance(self.sandbox, CloneableSandbox)
            try:
                twin = self.sandbox.clone()
            except (SwebotError, OSError):  # no room for another copy: the lanes open so far do the work
                self._lanes_wanted = len(self.lanes)
                return
            runner = TestRunner(twin, self.runner.command, cwd=self.runner.cwd, timeout=self.runner.timeout,
                                select_command=self.runner.select_command, reader=self.runner.reader)
            fork = ForkChecker(runner, self.failing, self.originals, self.timeout, self.encodings)
            if not fork.calibrate():
                twin.close()
                self._lanes_wanted = len(self.lanes)
                return
            fork.timeout = self.fork.timeout  # one looping-mutant limit for every lane
            self.lanes.append(Lane(twin, runner, fork))
            self.lanes_used = max(self.lanes_used, len(self.lanes))

    def _drop_broken_lanes(self) -> None:
        for lane in [lane for lane in self.lanes[1:] if not lane.fork.usable]:
            self.lanes.remove(lane)
            lane.sandbox.close()
        self._lanes_wanted = min(self._lanes_wanted, len(self.lanes))

    def close(self) -> None:
        for lane in self.lanes[1:]:
            lane.sandbox.close()
        del self.lanes[1:]


def _passed(report: TestReport, selected: Sequence[str]) -> frozenset[str]:
    if report.timed_out:
        return frozenset()
    passing = report.passing
    return frozenset(t for t in selected if t in passing)
