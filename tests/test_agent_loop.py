"""The agent loop with a scripted model: long sessions stay bounded, limits end runs,
context overflows compact and retry once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from swebot.agent.compaction import STUB_MARK, CompactionPolicy, compact, estimate_tokens
from swebot.agent.config import AgentSettings, LLMSettings
from swebot.agent.files import Files
from swebot.agent.loop import AgentLoop
from swebot.agent.toolbox import Toolbox
from swebot.agent.tools import TOOLS, ToolContext
from swebot.engines.llm import LLMEngine
from swebot.models import ContextTooLong, Message, ModelReply, ScriptedModel, ToolCall, Usage
from swebot.sandbox.local import LocalSandbox
from swebot.trajectory import Trajectory
from swebot.types import Budget, Task

BIG = "".join(f"def f{i}(x):\n    return x + {i}  # {'pad ' * 8}\n" for i in range(1000))


def view_reply(n: int, *, reasoning: str | None = None, tokens: int = 10) -> ModelReply:
    start = 1 + (n * 37) % 1900
    call = ToolCall(f"call_{n}", "view", json.dumps({"path": "big.py", "start": start}))
    text = reasoning if reasoning is not None else f"step {n}: " + "I keep reading the file. " * 20
    return ModelReply(Message("assistant", "", text, (call,)), Usage(prompt_tokens=tokens, completion_tokens=tokens))


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"big.py": BIG})


def run_session(repo: Path, script: list[Any], budget: Budget, tmp_path: Path,
                clock: Callable[[], float] | None = None) -> tuple[Any, ScriptedModel]:
    model = ScriptedModel(script)
    sandbox = LocalSandbox(repo)
    settings = AgentSettings()
    toolbox = Toolbox(TOOLS, ToolContext(sandbox=sandbox, files=Files(sandbox), settings=settings), limit=12_000)
    traj = Trajectory(tmp_path / "t.json", {"test": True})
    loop = AgentLoop(model, toolbox, traj, settings, budget, lambda *_: None, **({"clock": clock} if clock else {}))
    history = [Message("system", "You are a test."), Message("user", "Read big.py. " * 50)]
    return loop.run(history), model


def test_300_step_session_keeps_prompts_bounded(repo: Path, tmp_path: Path) -> None:
    outcome, model = run_session(repo, [view_reply(n) for n in range(300)], Budget(max_steps=300), tmp_path)
    assert outcome.reason == "limit" and outcome.limit_hit == "max_steps" and outcome.state.steps == 300
    sizes = [estimate_tokens(messages) for messages, _ in model.calls]
    assert max(sizes) < 60_000  # fits a 128k window with room to spare
    # growth is a few hundred characters per step, not a whole observation
    assert (sizes[299] - sizes[199]) / 100 < 250
    for messages, _ in model.calls[1:]:
        # system prompt and task always whole; the latest tool-call turn keeps its reasoning
        assert messages[0].content == "You are a test." and messages[1].content == "Read big.py. " * 50
        last_turn = [m for m in messages if m.role == "assistant"][-1]
        assert last_turn.reasoning.startswith("step ") and STUB_MARK not in last_turn.reasoning
        assert messages[-1].role == "tool" and not messages[-1].content.startswith(STUB_MARK)
    # the trajectory keeps everything, uncompacted
    data = json.loads((tmp_path / "t.json").read_text())
    assert len(data["steps"]) == 300
    assert not any(STUB_MARK in m["content"] for m in data["messages"])


def test_context_overflow_compacts_and_retries_once(repo: Path, tmp_path: Path) -> None:
    script: list[Any] = [view_reply(n) for n in range(5)]
    script += [ContextTooLong("too long"), view_reply(5), ContextTooLong("too long"), ContextTooLong("still")]
    outcome, model = run_session(repo, script, Budget(max_steps=50), tmp_path)
    before, after = model.calls[5][0], model.calls[6][0]
    assert estimate_tokens(after) < estimate_tokens(before) / 2
    assert sum(1 for m in after if m.role == "tool" and not m.content.startswith(STUB_MARK)) == 1
    assert outcome.reason == "model_error" and "still" in (outcome.error or "")
    assert outcome.state.steps == 6


def test_token_and_time_limits(repo: Path, tmp_path: Path) -> None:
    outcome, model = run_session(repo, [view_reply(n, tokens=100) for n in range(10)],
                                 Budget(max_tokens=500), tmp_path)
    assert outcome.limit_hit == "max_tokens" and len(model.calls) == 3  # 200, 400, 600 tokens
    ticks = iter(range(1000))
    outcome, model = run_session(repo, [view_reply(n) for n in range(50)], Budget(time_limit=40),
                                 tmp_path, clock=lambda: float(next(ticks)))
    assert outcome.limit_hit == "time_limit" and 0 < len(model.calls) < 50


def test_compaction_keeps_head_recent_and_latest_reasoning() -> None:
    big = "x" * 5000
    history = [Message("system", "S" * 3000), Message("user", "T" * 3000)]
    for n in range(10):
        args = json.dumps({"path": "a.py", "code": "y" * 2000})
        history.append(Message("assistant", "", f"reason {n} " * 50, (ToolCall(f"c{n}", "edit_symbol", args),)))
        history.append(Message("tool", f"obs {n}\n{big}", tool_call_id=f"c{n}", name="edit_symbol"))
    out = compact(history, CompactionPolicy(keep_recent=3))
    assert out[:2] == history[:2]
    tools = [m for m in out if m.role == "tool"]
    assert [m.content.startswith(STUB_MARK) for m in tools] == [True] * 7 + [False] * 3
    assert tools[0].content.startswith(f"{STUB_MARK} obs 0 ...")
    old_call = out[2].tool_calls[0]
    assert json.loads(old_call.arguments)["path"] == "a.py"  # still valid JSON, bulk elided
    assert len(old_call.arguments) < 300 and old_call.id == "c0"
    assert out[-2].reasoning == history[-2].reasoning  # latest tool-call turn untouched
    assert compact(out, CompactionPolicy(keep_recent=3)) == out  # idempotent
    assert estimate_tokens(out) < estimate_tokens(history) / 2


def test_engine_with_scripted_model_and_unknown_price(repo: Path, tmp_path: Path) -> None:
    script = [view_reply(0), ModelReply(Message("assistant", "", "r", (ToolCall("s", "submit", "{}"),)), cost=None)]
    engine = LLMEngine(LLMSettings(model="local-model", trajectory_path=tmp_path / "t.json"), model=ScriptedModel(script))
    with LocalSandbox(repo) as sandbox:
        result = engine.repair(Task(workspace=repo, test_command=None, issue="read it"), sandbox,
                               Budget(max_steps=5), lambda *_: None)
    # submit without any change is refused and goes back; the script then runs out
    assert result.status == "not_fixed" and result.details["cost_known"] is False
    assert "no reply left" in result.details["model_error"]


def test_model_wrapper_and_external_limits(repo: Path, tmp_path: Path) -> None:
    from swebot.errors import LimitReached

    wrapped: list[str] = []

    class Ledger:
        """Wraps the engine's model, as batch's BudgetedModel does; spends out after two calls."""

        def __init__(self, inner: ScriptedModel) -> None:
            self.inner, self.name, self.calls = inner, inner.name, 0
            wrapped.append(inner.name)

        def complete(self, messages: Any, tools: Any) -> ModelReply:
            self.calls += 1
            if self.calls > 2:
                raise LimitReached("batch_budget")
            return self.inner.complete(messages, tools)

    settings = LLMSettings(model="m", trajectory_path=tmp_path / "t.json", model_wrapper=Ledger)
    assert "model_wrapper" not in settings.model_dump() and "model_wrapper" not in settings.public()
    with LocalSandbox(repo) as sandbox:
        result = LLMEngine(settings, model=ScriptedModel([view_reply(n) for n in range(9)], name="inner")).repair(
            Task(workspace=repo, test_command=None, issue="x"), sandbox, Budget(max_steps=50), lambda *_: None)
    assert wrapped == ["inner"]
    assert result.limit_hit == "batch_budget" and result.details["steps"] == 2


def test_submit_rejections_are_bounded(repo: Path, tmp_path: Path) -> None:
    submit = ModelReply(Message("assistant", "", "r", (ToolCall("s", "submit", "{}"),)))
    settings = LLMSettings(model="local-model", trajectory_path=tmp_path / "t.json",
                           agent=AgentSettings(max_submit_rejections=2, reproduce=False))
    model = ScriptedModel([submit] * 10)
    with LocalSandbox(repo) as sandbox:
        result = LLMEngine(settings, model=model).repair(
            Task(workspace=repo, test_command=None, issue="x"), sandbox, Budget(max_steps=50), lambda *_: None)
    assert len(model.calls) == 3  # two refusals go back to the model; the third submit ends the run
    assert result.details["end_reason"] == "submitted" and result.status == "not_fixed"
    refusal = [m for m in model.calls[1][0] if m.role == "tool"][-1].content
    assert "nothing to submit" in refusal and "2 more submit(s) will be checked" in refusal


def test_several_calls_in_one_reply_each_get_an_answer(repo: Path, tmp_path: Path) -> None:
    calls = (ToolCall("a", "view", '{"path": "big.py", "end": 2}'), ToolCall("b", "view", '{"path": '),
             ToolCall("c", "outline", '{"path": "big.py"}'))
    reply = ModelReply(Message("assistant", "", "three at once", calls), finish_reason="length")
    outcome, model = run_session(repo, [reply], Budget(max_steps=1), tmp_path)
    data = json.loads((tmp_path / "t.json").read_text())
    tool_messages = [m for m in data["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["a", "b", "c"]
    assert tool_messages[0]["content"].startswith("big.py lines 1-2 of 2000")
    assert "not valid JSON" in tool_messages[1]["content"] and "cut off" in tool_messages[1]["content"]
    assert tool_messages[2]["content"].startswith("big.py (2000 lines)")
    assert outcome.state.malformed_streak == 0  # a good call after the bad one resets the streak
