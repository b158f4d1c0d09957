"""The agent loop: ask the model, run the tools it calls, record, repeat until it submits
(and verification accepts) or a limit, a failing endpoint or repeated bad calls end the run."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal

from swebot.agent.compaction import CompactionPolicy, compact, estimate_tokens, maybe_compact
from swebot.agent.config import AgentSettings
from swebot.agent.prompts import render
from swebot.agent.toolbox import Observation, Toolbox
from swebot.errors import LimitReached, ModelError
from swebot.models.base import ContextTooLong, Message, Model, ModelReply, Usage
from swebot.trajectory import Trajectory, report_summary
from swebot.types import Budget, ProgressCallback

EXTERNAL_TOOLS = frozenset({"run_tests", "bash", "submit", "localize"})  # time spent outside the harness
EndReason = Literal["submitted", "limit", "malformed", "no_tool_calls", "model_error"]


@dataclass
class RunState:
    steps: int = 0
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    cost_known: bool = True
    malformed_streak: int = 0
    nudge_streak: int = 0
    edits: int = 0
    compactions: int = 0


@dataclass(frozen=True)
class LoopOutcome:
    reason: EndReason
    state: RunState
    limit_hit: str | None = None
    error: str | None = None


def limit_reached(budget: Budget, state: RunState, elapsed: float) -> str | None:
    """The name of the first exhausted budget (0 = unlimited), checked before every model call."""
    if budget.max_steps and state.steps >= budget.max_steps:
        return "max_steps"
    if budget.max_cost and state.cost >= budget.max_cost:
        return "max_cost"
    if budget.max_tokens and state.usage.total_tokens >= budget.max_tokens:
        return "max_tokens"
    if budget.time_limit and elapsed >= budget.time_limit:
        return "time_limit"
    return None


class AgentLoop:
    def __init__(self, model: Model, toolbox: Toolbox, trajectory: Trajectory, settings: AgentSettings,
                 budget: Budget, progress: ProgressCallback, clock: Callable[[], float] = time.monotonic) -> None:
        self.model, self.toolbox, self.trajectory = model, toolbox, trajectory
        self.settings, self.budget, self.progress, self.clock = settings, budget, progress, clock
        self.policy = CompactionPolicy(keep_recent=settings.keep_recent, batch=settings.compact_batch)
        self.state = RunState()
        self.history: list[Message] = []

    def run(self, history: list[Message], *, started: float | None = None) -> LoopOutcome:
        """Run from ``history`` (system prompt, task); ``started``: when the time budget began."""
        self.history = list(history)
        for m in history:
            self.trajectory.add_message(m)
        started = self.clock() if started is None else started
        while True:
            limit = limit_reached(self.budget, self.state, self.clock() - started)
            if limit:
                return self._end("limit", limit_hit=limit)
            step_start = self.clock()
            try:
                reply = self._ask()
            except ModelError as exc:
                return self._end("model_error", error=str(exc))
            except LimitReached as exc:  # a budget kept outside the loop (e.g. a batch ledger)
                return self._end("limit", limit_hit=exc.limit)
            self._account(reply)
            step: dict[str, Any] = {"n": self.state.steps, "reply_index": self.trajectory.add_message(reply.message),
                    "usage": reply.usage.to_dict(), "cost": reply.cost, "model_seconds": round(reply.duration, 4),
                    "prompt_tokens_estimate": estimate_tokens(self.history), "tools": []}
            self.history.append(reply.message)
            submitted = self._act(reply, step) if reply.message.tool_calls else self._nudge()
            step["harness_seconds"] = round(self.clock() - step_start - reply.duration - sum(
                t["seconds"] for t in step["tools"] if t["name"] in EXTERNAL_TOOLS), 4)
            self.trajectory.add_step(step)
            self.trajectory.save()
            self.progress("step", {"n": self.state.steps, "cost": self.state.cost, "tokens": self.state.usage.total_tokens,
                                   "tool": ",".join(t["name"] for t in step["tools"]) or "-"})
            if submitted:
                return self._end("submitted")
            if self.state.malformed_streak >= self.settings.max_malformed:
                return self._end("malformed", error=f"{self.state.malformed_streak} malformed tool calls in a row")
            if self.state.nudge_streak >= self.settings.max_nudges:
                return self._end("no_tool_calls", error=f"{self.state.nudge_streak} replies without a tool call in a row")

    def _ask(self) -> ModelReply:
        """One model call on the (compacted) history; a context overflow compacts hard and retries once."""
        self.history, done = maybe_compact(self.history, self.policy, context_tokens=self.settings.context_tokens)
        self.state.compactions += done
        start = self.clock()
        try:
            reply = self.model.complete(self.history, self.toolbox.schemas())
        except ContextTooLong as exc:
            self.trajectory.add_event("context_too_long", error=str(exc))
            self.history = compact(self.history, CompactionPolicy(keep_recent=1, batch=1, stub_chars=80))
            self.state.compactions += 1
            start = self.clock()
            reply = self.model.complete(self.history, self.toolbox.schemas())
        if not reply.duration:
            reply = replace(reply, duration=self.clock() - start)
        for event in reply.events:
            self.trajectory.add_event(**event)
        return reply

    def _account(self, reply: ModelReply) -> None:
        self.state.steps += 1
        self.state.usage = self.state.usage + reply.usage
        if reply.cost is None:
            self.state.cost_known = False
        else:
            self.state.cost += reply.cost

    def _act(self, reply: ModelReply, step: dict[str, Any]) -> bool:
        """Run each tool call; True when a submit ended the session."""
        submitted = False
        for call in reply.message.tool_calls:
            t0 = self.clock()
            obs = (Observation("not run: the work was already submitted", ok=False) if submitted
                   else self.toolbox.call(call))
            submitted = submitted or obs.submitted
            self.state.malformed_streak = self.state.malformed_streak + 1 if obs.malformed else 0
            if obs.malformed:
                obs = Observation(render("llm_malformed.j2", problem=obs.text, streak=self.state.malformed_streak,
                                         limit=self.settings.max_malformed, cut=reply.finish_reason == "length"),
                                  ok=False, malformed=True)
            self.state.edits += bool(obs.edit)
            answer = Message("tool", obs.text, tool_call_id=call.id, name=call.name)
            self.history.append(answer)
            step["tools"].append({"name": call.name, "arguments": call.arguments, "ok": obs.ok,
                                  "malformed": obs.malformed, "seconds": round(self.clock() - t0, 4),
                                  "observation_index": self.trajectory.add_message(answer),
                                  **({"edit": dict(obs.edit)} if obs.edit else {}),
                                  **({"tests": report_summary(obs.report)} if obs.report else {})})
        self.state.nudge_streak = 0
        return submitted

    def _nudge(self) -> bool:
        self.state.nudge_streak += 1
        nudge = Message("user", render("llm_nudge.j2", has_edits=self.state.edits > 0))
        self.history.append(nudge)
        self.trajectory.add_message(nudge)
        return False

    def _end(self, reason: EndReason, *, limit_hit: str | None = None, error: str | None = None) -> LoopOutcome:
        self.trajectory.add_event("end", reason=reason, limit_hit=limit_hit, error=error)
        self.trajectory.save()
        return LoopOutcome(reason, self.state, limit_hit, error)
