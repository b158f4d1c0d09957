"""Tests as the agent sees them: summaries for ``run_tests``, self-verification at ``submit``,
and the best patch seen so far (kept when a limit ends the run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from swebot.agent.toolbox import Observation
from swebot.types import TestReport

MAX_FAILURES_SHOWN = 8
TRACEBACK_LINES = 25


class Runner(Protocol):
    def run(self, select: Sequence[str] | None = None, *, timeout: float | None = None) -> TestReport: ...


def format_report(report: TestReport, *, baseline: TestReport | None = None) -> str:
    """A compact summary: counts, then each failure with its message and a short traceback."""
    counts: dict[str, int] = {}
    for case in report.cases:
        counts[case.outcome] = counts.get(case.outcome, 0) + 1
    head = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no tests ran"
    out = [f"{head} ({report.duration:.1f}s, exit code {report.exit_code})"]
    if report.timed_out:
        out.append("the test run TIMED OUT")
    for err in report.collection_errors:
        out.append(f"COLLECTION ERROR in {err}")
    if baseline is not None:
        broke = sorted(report.failing & baseline.passing)
        if broke:
            out.append(f"REGRESSIONS (passed before your edits): {', '.join(broke[:20])}")
    failing = [c for c in report.cases if c.failing]
    for case in failing[:MAX_FAILURES_SHOWN]:
        out.append(f"\n{case.outcome.upper()} {case.nodeid}")
        if case.message:
            out.append(f"  {case.message.strip()[:500]}")
        tb = case.traceback.strip().splitlines()
        if tb:
            out.extend("  " + line for line in tb[-TRACEBACK_LINES:])
    if len(failing) > MAX_FAILURES_SHOWN:
        out.append(f"\n... and {len(failing) - MAX_FAILURES_SHOWN} more failing: "
                   + ", ".join(c.nodeid for c in failing[MAX_FAILURES_SHOWN:][:30]))
    if not report.cases and report.output_tail:
        out.append(report.output_tail[-3000:])
    return "\n".join(out)


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    text: str
    report: TestReport | None = None


class Verifier:
    """Runs tests for the agent and remembers the best-scoring patch (fewest failures)."""

    def __init__(self, runner: Runner | None, baseline: TestReport | None, diff: Callable[[], str]) -> None:
        self.runner = runner
        self.baseline = baseline
        self.targets: tuple[str, ...] = tuple(sorted(baseline.failing)) if baseline else ()
        self.diff = diff
        self.best_patch = ""
        self.best_score = len(self.targets) if baseline else None
        self.best_failing: tuple[str, ...] = ()
        self.verified_patch: str | None = None
        self.tolerated: frozenset[str] = frozenset()  # failing before any edit and not the task's business
        self._original: Callable[[], TestReport] | None = None

    def retarget(self, runner: Runner, targets: Sequence[str], original: Callable[[], TestReport]) -> None:
        """Verify against ``targets`` (e.g. accepted reproduction tests) from now on. ``original``
        runs the suite on the original code; it is asked only when other tests fail, and those
        that failed there too (and are not targets) may keep failing."""
        self.runner, self.baseline, self._original = runner, None, original
        self.targets = tuple(sorted(set(targets)))
        self.tolerated = frozenset()
        self.best_patch, self.best_score, self.best_failing = "", len(self.targets), ()

    def _unexpected(self, report: TestReport) -> frozenset[str]:
        """Failing tests the change is answerable for."""
        bad = report.failing - self.tolerated
        if bad and self.baseline is None and self._original is not None:
            self.baseline = self._original()
            self.tolerated = frozenset(self.baseline.failing) - set(self.targets)
            bad = report.failing - self.tolerated
        return bad

    def _score(self, report: TestReport) -> int:
        base_passing = self.baseline.passing if self.baseline else frozenset()
        still = len(set(self.targets) & report.failing)
        return still + 2 * len(report.failing & base_passing) + 2 * len(report.collection_errors)

    def _track(self, report: TestReport) -> None:
        score = self._score(report)
        if self.best_score is None or score < self.best_score:
            self.best_score, self.best_patch = score, self.diff()
            self.best_failing = tuple(sorted(report.failing))

    def run(self, select: list[str] | None) -> tuple[TestReport, str]:
        assert self.runner is not None
        report = self.runner.run(select)
        if select is None:
            self._track(report)
        return report, format_report(report, baseline=self.baseline)

    def verify(self) -> Verdict:
        """Failing tests first, then the whole suite; accepted when nothing fails."""
        patch = self.diff()
        if not patch.strip():
            return Verdict(False, "you have not changed any file yet; nothing to submit")
        if self.runner is None:
            self.verified_patch = patch
            return Verdict(True, "submitted (no test command: the change is not verified by tests)")
        if self.targets:
            first = self.runner.run(list(self.targets))
            if first.failing or first.timed_out:
                return Verdict(False, "not done: the originally failing tests still fail.\n"
                               + format_report(first, baseline=self.baseline), first)
        full = self.runner.run(None)
        self._track(full)
        if self._unexpected(full) or full.collection_errors or full.timed_out:
            return Verdict(False, "not done: the full test suite does not pass.\n"
                           + format_report(full, baseline=self.baseline), full)
        self.verified_patch = patch
        return Verdict(True, "verified: the failing tests pass and the full suite passes.\n"
                       + format_report(full), full)

    def final_patch(self) -> tuple[str, bool]:
        """(patch, verified): the verified patch, else the best-scoring tested one, else the current diff."""
        if self.verified_patch is not None:
            return self.verified_patch, True
        if self.best_patch:
            return self.best_patch, False
        return self.diff(), False

    def failing_after(self) -> tuple[str, ...]:
        """Failing tests with the final patch, as far as a full run showed them."""
        if self.verified_patch is not None:
            return ()
        return self.best_failing if self.best_patch else self.targets


class SubmitGate:
    """The ``submit`` tool: verification decides; a refusal goes back to the model, at most
    ``max_rejections`` times, after which the next submit ends the run unverified."""

    def __init__(self, verifier: Verifier, max_rejections: int,
                 precondition: Callable[[], Observation | None] | None = None) -> None:
        self.verifier = verifier
        self.max_rejections = max_rejections
        self.precondition = precondition  # a refusal before any verification (no reproduction yet)
        self.rejected = 0
        self.summaries: list[str] = []

    def __call__(self, summary: str) -> Observation:
        if self.precondition is not None and (refused := self.precondition()) is not None:
            return refused
        self.summaries.append(summary)
        verdict = self.verifier.verify()
        if verdict.accepted or self.rejected >= self.max_rejections:
            return Observation(verdict.text, ok=verdict.accepted, submitted=True, report=verdict.report,
                               data={"verified": verdict.accepted})
        self.rejected += 1
        left = self.max_rejections - self.rejected + 1
        return Observation(f"{verdict.text}\n(submit refused; {left} more submit(s) will be checked)",
                           ok=False, report=verdict.report)
