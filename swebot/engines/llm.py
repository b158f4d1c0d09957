"""The LLM engine: a tool-using agent that reads, edits and tests the workspace until its
change passes self-verification (or a budget ends the run with the best patch so far)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from swebot.agent.config import LLMSettings, RetrySettings
from swebot.agent.context import issue_hints, sbfl_localizer
from swebot.agent.files import Files
from swebot.agent.loop import AgentLoop, LoopOutcome
from swebot.agent.prompts import render
from swebot.agent.reproduce import Reproduction, ReproductionGate, original_code
from swebot.agent.toolbox import Toolbox
from swebot.agent.tools import REPRODUCE_TOOL, TOOLS, ToolContext
from swebot.agent.verify import SubmitGate, Verifier, format_report
from swebot.models.base import Message, Model
from swebot.paths import runs_home
from swebot.diffs import without_files
from swebot.testing import TestRunner
from swebot.trajectory import Trajectory, report_summary
from swebot.types import Budget, EngineResult, ProgressCallback, RunStatus, Sandbox, Task, TestReport
from swebot.workspace import sandbox_diff


@dataclass(frozen=True)
class Variant:
    """How one of several attempts differs from the others (see swebot.scaling)."""

    label: str = ""
    seed: int | None = None  # sent as the request's ``seed``
    hint_offset: int = 0  # which localized location the first prompt suggests first
    wrap_model: Callable[[Model], Model] | None = None  # e.g. a cross-attempt cost ledger


def build_model(settings: LLMSettings, api_key: str, *, stderr: TextIO | None = None,
                seed: int | None = None) -> Model:
    """The OpenAI-compatible client for these settings (imports the SDK only when needed)."""
    from swebot.models.openai_chat import OpenAIChatModel, RetryPolicy
    from swebot.models.pricing import CostMeter

    r = settings.retries
    return OpenAIChatModel(
        settings.model,
        base_url=settings.resolved_base_url(),
        api_key=api_key,
        echo_reasoning=settings.resolved_echo(),
        require_reasoning=settings.resolved_require(),
        temperature=settings.resolved_temperature(),
        max_output_tokens=settings.resolved_max_output_tokens(),
        request_timeout=r.request_timeout,
        retry=RetryPolicy(r.max_retries, r.initial_backoff, r.multiplier, r.max_backoff),
        cost_meter=CostMeter(settings.model, settings.all_prices(), stream=stderr),
        thinking_stream=(stderr or sys.stderr) if settings.show_thinking else None,
        extra_body={"seed": seed} if seed is not None else None,
    )


class LLMEngine:
    """``Engine`` "llm". Pass ``model`` to use a given model (a scripted one for tests and replay).

    ``keep_tests``: reproduction tests the model wrote stay in the patch (else they are left out,
    and removed from the sandbox). ``variant``: this run is one of several attempts.
    """

    name = "llm"

    def __init__(self, settings: LLMSettings, *, model: Model | None = None,
                 environ: dict[str, str] | None = None, stderr: TextIO | None = None,
                 keep_tests: bool = False, variant: Variant | None = None) -> None:
        self.settings = settings
        self._model = model
        self._environ = environ
        self._stderr = stderr
        self.keep_tests = keep_tests
        self.variant = variant or Variant()

    def repair(self, task: Task, sandbox: Sandbox, budget: Budget, progress: ProgressCallback) -> EngineResult:
        started = time.monotonic()
        s = self.settings
        key = "" if self._model is not None else s.api_key(self._environ)
        model = self._model or build_model(s, key, stderr=self._stderr, seed=self.variant.seed)
        if s.model_wrapper is not None:
            model = s.model_wrapper(model)
        if self.variant.wrap_model is not None:
            model = self.variant.wrap_model(model)
        runner = TestRunner.for_task(task, sandbox) if task.test_command else None
        baseline = task.baseline
        if runner is not None and baseline is None:
            progress("stage", {"name": "baseline", "detail": "running the tests"})
            baseline = runner.run()
        if runner is not None and baseline is not None:
            if not baseline.failing and not task.issue:
                return EngineResult(status="nothing_to_fix", description="all tests already pass")
        failing = tuple(sorted(baseline.failing)) if baseline else ()
        files = Files(sandbox)
        verifier = Verifier(runner, baseline, lambda: sandbox_diff(sandbox))
        gate = SubmitGate(verifier, s.agent.max_submit_rejections)
        ctx = ToolContext(
            sandbox=sandbox, files=files, settings=s.agent,
            run_tests=verifier.run if runner else None,
            localize=sbfl_localizer(runner, files) if runner and failing else None,
            submit=gate,  # the key's variable never reaches the sandbox (swebot.secrets)
        )
        gate_r = self._reproduction_gate(task, sandbox, files, runner, verifier, failing)
        if gate_r is not None:
            ctx.reproduce, ctx.guard_edit, gate.precondition = gate_r, gate_r.guard_edit, gate_r.guard_submit
        tools = [*TOOLS[:-1], REPRODUCE_TOOL, TOOLS[-1]] if gate_r is not None else list(TOOLS)  # submit last
        toolbox = Toolbox(tools, ctx, limit=s.agent.observation_chars, secrets=[key] if key else [])
        path = s.trajectory_path or _default_trajectory_path()
        trajectory = Trajectory(path, self._meta(task, sandbox, budget, baseline), secrets=[key] if key else [])

        progress("stage", {"name": "agent", "detail": f"{model.name} via {s.provider_name()}"})
        max_steps = budget.max_steps
        history = [
            Message("system", render("llm_system.j2", has_tests=runner is not None, reproduce=gate_r is not None,
                                     max_steps_text=(
                f"at most {max_steps} steps (model calls)" if max_steps else "no fixed step limit"))),
            Message("user", render(
                "llm_task.j2", root=sandbox.root, issue=task.issue or "", failing=list(failing),
                failing_summary=format_report(baseline) if baseline and failing else "",
                has_tests=runner is not None, test_command=task.test_command or "", reproduce=gate_r is not None,
                hints=rotate(issue_hints(task.workspace, task.issue, task.test_command), self.variant.hint_offset))),
        ]
        outcome = AgentLoop(model, toolbox, trajectory, s.agent, budget, progress).run(history, started=started)
        return self._result(outcome, verifier, failing, trajectory, gate.summaries, sandbox, gate_r)

    def _reproduction_gate(self, task: Task, sandbox: Sandbox, files: Files, runner: Any, verifier: Verifier,
                           failing: tuple[str, ...]) -> ReproductionGate | None:
        """The ``reproduce`` tool when an issue comes without a failing test; accepting a test
        retargets verification at every accepted reproduction test."""
        if failing or not (task.issue or "").strip() or not self.settings.agent.reproduce:
            return None
        repro_runner = runner or TestRunner.for_task(task, sandbox)

        def original() -> TestReport:  # the suite on the original code, with the reproductions
            with original_code(sandbox, keep=gate.paths):
                return repro_runner.run()

        def accepted(_: Reproduction) -> None:
            verifier.retarget(repro_runner, [t for r in gate.accepted for t in r.tests], original)

        gate = ReproductionGate(sandbox, files, repro_runner, task.issue or "", accepted,
                                tries=self.settings.agent.reproduction_tries)
        return gate

    def _result(self, outcome: LoopOutcome, verifier: Verifier, failing: tuple[str, ...],
                trajectory: Trajectory, summaries: list[str], sandbox: Sandbox,
                repro: ReproductionGate | None) -> EngineResult:
        patch, verified = verifier.final_patch()
        repro_details: dict[str, Any] = {}
        if repro is not None:
            repro_details = {"reproduction": {
                "accepted": [{"path": r.path, "tests": list(r.tests), "reason": r.reason[:500], "content": r.content}
                             for r in repro.accepted],
                "rejected": [why[:500] for why in repro.rejected], "refused": list(repro.refusals),
                "waived": repro.waived, "kept_in_patch": self.keep_tests}}
            verified = verified and bool(repro.accepted)  # nothing showed the issue, so nothing shows it fixed
            if repro.accepted and not self.keep_tests:
                patch = without_files(patch, repro.paths)
                for path in repro.paths:
                    sandbox.execute(["rm", "-f", "--", path], timeout=60)
        st = outcome.state
        after = verifier.failing_after()
        details = {
            "steps": st.steps,
            "usage": st.usage.to_dict(),
            "cost": round(st.cost, 6),
            "cost_known": st.cost_known,
            "end_reason": outcome.reason,
            "trajectory": str(trajectory.path) if trajectory.path else None,
            "verified_by_tests": verified and verifier.runner is not None,
            "submits": len(summaries),
            "compactions": st.compactions,
            **repro_details,
            **({"model_error": outcome.error} if outcome.reason == "model_error" else {}),
            **({"error": outcome.error} if outcome.error and outcome.reason != "model_error" else {}),
        }
        status: RunStatus = "fixed" if verified and patch.strip() else "not_fixed"
        summary = next((t for t in reversed(summaries) if t), "")
        description = f"llm agent ({self.settings.model}), {st.steps} steps" + (
            ", verified" if verified and verifier.runner else ", not verified by tests" if verified else "") + (
            ", no reproduction test was accepted" if repro is not None and not repro.accepted else "") + (
            f": {summary}" if summary else "")
        trajectory.result = {"status": status, "patch": patch, "limit_hit": outcome.limit_hit, **details}
        trajectory.save()
        return EngineResult(
            status=status, patch=patch, failing_before=failing, failing_after=after,
            candidates_tried=len(summaries), limit_hit=outcome.limit_hit,
            description=description, details=details,
        )

    def _meta(self, task: Task, sandbox: Sandbox, budget: Budget, baseline: Any) -> dict[str, Any]:
        return {
            "engine": self.name,
            "model": self.settings.model,
            "settings": self.settings.public(),
            "task": {"workspace": str(task.workspace), "test_command": task.test_command,
                     "test_cwd": task.test_cwd, "issue": task.issue, "test_timeout": task.test_timeout},
            "budget": {"time_limit": budget.time_limit, "max_steps": budget.max_steps,
                       "max_cost": budget.max_cost, "max_tokens": budget.max_tokens},
            "sandbox_root": sandbox.root,
            "baseline_commit": _head(sandbox),
            "baseline": report_summary(baseline) if baseline is not None else None,
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }


def rotate(hints: str, offset: int) -> str:
    """The hint lines with the ``offset``-th first (attempts differ in where they start looking)."""
    lines = hints.splitlines()
    if not lines or not offset:
        return hints
    k = offset % len(lines)
    return "\n".join(lines[k:] + lines[:k])


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")


def _default_trajectory_path() -> Path:
    """Under the runs home: workspaces are temporary."""
    return runs_home() / f"llm-{_stamp()}" / "trajectory.json"


def _head(sandbox: Sandbox) -> str | None:
    res = sandbox.execute(["git", "rev-parse", "HEAD"], timeout=30)
    return res.stdout.strip() if res.exit_code == 0 else None


__all__ = ["LLMEngine", "LLMSettings", "Variant", "RetrySettings", "build_model"]
