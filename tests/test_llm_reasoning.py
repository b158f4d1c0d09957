"""A thinking model's reasoning goes back to the server the way it came, on every route:
servers that require it, refuse it, ignore it; OpenRouter's ``reasoning_details``; streamed
deltas; a long session with it echoed; and ``swebot fix`` against a server that requires it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from swebot.agent.compaction import STUB_MARK
from swebot.agent.config import AgentSettings
from swebot.agent.files import Files
from swebot.agent.loop import AgentLoop
from swebot.agent.toolbox import Toolbox
from swebot.agent.tools import TOOLS, ToolContext
from swebot.cli import main
from swebot.errors import ModelError
from swebot.models import Message
from swebot.models.openai_chat import OpenAIChatModel, RetryPolicy
from swebot.sandbox.local import LocalSandbox
from swebot.trajectory import Trajectory
from swebot.types import Budget
from tests.fake_openai import FakeOpenAI, call_reply, completion, tool_call

STEPS = 300  # steps of the long session
VIEW = [{"type": "function", "function": {"name": "view", "parameters": {"type": "object", "properties": {}}}}]
DETAILS = [
    {"type": "reasoning.text", "text": "The sum is computed with a minus sign.", "signature": "sig-abc", "format": "x"},
    {"type": "reasoning.encrypted", "data": "b64-opaque-blob==", "format": "x"},
]


def make(server: FakeOpenAI, **kw: Any) -> OpenAIChatModel:
    return OpenAIChatModel("fake-thinker", base_url=server.base_url, api_key="", sleep=lambda _: None,
                           retry=RetryPolicy(max_retries=1, initial_backoff=0.0), **kw)


def after(reply: Message, n: int = 1) -> list[Message]:
    """A conversation that goes on from ``reply`` (its tool call answered)."""
    return [Message("system", "sys"), Message("user", "fix it"), reply,
            Message("tool", f"observation {n}", tool_call_id=reply.tool_calls[0].id, name="view")]


def assistants(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "assistant" and m.get("tool_calls")]


def test_server_that_requires_reasoning_gets_it_back_without_a_provider_preset() -> None:
    with FakeOpenAI([call_reply("view", {}, reasoning="read a.py first"), completion("done")],
                    require_reasoning_echo=True) as server:
        model = make(server)  # the defaults, as for --provider custom / vllm / openrouter
        first = model.complete([Message("user", "fix it")], VIEW)
        final = model.complete(after(first.message), VIEW)
    assert final.message.content == "done" and final.events == ()
    assert server.rejected_for_reasoning == 0
    assert assistants(server.requests[1].body)[0]["reasoning_content"] == "read a.py first"


def test_a_turn_that_came_back_without_reasoning_is_sent_with_an_empty_one_once_the_server_asks() -> None:
    plain = completion(calls=[tool_call("view", {})])  # this reply carried no reasoning at all
    with FakeOpenAI([plain, call_reply("view", {}, reasoning="again"), completion("done")],
                    require_reasoning_echo=True) as server:
        model = make(server)
        first = model.complete([Message("user", "fix it")], VIEW)
        second = model.complete(after(first.message), VIEW)
        third = model.complete([*after(first.message), second.message,
                                Message("tool", "o2", tool_call_id=second.message.tool_calls[0].id)], VIEW)
    assert server.rejected_for_reasoning == 1  # once, then the session remembers
    assert [e["kind"] for e in second.events] == ["reasoning_echo_required"]
    assert second.events[0]["field"] == "reasoning_content" and "missing" in second.events[0]["error"]
    assert third.events == () and third.message.content == "done"
    sent = assistants(server.requests[-1].body)
    assert [m["reasoning_content"] for m in sent] == ["", "again"]


def test_server_that_refuses_the_field_is_retried_once_without_it_and_never_sent_it_again() -> None:
    script = [call_reply("view", {}, reasoning="r1"), call_reply("view", {}, reasoning="r2"), completion("done")]
    with FakeOpenAI(script, reject_reasoning_echo=True) as server:
        model = make(server)
        first = model.complete([Message("user", "fix it")], VIEW)
        second = model.complete(after(first.message), VIEW)
        third = model.complete([*after(first.message), second.message,
                                Message("tool", "o2", tool_call_id=second.message.tool_calls[0].id)], VIEW)
    assert server.refused_reasoning == 1
    assert [e["kind"] for e in second.events] == ["reasoning_echo_refused"]
    assert second.events[0]["fields"] == ["reasoning_content"]
    assert third.events == () and third.message.content == "done"
    assert second.message.reasoning == "r2"  # still read and kept (the trajectory has it), just not sent
    for request in server.requests[2:]:
        assert all(not (set(m) & {"reasoning_content", "reasoning", "reasoning_details"})
                   for m in request.body["messages"])


def test_server_that_ignores_the_field_gets_it_and_carries_on() -> None:
    with FakeOpenAI([call_reply("view", {}, reasoning="think"), completion("done")]) as server:
        model = make(server)
        first = model.complete([Message("user", "fix it")], VIEW)
        final = model.complete(after(first.message), VIEW)
    assert final.message.content == "done" and final.events == ()
    assert assistants(server.requests[1].body)[0]["reasoning_content"] == "think"


def test_openrouter_reasoning_and_details_go_back_verbatim_under_their_own_names() -> None:
    body = completion(calls=[tool_call("view", {})], reasoning="minus, not plus", reasoning_field="reasoning",
                      reasoning_details=DETAILS)
    with FakeOpenAI([body, completion("done")]) as server:
        model = make(server)
        first = model.complete([Message("user", "fix it")], VIEW)
        model.complete(after(first.message), VIEW)
    assert (first.message.reasoning, first.message.reasoning_field) == ("minus, not plus", "reasoning")
    sent = assistants(server.requests[1].body)[0]
    assert sent["reasoning"] == "minus, not plus" and "reasoning_content" not in sent
    assert sent["reasoning_details"] == DETAILS


def test_a_server_that_refuses_reasoning_details_drops_them_too() -> None:
    body = completion(calls=[tool_call("view", {})], reasoning_details=DETAILS)
    with FakeOpenAI([body, completion("done")], reject_reasoning_echo=True) as server:
        model = make(server)
        first = model.complete([Message("user", "fix it")], VIEW)
        final = model.complete(after(first.message), VIEW)
    assert final.events[0]["fields"] == ["reasoning_details"]
    assert "reasoning_details" not in assistants(server.requests[-1].body)[0]


def test_streamed_reasoning_deltas_are_assembled_and_echoed_under_the_streamed_name() -> None:
    body = completion(calls=[tool_call("view", {"path": "a.py"})], reasoning="streamed thoughts here",
                      reasoning_field="reasoning", reasoning_details=DETAILS)
    shown = io.StringIO()
    with FakeOpenAI([body, completion("done")]) as server:
        model = make(server, thinking_stream=shown)
        first = model.complete([Message("user", "fix it")], VIEW)
        model.complete(after(first.message), VIEW)
    assert server.requests[0].body["stream"] is True
    assert shown.getvalue().startswith("streamed thoughts here")
    assert (first.message.reasoning, first.message.reasoning_field) == ("streamed thoughts here", "reasoning")
    # OpenRouter's fragments: each block's text joined, its other keys kept
    assert [dict(d) for d in first.message.reasoning_details] == [
        {**DETAILS[0], "index": 0}, {**DETAILS[1], "index": 1, "text": ""}]
    sent = assistants(server.requests[1].body)[0]
    assert sent["reasoning"] == "streamed thoughts here"
    assert [d["text"] for d in sent["reasoning_details"]] == [DETAILS[0]["text"], ""]


def test_without_show_thinking_requests_are_not_streamed() -> None:
    with FakeOpenAI([completion("done", reasoning="r")]) as server:
        make(server).complete([Message("user", "hi")], VIEW)
    assert "stream" not in server.requests[0].body


def test_no_echo_sends_nothing_and_a_server_that_requires_it_says_what_to_do() -> None:
    with FakeOpenAI([call_reply("view", {}, reasoning="secret thoughts")], require_reasoning_echo=True) as server:
        model = make(server, echo_reasoning=False)
        first = model.complete([Message("user", "fix it")], VIEW)
        with pytest.raises(ModelError, match="reasoning_content") as info:
            model.complete(after(first.message), VIEW)
    assert "--no-echo-reasoning" in (info.value.hint or "")
    assert "reasoning_content" not in assistants(server.requests[1].body)[0]


def _long_session(repo: Path, settings: AgentSettings) -> tuple[FakeOpenAI, Any]:
    thinking = "Let me think about where the bug hides. " * 100  # 4,000 characters a turn

    def step(n: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
        return lambda _body: call_reply("view", {"path": "big.py", "start": 1 + (n * 37) % 1900},
                                        reasoning=f"step {n}: {thinking}", reasoning_details=DETAILS[:1])

    with FakeOpenAI([step(n) for n in range(STEPS)], require_reasoning_echo=True) as server, \
            LocalSandbox(repo) as sandbox:
        toolbox = Toolbox(TOOLS, ToolContext(sandbox=sandbox, files=Files(sandbox), settings=settings),
                          limit=settings.observation_chars)
        loop = AgentLoop(make(server), toolbox, Trajectory(None, {}), settings, Budget(max_steps=STEPS),
                         lambda *_: None)
        outcome = loop.run([Message("system", "You are a test."), Message("user", "Read big.py.")])
    assert outcome.limit_hit == "max_steps" and outcome.state.steps == STEPS
    assert server.rejected_for_reasoning == 0  # every tool-call turn went back with its reasoning
    return server, thinking


@pytest.fixture
def big_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"big.py": "".join(f"def f{i}(x):\n    return x + {i}  # {'pad ' * 8}\n" for i in range(1000))})


def test_a_300_step_session_with_reasoning_echoed_keeps_its_prompt_bounded(big_repo: Path) -> None:
    settings = AgentSettings()
    server, thinking = _long_session(big_repo, settings)
    sizes = [len(json.dumps(r.body["messages"])) for r in server.requests]
    assert max(sizes) < settings.context_tokens * 4 * 0.6  # under the compaction trigger, in characters
    assert (sizes[299] - sizes[199]) / 100 < 1_000  # a stub a step, not 4,000 characters of thinking
    last = assistants(server.requests[-1].body)
    assert last[-1]["reasoning_content"] == f"step 298: {thinking}"  # the latest turn's in full
    assert last[-1]["reasoning_details"] == DETAILS[:1]
    assert all(m["reasoning_content"].startswith(STUB_MARK) for m in last[:-10])
    assert all("reasoning_details" not in m for m in last[:-10])  # cannot be shortened: dropped when old


def test_a_session_longer_than_the_window_elides_whole_old_turns(big_repo: Path) -> None:
    settings = AgentSettings(context_tokens=8_000)  # stubs alone would outgrow it within 100 steps
    server, thinking = _long_session(big_repo, settings)
    sizes = [len(json.dumps(r.body["messages"])) for r in server.requests]
    assert max(sizes) < settings.context_tokens * 4  # the whole window, in characters, with JSON overhead
    last = server.requests[-1].body["messages"]
    assert last[2]["role"] == "user" and last[2]["content"].startswith("[elided] ")
    for request in server.requests:  # every tool answer still follows the call it answers
        open_calls: set[str] = set()
        for m in request.body["messages"]:
            if m["role"] == "assistant":
                open_calls = {c["id"] for c in m.get("tool_calls") or ()}
            elif m["role"] == "tool":
                assert m["tool_call_id"] in open_calls
    assert assistants(server.requests[-1].body)[-1]["reasoning_content"] == f"step 298: {thinking}"


FILES = {"textutil.py": "def shout(text):\n    return text.lower() + \"!\"\n"}
REPRO = "from textutil import shout\n\n\ndef test_shout():\n    assert shout('hi') == 'HI!'\n"
SCRIPT = [
    ("create_file", {"path": "tests/test_shout.py", "content": REPRO}),
    ("reproduce", {"path": "tests/test_shout.py"}),
    ("str_replace", {"path": "textutil.py", "old_str": "text.lower()", "new_str": "text.upper()"}),
    ("submit", {"summary": "shout() upper-cases"}),
]


@pytest.fixture
def fix_cli(make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., tuple[FakeOpenAI, dict[str, Any]]]:
    """``swebot fix --engine llm --model fake-thinker --base-url ...`` (no --provider) against a
    fake server made with ``server_options``; the server and the --json report."""
    import contextlib

    repo = make_repo(FILES)
    monkeypatch.setenv("SWEBOT_HOME", str(tmp_path / "home"))

    def run(*extra: str, reasoning: str = "thinking before", **server_options: Any) -> tuple[FakeOpenAI, dict]:
        out = io.StringIO()
        script = [call_reply(n, a, reasoning=f"{reasoning} {n}") for n, a in SCRIPT]
        with FakeOpenAI(script, **server_options) as server, contextlib.redirect_stdout(out):
            status = main(["fix", str(repo), "--engine", "llm", "--model", "fake-thinker", "--base-url",
                           server.base_url, "--issue", "shout('hi') gives 'hi!'", "--sandbox", "local", "--json",
                           *extra])
        report = json.loads(out.getvalue())
        assert (status, report["status"]) == (0, "fixed"), report
        return server, report

    return run


def test_cli_fix_against_a_server_that_requires_reasoning_succeeds_without_provider(fix_cli: Callable) -> None:
    server, report = fix_cli(require_reasoning_echo=True)
    assert server.rejected_for_reasoning == 0
    trajectory = json.loads(Path(report["details"]["trajectory"]).read_text())
    assert trajectory["meta"]["settings"]["resolved"]["provider"] == "custom"


def test_cli_fix_against_a_gateway_that_refuses_reasoning_records_the_change(fix_cli: Callable) -> None:
    server, report = fix_cli(reject_reasoning_echo=True)
    assert server.refused_reasoning == 1
    trajectory = json.loads(Path(report["details"]["trajectory"]).read_text())
    [event] = [e for e in trajectory["events"] if e["kind"] == "reasoning_echo_refused"]
    assert event["step"] == 1 and event["fields"] == ["reasoning_content"]
    # the thinking is still recorded, under the name the server used
    assert trajectory["messages"][2]["reasoning"] == "thinking before create_file"
    assert trajectory["messages"][2]["reasoning_field"] == "reasoning_content"


def test_cli_no_echo_reasoning_keeps_reasoning_off_the_wire(fix_cli: Callable) -> None:
    server, _ = fix_cli("--no-echo-reasoning", reasoning="private")
    assert all("reasoning_content" not in m for r in server.requests for m in r.body["messages"])


@pytest.mark.parametrize("switch, expected", [([], True), (["--echo-reasoning"], True),
                                              (["--no-echo-reasoning"], False)])
def test_batch_run_and_fix_take_the_switch(switch: list[str], expected: bool, tmp_path: Path) -> None:
    from swebot.cli import build_parser
    from swebot.commands.batch import run_settings
    from swebot.commands.fix import request_from_args

    parser = build_parser()
    batch = parser.parse_args(["batch", "run", "--instances", str(tmp_path / "i.json"), "--engine", "llm",
                               "--model", "fake-thinker", "--output", str(tmp_path / "out"), *switch])
    fix = parser.parse_args(["fix", str(tmp_path), "--engine", "llm", "--model", "fake-thinker", *switch])
    for settings in (run_settings(batch).llm, request_from_args(fix, tmp_path, None).engine_settings):
        assert settings.resolved_echo() is expected
