"""``--engine auto``: the cheap builtin search first, the paid model only if that finds nothing."""

from __future__ import annotations

import time
from dataclasses import replace

from swebot.engines.builtin import BuiltinEngine
from swebot.types import Budget, Engine, EngineResult, ProgressCallback, Sandbox, Task
from swebot.workspace import sandbox_diff

BUILTIN_SHARE = 0.3  # of the time limit the builtin pass (or attempt) may use: the model gets the rest


class BuiltinThenLLM:
    name = "auto"

    def __init__(self, llm: Engine, builtin: Engine | None = None) -> None:
        self.llm = llm
        self.builtin = builtin or BuiltinEngine()

    def repair(self, task: Task, sandbox: Sandbox, budget: Budget,
               progress: ProgressCallback) -> EngineResult:
        started = time.monotonic()
        first_budget = replace(budget, time_limit=budget.time_limit * BUILTIN_SHARE if budget.time_limit else 120.0,
                               max_steps=0, max_cost=0.0)
        first = self.builtin.repair(task, sandbox, first_budget, progress)
        if first.status in ("fixed", "nothing_to_fix"):
            return replace(first, details={**first.details, "engine": "builtin"})
        if sandbox_diff(sandbox).strip():
            raise RuntimeError("builtin engine left changes in the workspace")
        progress("stage", {"name": "engine", "detail": "builtin found nothing; trying the model"})
        if budget.time_limit:
            remaining = max(budget.time_limit - (time.monotonic() - started), 0.001)
            budget = replace(budget, time_limit=remaining)
        second = self.llm.repair(task, sandbox, budget, progress)
        return replace(second, candidates_tried=first.candidates_tried + second.candidates_tried,
                       details={**second.details, "engine": "llm", "builtin_tried": first.candidates_tried})
