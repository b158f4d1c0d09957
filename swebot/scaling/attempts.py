"""Running several independent attempts at one repair, each in a workspace of its own, in
parallel where the sandbox can be copied; they share the run's cost, token and time limits.
With ``early_stop`` (``--attempts N`` is an upper bound) no new attempt starts, and running
ones make no further model call, once one attempt's patch passes every check."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

from swebot.errors import SwebotError
from swebot.models.base import Model
from swebot.scaling.evidence import accepted_reproductions
from swebot.scaling.ledger import SharedLedger
from swebot.scaling.sandboxes import attempt_sandbox, can_copy
from swebot.types import Budget, Engine, EngineResult, ProgressCallback, Sandbox, Task


@dataclass(frozen=True)
class AttemptPlan:
    """One attempt: ``make(wrap_model)`` builds its engine (models it uses go through ``wrap_model``)."""

    id: str
    origin: str
    make: Callable[[Callable[[Model], Model]], Engine]
    time_share: float = 1.0  # of the time left when it starts (the builtin search gets less)


@dataclass(frozen=True)
class Outcome:
    plan: AttemptPlan
    result: EngineResult | None = None
    error: SwebotError | None = None
    seconds: float = 0.0

    @property
    def passed_every_check(self) -> bool:
        r = self.result
        return r is not None and r.status == "fixed" and bool(r.patch.strip()) and bool(
            r.details.get("verified_by_tests", self.plan.id == "builtin"))

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"id": self.plan.id, "origin": self.plan.origin, "seconds": round(self.seconds, 2)}
        if self.error is not None:
            return {**data, "status": "error", "error": str(self.error)}
        r = self.result
        assert r is not None
        keys = ("steps", "cost", "end_reason", "trajectory", "verified_by_tests", "model_error", "error")
        return {**data, "status": r.status, "limit_hit": r.limit_hit, "candidates_tried": r.candidates_tried,
                "description": r.description, **{k: r.details[k] for k in keys if k in r.details},
                "reproductions": len(accepted_reproductions(dict(r.details))),
                "passed_every_check": self.passed_every_check}


def default_workers(attempts: int) -> int:
    return max(1, min(attempts, os.cpu_count() or 1))


def run_attempts(plans: Sequence[AttemptPlan], task: Task, sandbox: Sandbox, budget: Budget, ledger: SharedLedger,
                 progress: ProgressCallback, *, deadline: float = 0.0, workers: int = 1,
                 early_stop: bool = True) -> tuple[list[Outcome], list[AttemptPlan]]:
    """(outcomes in the order they finished, plans never started)."""
    lock = threading.Lock()

    def one(plan: AttemptPlan) -> Outcome:
        start = time.monotonic()

        def tell(event: str, fields: Mapping[str, object]) -> None:
            if event == "stage":  # say whose stage it is on the status line too
                fields = {**fields, "detail": f"[{plan.id}] {fields.get('detail') or ''}".rstrip()}
            with lock:
                progress(event, {**fields, "attempt": plan.id})

        left = max(deadline - start, 0.001) if deadline else 0.0
        attempt_budget = replace(budget, max_cost=0.0, max_tokens=0,
                                 time_limit=left * plan.time_share if deadline else 0.0)
        try:
            with attempt_sandbox(sandbox) as own:
                tell("stage", {"name": "attempt", "detail": plan.origin})
                result = plan.make(ledger.wrap).repair(task, own, attempt_budget, tell)
        except SwebotError as exc:
            return Outcome(plan, error=exc, seconds=time.monotonic() - start)
        return Outcome(plan, result, seconds=time.monotonic() - start)

    workers = workers if can_copy(sandbox) else 1
    pending, outcomes = list(plans), list[Outcome]()
    running: dict[Future[Outcome], AttemptPlan] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="swebot-attempt") as pool:
        try:
            _schedule(pool, one, pending, running, outcomes, ledger, workers, deadline, early_stop)
        except BaseException:  # Ctrl-C, SIGTERM or a bug: running attempts make no further model call
            ledger.stop()
            raise
    return outcomes, pending


def _schedule(pool: ThreadPoolExecutor, one: Callable[[AttemptPlan], Outcome], pending: list[AttemptPlan],
              running: dict["Future[Outcome]", AttemptPlan], outcomes: list[Outcome], ledger: SharedLedger,
              workers: int, deadline: float, early_stop: bool) -> None:
    """Keep ``workers`` attempts going; stop starting new ones once one passes every check."""
    while pending or running:
        while pending and len(running) < workers and not ledger.stopped \
                and not (deadline and time.monotonic() >= deadline):
            plan = pending.pop(0)
            running[pool.submit(one, plan)] = plan
        if not running:
            break
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            running.pop(future)
            outcome = future.result()
            outcomes.append(outcome)
            if early_stop and outcome.passed_every_check:
                ledger.stop()
