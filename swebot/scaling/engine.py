"""``--attempts N``: several independent attempts, every candidate patch checked against the
reproduction tests and the repository's tests, and the choice made by that evidence."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from swebot.scaling.attempts import AttemptPlan, Outcome, default_workers, run_attempts
from swebot.scaling.evidence import Candidate, Checks, ReproTest, accepted_reproductions, check_all
from swebot.scaling.ledger import SharedLedger
from swebot.scaling.select import Selection, select
from swebot.testing import TestRunner
from swebot.types import Budget, EngineResult, ProgressCallback, Sandbox, Task
from swebot.workspace import sandbox_apply, sandbox_diff, sandbox_reset

ATTEMPTS_SHARE = 0.8  # of the time limit the attempts may use; the rest is for checking candidates


class ScalingEngine:
    def __init__(self, plans: Sequence[AttemptPlan], *, name: str = "llm", keep_tests: bool = False,
                 early_stop: bool = True, workers: int | None = None) -> None:
        self.plans = list(plans)
        self.name = name
        self.keep_tests = keep_tests
        self.early_stop = early_stop
        self.workers = workers or default_workers(len(self.plans))

    def repair(self, task: Task, sandbox: Sandbox, budget: Budget, progress: ProgressCallback) -> EngineResult:
        started = time.monotonic()
        deadline = started + budget.time_limit if budget.time_limit else 0.0
        ledger = SharedLedger(budget.max_cost, budget.max_tokens)
        if task.test_command and task.baseline is None:  # the failing tests are the targets of every attempt
            progress("stage", {"name": "baseline", "detail": task.test_command})
            task = replace(task, baseline=TestRunner.for_task(task, sandbox).run())
        progress("stage", {"name": "attempts", "detail": f"up to {len(self.plans)} attempts, {self.workers} at a time"})
        outcomes, skipped = run_attempts(
            self.plans, task, sandbox, budget, ledger, progress, workers=self.workers, early_stop=self.early_stop,
            deadline=started + budget.time_limit * ATTEMPTS_SHARE if budget.time_limit else 0.0)
        outcomes.sort(key=lambda o: [p.id for p in self.plans].index(o.plan.id))
        if not any(o.result for o in outcomes) and outcomes and outcomes[0].error is not None:
            raise outcomes[0].error  # every attempt failed the same way (no key, endpoint down)
        candidates, repro = _collect(outcomes)
        progress("stage", {"name": "select", "detail": f"checking {len(candidates)} candidate patches"})
        checks = Checks(runner=TestRunner.for_task(task, sandbox), baseline=task.baseline if task.test_command else None,
                        targets=tuple(sorted(task.baseline.failing)) if task.baseline and task.test_command else (),
                        repro=repro, deadline=deadline)
        selection = select(check_all(sandbox, candidates, checks))
        return self._finish(task, sandbox, outcomes, skipped, selection, repro, ledger, progress)

    def _finish(self, task: Task, sandbox: Sandbox, outcomes: list[Outcome], skipped: list[AttemptPlan],
                selection: Selection, repro: list[ReproTest], ledger: SharedLedger,
                progress: ProgressCallback) -> EngineResult:

        sandbox_reset(sandbox)
        win = selection.winner
        if win is not None:
            sandbox_apply(sandbox, win.candidate.patch)
            if self.keep_tests:
                for test in repro:
                    if test.origin == win.candidate.id:
                        sandbox.write_file(test.path, test.content.encode("utf-8"))
        patch = sandbox_diff(sandbox)
        ev = win.evidence if win else None
        checked = ev is not None and (ev.targets_total + ev.repro_total) > 0
        fixed = win is not None and ev is not None and ev.plausible and (checked or win.candidate.claimed == "fixed")
        failing_before = tuple(sorted(task.baseline.failing)) if task.baseline and task.test_command else ()
        after = () if fixed else failing_before if ev is None else tuple(
            t for t in failing_before if t not in ev.targets_fixed)
        by_id = {o.plan.id: o for o in outcomes}
        details = {
            "engine": self.name,
            "cost": round(sum(_cost(o) for o in outcomes), 6),
            "ledger": ledger.to_dict(),
            "verified_by_tests": bool(fixed and checked),
            "attempts": [o.to_dict() for o in outcomes] + [
                {"id": p.id, "origin": p.origin, "status": "skipped",
                 "why": "stopped early: an attempt already passed every check" if ledger.stopped else "time limit"}
                for p in skipped],
            "selection": selection.to_dict(),
        }
        winner_result = by_id[win.candidate.id].result if win else None
        if winner_result is not None and winner_result.details.get("trajectory"):
            details["trajectory"] = winner_result.details["trajectory"]
        _record_in_trajectories(outcomes, details["selection"])
        progress("stage", {"name": "selected", "detail": f"{win.candidate.id}: {selection.reason}" if win
                           else selection.reason, "winner": win.candidate.id if win else None})
        limit = next((o.result.limit_hit for o in outcomes if o.result and o.result.limit_hit), None)
        return EngineResult(
            status="fixed" if fixed else "not_fixed", patch=patch, failing_before=failing_before,
            failing_after=after, candidates_tried=sum(o.result.candidates_tried for o in outcomes if o.result),
            limit_hit=None if fixed else limit,
            description=(f"{winner_result.description if winner_result else ''} "
                         f"[chosen from {len(outcomes)} attempts: {selection.reason}]").strip(),
            details=details)


def _collect(outcomes: Sequence[Outcome]) -> tuple[list[Candidate], list[ReproTest]]:
    candidates, repro = [], []
    for o in outcomes:
        r = o.result
        if r is None:
            continue
        if r.patch.strip():
            candidates.append(Candidate(o.plan.id, o.plan.origin, r.patch, r.status, o.passed_every_check))
        for test in accepted_reproductions(dict(r.details)):
            repro.append(ReproTest(str(test["path"]), str(test["content"]),
                                   tuple(str(t) for t in test["tests"]), o.plan.id))  # type: ignore[attr-defined]  # accepted_reproductions gives dicts whose "tests" is a list
    return candidates, repro


def _cost(outcome: Outcome) -> float:
    value = outcome.result.details.get("cost", 0.0) if outcome.result else 0.0
    return float(value) if isinstance(value, (int, float)) else 0.0




def _record_in_trajectories(outcomes: Sequence[Outcome], selection: object) -> None:
    """Every attempt's trajectory gets the selection: all candidates, their evidence, the winner."""
    for o in outcomes:
        path = o.result.details.get("trajectory") if o.result else None
        if not path:
            continue
        try:
            data = json.loads(Path(str(path)).read_text())
            data["attempt"], data["selection"] = o.plan.id, selection
            Path(str(path)).write_text(json.dumps(data, indent=1, default=str))
        except (OSError, ValueError):
            pass
