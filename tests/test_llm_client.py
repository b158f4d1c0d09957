"""The OpenAI-compatible client against a fake server on loopback."""

from __future__ import annotations

import io

import pytest

from tests.fake_openai import FakeOpenAI, Fault, call_reply, completion, tool_call
from swebot.errors import ModelError
from swebot.models import ContextTooLong, Message, Price, ToolCall
from swebot.models.openai_chat import OpenAIChatModel, RetryPolicy
from swebot.models.pricing import CostMeter

TOOLS = [{"type": "function", "function": {"name": "view", "parameters": {"type": "object", "properties": {}}}}]


def make(server: FakeOpenAI, **kw) -> tuple[OpenAIChatModel, list[float]]:
    sleeps: list[float] = []
    kw.setdefault("retry", RetryPolicy(max_retries=3, initial_backoff=0.5, multiplier=2.0))
    model = OpenAIChatModel(
        "kimi-k2-thinking", base_url=server.base_url, api_key="sk-test", sleep=sleeps.append, **kw
    )
    return model, sleeps


def conversation_after_tool_call(reply: Message) -> list[Message]:
    return [
        Message("system", "sys"),
        Message("user", "fix it"),
        reply,
        Message("tool", "file text", tool_call_id=reply.tool_calls[0].id, name="view"),
    ]


def test_reads_reasoning_tool_calls_and_usage() -> None:
    body = call_reply("view", {"path": "a.py"}, reasoning="look at a.py", prompt_tokens=1000,
                      completion_tokens=200, reasoning_tokens=150, cached_tokens=400)
    with FakeOpenAI([body]) as server:
        meter = CostMeter("kimi-k2-thinking", {"kimi-k2-thinking": Price(input=1.0, output=2.0, cached_input=0.5)})
        model, _ = make(server, cost_meter=meter)
        reply = model.complete([Message("user", "hi")], TOOLS)
    assert reply.message.reasoning == "look at a.py"
    assert reply.message.tool_calls[0].name == "view"
    assert reply.message.tool_calls[0].arguments == '{"path": "a.py"}'
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (1000, 200)
    assert (reply.usage.reasoning_tokens, reply.usage.cached_tokens) == (150, 400)
    assert reply.cost == pytest.approx((600 * 1.0 + 400 * 0.5 + 200 * 2.0) / 1e6)
    sent = server.requests[0]
    assert sent.body["model"] == "kimi-k2-thinking" and sent.body["tools"] == TOOLS
    assert sent.headers["authorization"] == "Bearer sk-test"


def test_moonshot_rejects_missing_reasoning_and_echo_fixes_it() -> None:
    first = call_reply("view", {"path": "a.py"}, reasoning="I should read a.py")
    with FakeOpenAI([first, completion("done")], require_reasoning_echo=True) as server:
        model, _ = make(server, echo_reasoning=False)
        reply = model.complete([Message("user", "fix")], TOOLS)
        with pytest.raises(ModelError, match="reasoning_content"):
            model.complete(conversation_after_tool_call(reply.message), TOOLS)
        assert server.rejected_for_reasoning == 1
        assert len(server.requests) == 2  # a 400 is not retried

        echoing, _ = make(server, echo_reasoning=True)
        final = echoing.complete(conversation_after_tool_call(reply.message), TOOLS)
    assert final.message.content == "done"
    assistant = server.requests[-1].body["messages"][2]
    assert assistant["reasoning_content"] == "I should read a.py"
    assert assistant["tool_calls"][0]["function"]["name"] == "view"


def test_429_then_success_honours_retry_after() -> None:
    script = [Fault(429, "slow down", headers={"Retry-After": "7"}), completion("ok")]
    with FakeOpenAI(script) as server:
        model, sleeps = make(server)
        reply = model.complete([Message("user", "hi")], [])
    assert reply.message.content == "ok" and reply.retries == 1
    assert sleeps == [7.0]
    assert len(server.requests) == 2


def test_5xx_backs_off_until_retries_run_out() -> None:
    with FakeOpenAI([Fault(500, "boom")] * 10) as server:
        model, sleeps = make(server)
        with pytest.raises(ModelError, match=r"failed after 4 attempts \(HTTP 500: boom\)"):
            model.complete([Message("user", "hi")], [])
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(server.requests) == 4


@pytest.mark.parametrize("status", [400, 401, 404])
def test_client_errors_are_not_retried(status: int) -> None:
    with FakeOpenAI([Fault(status, "nope"), completion("never")]) as server:
        model, sleeps = make(server)
        with pytest.raises(ModelError, match=f"HTTP {status}"):
            model.complete([Message("user", "hi")], [])
    assert len(server.requests) == 1 and sleeps == []


def test_context_length_error_is_its_own_exception() -> None:
    fault = Fault(400, "This model's maximum context length is 8192 tokens", code="context_length_exceeded")
    with FakeOpenAI([fault]) as server:
        model, _ = make(server)
        with pytest.raises(ContextTooLong):
            model.complete([Message("user", "hi")], [])


def test_unknown_price_warns_once_and_counts_tokens() -> None:
    warnings = io.StringIO()
    with FakeOpenAI([completion("a"), completion("b")]) as server:
        model, _ = make(server, cost_meter=CostMeter("mystery-model", {}, stream=warnings))
        replies = [model.complete([Message("user", "hi")], []) for _ in range(2)]
    assert [r.cost for r in replies] == [None, None]
    assert replies[0].usage.prompt_tokens == 100
    assert warnings.getvalue().count("no price known for model 'mystery-model'") == 1


def test_show_thinking_streams_reasoning_and_assembles_tool_calls() -> None:
    body = completion(calls=[tool_call("view", {"path": "pkg/mod.py", "start": 3})],
                      reasoning="the bug is in mod.py", reasoning_tokens=9)
    shown = io.StringIO()
    with FakeOpenAI([body]) as server:
        model, _ = make(server, thinking_stream=shown)
        reply = model.complete([Message("user", "hi")], TOOLS)
    assert shown.getvalue() == "the bug is in mod.py\n"
    assert reply.message.reasoning == "the bug is in mod.py"
    assert reply.message.tool_calls == (
        ToolCall(body["choices"][0]["message"]["tool_calls"][0]["id"], "view", '{"path": "pkg/mod.py", "start": 3}'),
    )
    assert reply.usage.reasoning_tokens == 9
    assert server.requests[0].body["stream"] is True


def test_timeout_is_retried() -> None:
    import time as _time

    def slow(body: dict) -> dict:
        _time.sleep(1.0)
        return completion("late")

    with FakeOpenAI([slow, completion("on time")]) as server:
        model, sleeps = make(server, request_timeout=0.2)
        reply = model.complete([Message("user", "hi")], [])
    assert reply.message.content == "on time" and reply.retries == 1
    assert sleeps == [0.5] and len(server.requests) == 2
