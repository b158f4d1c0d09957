"""The LLM engine end to end: a real fixture repository, real pytest, a fake OpenAI server."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from swebot.agent.config import AgentSettings, LLMSettings, RetrySettings
from swebot.engines.llm import LLMEngine
from swebot.sandbox.local import LocalSandbox
from swebot.types import Budget, Task
from swebot.workspace import snapshot
from tests.fake_openai import FakeOpenAI, Fault, call_reply, completion, tool_call

FILES = {
    "calc/__init__.py": "",
    "calc/ops.py": '''
        def add(a, b):
            """Sum of a and b."""
            return a - b


        def mul(a, b):
            return a * b
        ''',
    "tests/test_ops.py": '''
        from calc.ops import add, mul


        def test_add():
            assert add(2, 3) == 5


        def test_mul():
            assert mul(2, 3) == 6
        ''',
}
FIXED_ADD = 'def add(a, b):\n    """Sum of a and b."""\n    return a + b\n'
API_KEY = "sk-fake-0123456789abcdef"
ISSUE = "add(2, 3) returns -1 instead of 5"


@pytest.fixture
def workspace(make_repo: Callable[..., Path]) -> Iterator[Path]:
    ws = snapshot(make_repo(FILES))
    yield ws.path
    ws.cleanup()


def settings(server: FakeOpenAI, tmp_path: Path, **kw: Any) -> LLMSettings:
    # These sessions edit straight away; reproduction-first is covered in test_scaling_reproduce.py.
    kw.setdefault("agent", AgentSettings(reproduce=False))
    return LLMSettings(
        model="kimi-k2-thinking", provider="moonshot", base_url=server.base_url,
        retries=RetrySettings(max_retries=2, initial_backoff=0.01, max_backoff=0.02),
        trajectory_path=tmp_path / "run" / "trajectory.json", **kw,
    )


def run_engine(server: FakeOpenAI, workspace: Path, tmp_path: Path, budget: Budget = Budget(max_steps=30),
               issue: str | None = None, tests: str | None = "python -m pytest -q", **kw: Any) -> tuple[Any, list[tuple[str, dict]]]:
    events: list[tuple[str, dict]] = []
    engine = LLMEngine(settings(server, tmp_path, **kw), environ={"MOONSHOT_API_KEY": API_KEY}, stderr=io.StringIO())
    task = Task(workspace=workspace, test_command=tests, issue=issue, test_timeout=120)
    with LocalSandbox(workspace) as sandbox:
        result = engine.repair(task, sandbox, budget, lambda e, f: events.append((e, dict(f))))
    return result, events


REPAIR_SCRIPT = [
    call_reply("view", {"path": "calc/ops.py", "symbol": "add"}, reasoning="the failing test is test_add; read add"),
    call_reply("edit_symbol", {"path": "calc/ops.py", "symbol": "add", "code": FIXED_ADD},
               reasoning="add subtracts; it should add"),
    call_reply("run_tests", {"tests": ["tests/test_ops.py::test_add"]}, reasoning="check the fix"),
    call_reply("submit", {"summary": "add() subtracted instead of adding"}, reasoning="done"),
]


def test_complete_repair_through_tool_calls(workspace: Path, tmp_path: Path) -> None:
    chatty = completion("I think the bug is in add.", reasoning="hmm")  # no tool call: nudged
    with FakeOpenAI([chatty, *REPAIR_SCRIPT], require_reasoning_echo=True) as server:
        result, events = run_engine(server, workspace, tmp_path)
    assert result.status == "fixed", result.details
    nudge = server.requests[1].body["messages"][-1]
    assert nudge["role"] == "user" and "called no tool" in nudge["content"]
    assert "-    return a - b\n+    return a + b" in result.patch
    assert result.failing_before == ("tests/test_ops.py::test_add",)
    assert result.failing_after == ()
    assert result.details["steps"] == 5 and result.details["end_reason"] == "submitted"
    assert result.details["usage"]["prompt_tokens"] == 500
    assert (workspace / "calc/ops.py").read_text().count("return a + b") == 1
    # what the model saw: the failing test in the first prompt, the file with line numbers
    first = server.requests[0].body["messages"]
    assert "tests/test_ops.py::test_add" in first[1]["content"]
    observations = [m for m in server.requests[2].body["messages"] if m["role"] == "tool"]
    assert "calc/ops.py lines 1-3 of 7" in observations[0]["content"]
    assert "     3\t    return a - b" in observations[0]["content"]
    # reasoning went back on every assistant tool-call turn (the server demands it)
    last = server.requests[-1].body["messages"]
    assistants = [m for m in last if m["role"] == "assistant" and m.get("tool_calls")]
    assert [m["reasoning_content"] for m in assistants] == [
        "the failing test is test_add; read add", "add subtracts; it should add", "check the fix"]
    assert server.rejected_for_reasoning == 0
    assert (server.requests[0].body["temperature"], server.requests[0].body["max_tokens"]) == (1.0, 32_768)
    steps = [f for e, f in events if e == "step"]
    assert [s["tool"] for s in steps] == ["-", "view", "edit_symbol", "run_tests", "submit"]
    # the trajectory: full messages with reasoning, edits, test reports; no API key anywhere
    traj_path = Path(result.details["trajectory"])
    text = traj_path.read_text()
    assert API_KEY not in text
    traj = json.loads(text)
    assert traj["result"]["status"] == "fixed" and traj["result"]["patch"] == result.patch
    assert traj["steps"][2]["tools"][0]["edit"]["id"] == "e1"
    assert traj["steps"][3]["tools"][0]["tests"]["failing"] == []
    assert traj["messages"][4]["reasoning"] == "the failing test is test_add; read add"


def test_without_echo_moonshot_refuses_and_the_run_ends_with_a_model_error(workspace: Path, tmp_path: Path) -> None:
    with FakeOpenAI(REPAIR_SCRIPT, require_reasoning_echo=True) as server:
        result, _ = run_engine(server, workspace, tmp_path, echo_reasoning=False, tests=None, issue=ISSUE)
    assert server.rejected_for_reasoning == 1
    assert result.status == "not_fixed"
    assert "reasoning_content" in result.details["model_error"]
    assert result.details["steps"] == 1


def test_submit_with_failing_tests_goes_back_to_the_model(workspace: Path, tmp_path: Path) -> None:
    script = [
        call_reply("str_replace", {"path": "calc/ops.py", "old_str": "a * b", "new_str": "a ** b"}),
        call_reply("submit", {}),
        call_reply("undo", {}),
        call_reply("edit_symbol", {"path": "calc/ops.py", "symbol": "add", "code": FIXED_ADD}),
        call_reply("submit", {"summary": "fixed add"}),
    ]
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path)
    refused = [m for m in server.requests[2].body["messages"] if m["role"] == "tool"][-1]["content"]
    assert "not done: the originally failing tests still fail" in refused
    assert "submit refused" in refused
    assert result.status == "fixed" and result.details["submits"] == 2
    assert "a ** b" not in result.patch and "return a + b" in result.patch


def test_syntax_breaking_edit_is_refused_and_file_untouched(workspace: Path, tmp_path: Path) -> None:
    before = (workspace / "calc/ops.py").read_text()
    script = [
        call_reply("str_replace", {"path": "calc/ops.py", "old_str": "return a - b", "new_str": "return a +"}),
        call_reply("view", {"path": "../../etc/passwd"}),
    ]
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, budget=Budget(max_steps=2), tests=None, issue=ISSUE)
    tools = [m["content"] for m in server.requests[-1].body["messages"] if m["role"] == "tool"]
    assert "edit refused, the file would not parse: SyntaxError at calc/ops.py:3" in tools[0]
    assert (workspace / "calc/ops.py").read_text() == before
    assert result.limit_hit == "max_steps" and result.patch == ""
    traj = json.loads(Path(result.details["trajectory"]).read_text())
    assert "outside the workspace" in traj["messages"][-1]["content"]


def test_malformed_calls_get_error_observations_then_end_the_run(workspace: Path, tmp_path: Path) -> None:
    cut = completion(calls=[tool_call("view", '{"path": "calc/ops.py"')], reasoning="r")  # bad JSON...
    cut["choices"][0]["finish_reason"] = "length"  # ...because the reply hit max_tokens
    script = [
        cut,
        completion(calls=[tool_call("teleport", {})], reasoning="r"),  # unknown tool
        completion(calls=[tool_call("view", {"start": 3})], reasoning="r"),  # missing argument
    ]
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, tests=None, issue=ISSUE)
    tools = [m["content"] for m in server.requests[-1].body["messages"] if m["role"] == "tool"]
    assert "not valid JSON" in tools[0] and "Malformed tool call 1 of 3" in tools[0]
    assert "cut off at the output token limit" in tools[0] and "cut off" not in tools[1]
    assert "unknown tool 'teleport'" in tools[1]
    assert result.details["end_reason"] == "malformed" and result.details["steps"] == 3
    assert result.status == "not_fixed"


def test_step_limit_keeps_best_patch(workspace: Path, tmp_path: Path) -> None:
    script = REPAIR_SCRIPT[:2] + [call_reply("view", {"path": "calc/ops.py"})] * 5
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, budget=Budget(max_steps=3), tests=None, issue=ISSUE)
    assert result.limit_hit == "max_steps" and len(server.requests) == 3
    assert result.status == "not_fixed"  # never submitted, so never verified
    assert "+    return a + b" in result.patch


def test_cost_limit_checked_before_each_call(workspace: Path, tmp_path: Path) -> None:
    from swebot.models import Price

    script = [call_reply("view", {"path": "calc/ops.py"}, prompt_tokens=1_000_000, completion_tokens=0)] * 5
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, budget=Budget(max_steps=50, max_cost=2.5), tests=None, issue=ISSUE,
                               prices={"kimi-k2-thinking": Price(input=1.0, output=1.0)})
    assert result.limit_hit == "max_cost"
    assert len(server.requests) == 3  # $1, $2, $3 spent; the 4th call is not made
    assert result.details["cost"] == pytest.approx(3.0)


def test_server_errors_past_retries_end_with_model_error_and_keep_patch(workspace: Path, tmp_path: Path) -> None:
    script = [REPAIR_SCRIPT[1], *[Fault(500, "upstream down")] * 5]
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, tests=None, issue=ISSUE)
    assert len(server.requests) == 4  # one good call, then 1 + 2 retries
    assert "failed after 3 attempts (HTTP 500: upstream down)" in result.details["model_error"]
    assert result.status == "not_fixed" and "+    return a + b" in result.patch


def test_missing_api_key_is_bad_input(workspace: Path, tmp_path: Path) -> None:
    from swebot.errors import BadInput

    engine = LLMEngine(LLMSettings(model="kimi-k2-thinking"), environ={})
    with LocalSandbox(workspace) as sandbox, pytest.raises(BadInput, match=r"\$MOONSHOT_API_KEY"):
        engine.repair(Task(workspace=workspace, test_command="python -m pytest -q"), sandbox, Budget(), lambda *a: None)


def test_api_key_never_reaches_model_or_trajectory(workspace: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOONSHOT_API_KEY", API_KEY)  # the sandbox inherits the environment...
    monkeypatch.setenv("LEAKY_COPY", API_KEY)  # ...and a copy the tools cannot know about
    script = [call_reply("bash", {"command": "echo key=$MOONSHOT_API_KEY; printenv LEAKY_COPY"}),
              call_reply("submit", {})]
    with FakeOpenAI(script) as server:
        result, _ = run_engine(server, workspace, tmp_path, tests=None, issue=ISSUE)
    observation = [m for m in server.requests[1].body["messages"] if m["role"] == "tool"][0]["content"]
    assert observation == "exit code 1\nkey="  # neither the key's variable nor the copy is there
    assert API_KEY not in json.dumps([r.body for r in server.requests])
    assert API_KEY not in Path(result.details["trajectory"]).read_text()
