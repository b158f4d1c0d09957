"""An OpenAI-compatible chat-completions client with tools, thinking and retries.

Works with OpenAI, Moonshot (kimi-k2-thinking and successors), DeepSeek, OpenRouter and local
vLLM/Ollama servers. Thinking models return ``reasoning_content`` (the SDK keeps it in
``model_extra``); it is read, kept in the message and, when ``echo_reasoning`` is on, sent
back on assistant tool-call messages (Moonshot refuses a multi-turn tool-call request without it).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, TextIO

import openai

from swebot.errors import ModelError
from swebot.models.base import ContextTooLong, Message, ModelReply, ToolCall, Usage
from swebot.models.pricing import CostMeter

_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "context length",
    "context window",
    "maximum context",
    "too many tokens",
    "prompt is too long",
    "exceeds the model's maximum",
)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for 429/5xx/timeouts; ``Retry-After`` wins when the server sends it."""

    max_retries: int = 5
    initial_backoff: float = 1.0
    multiplier: float = 2.0
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for longer than this is not waited for

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.initial_backoff * self.multiplier**attempt)


def to_wire(messages: Sequence[Message], *, echo_reasoning: bool) -> list[dict[str, Any]]:
    """Messages in the chat-completions wire format."""
    wire: list[dict[str, Any]] = []
    for m in messages:
        item: dict[str, Any] = {"role": m.role, "content": m.content}
        if m.role == "assistant" and m.tool_calls:
            item["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in m.tool_calls
            ]
            if echo_reasoning:
                item["reasoning_content"] = m.reasoning
        if m.role == "tool":
            item["tool_call_id"] = m.tool_call_id
        wire.append(item)
    return wire


def parse_completion(data: Mapping[str, Any]) -> tuple[Message, Usage, str]:
    """A chat-completion body (as a plain dict) -> the assistant message, usage and finish reason."""
    choices = data.get("choices") or []
    if not choices:
        problem = data.get("error")
        detail = f": {problem.get('message') or problem}" if isinstance(problem, Mapping) else ""
        raise ModelError(f"the model endpoint returned no choices{detail}")
    choice = choices[0]
    msg = choice.get("message") or {}
    reasoning = msg.get("reasoning_content") or msg.get("reasoning") or ""
    calls = tuple(
        ToolCall(
            id=str(c.get("id") or f"call_{i}"),
            name=str((c.get("function") or {}).get("name") or ""),
            arguments=str((c.get("function") or {}).get("arguments") or ""),
        )
        for i, c in enumerate(msg.get("tool_calls") or ())
    )
    message = Message(
        role="assistant", content=msg.get("content") or "", reasoning=reasoning, tool_calls=calls
    )
    return message, parse_usage(data.get("usage") or {}), str(choice.get("finish_reason") or "")


def parse_usage(u: Mapping[str, Any]) -> Usage:
    completion_details = u.get("completion_tokens_details") or {}
    prompt_details = u.get("prompt_tokens_details") or {}
    cached = (
        prompt_details.get("cached_tokens")
        or u.get("cached_tokens")  # Moonshot
        or u.get("prompt_cache_hit_tokens")  # DeepSeek
        or 0
    )
    return Usage(
        prompt_tokens=int(u.get("prompt_tokens") or 0),
        completion_tokens=int(u.get("completion_tokens") or 0),
        reasoning_tokens=int(completion_details.get("reasoning_tokens") or 0),
        cached_tokens=int(cached),
    )


def _merge_stream(chunks: Any, on_reasoning: Callable[[str], None]) -> dict[str, Any]:
    """Assemble streamed chunks into one completion body, echoing reasoning as it arrives."""
    content: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    finish, usage = "", None
    for chunk in chunks:
        data = chunk.model_dump() if hasattr(chunk, "model_dump") else chunk
        usage = data.get("usage") or usage
        for choice in data.get("choices") or ():
            delta = choice.get("delta") or {}
            finish = choice.get("finish_reason") or finish
            piece = delta.get("reasoning_content") or delta.get("reasoning")
            if piece:
                reasoning.append(piece)
                on_reasoning(piece)
            if delta.get("content"):
                content.append(delta["content"])
            for tc in delta.get("tool_calls") or ():
                slot = calls.setdefault(tc.get("index", 0), {"id": "", "function": {"name": "", "arguments": ""}})
                slot["id"] = tc.get("id") or slot["id"]
                fn = tc.get("function") or {}
                slot["function"]["name"] += fn.get("name") or ""
                slot["function"]["arguments"] += fn.get("arguments") or ""
    message = {
        "content": "".join(content),
        "reasoning_content": "".join(reasoning),
        "tool_calls": [calls[i] for i in sorted(calls)],
    }
    return {"choices": [{"message": message, "finish_reason": finish}], "usage": usage or {}}


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers if exc.response is not None else {}
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping):
            return str(inner.get("message") or inner)
        return str(inner)
    return str(exc.message)


class OpenAIChatModel:
    """``Model`` over any OpenAI-compatible ``/chat/completions`` endpoint."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None,
        api_key: str,
        echo_reasoning: bool = False,
        temperature: float | None = None,
        max_output_tokens: int | None = None,
        request_timeout: float = 600.0,
        retry: RetryPolicy = RetryPolicy(),
        cost_meter: CostMeter | None = None,
        thinking_stream: TextIO | None = None,
        extra_body: Mapping[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = model
        self.echo_reasoning = echo_reasoning
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, max_retries=0, timeout=request_timeout
        )
        self._temperature = temperature
        self._max_output_tokens = max_output_tokens
        self._retry = retry
        self._meter = cost_meter or CostMeter(model, {})
        self._thinking = thinking_stream
        self._extra_body = dict(extra_body or {})
        self._sleep = sleep

    def complete(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> ModelReply:
        request: dict[str, Any] = {
            "model": self.name,
            "messages": to_wire(messages, echo_reasoning=self.echo_reasoning),
        }
        if tools:
            request["tools"] = list(tools)
        if self._temperature is not None:
            request["temperature"] = self._temperature
        if self._max_output_tokens:
            request["max_tokens"] = self._max_output_tokens
        if self._extra_body:
            request["extra_body"] = self._extra_body
        start = time.monotonic()
        data, retries = self._call_with_retries(request)
        message, usage, finish = parse_completion(data)
        return ModelReply(
            message=message,
            usage=usage,
            cost=self._meter.cost(usage),
            finish_reason=finish,
            duration=time.monotonic() - start,
            retries=retries,
        )

    def _call_once(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._thinking is None:
            body: dict[str, Any] = self._client.chat.completions.create(**request).model_dump()
            return body
        stream = self._client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
        shown: list[str] = []

        def show(piece: str) -> None:
            shown.append(piece)
            self._show(piece)

        try:
            return _merge_stream(stream, show)
        finally:
            if shown and not shown[-1].endswith("\n"):
                self._show("\n")  # one reply's thinking per paragraph

    def _show(self, piece: str) -> None:
        assert self._thinking is not None
        self._thinking.write(piece)
        self._thinking.flush()

    def _call_with_retries(self, request: dict[str, Any]) -> tuple[dict[str, Any], int]:
        attempt = 0
        while True:
            try:
                return self._call_once(request), attempt
            except openai.APIStatusError as exc:
                text = _error_text(exc)
                if exc.status_code in (400, 413, 422) and any(
                    m in text.lower() for m in _CONTEXT_MARKERS
                ):
                    raise ContextTooLong(f"the prompt does not fit {self.name}'s context: {text}") from None
                if exc.status_code != 429 and exc.status_code < 500 and exc.status_code != 408:
                    raise ModelError(
                        f"the model endpoint refused the request (HTTP {exc.status_code}): {text}",
                        hint=_hint(exc.status_code),
                    ) from None
                wait = _retry_after(exc)
                if wait is not None and wait > self._retry.max_retry_after:
                    raise ModelError(
                        f"the model endpoint asked to retry after {wait:.0f}s (HTTP {exc.status_code}): {text}"
                    ) from None
                failure = f"HTTP {exc.status_code}: {text}"
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                wait, failure = None, f"{type(exc).__name__}: {exc}"
            except openai.OpenAIError as exc:  # e.g. a body that is not a chat completion
                raise ModelError(f"the model endpoint gave an unusable answer: {exc}") from None
            if attempt >= self._retry.max_retries:
                raise ModelError(
                    f"the model endpoint failed after {attempt + 1} attempts ({failure})",
                    hint="check --base-url and the provider's status; raise llm.retries.max_retries",
                )
            self._sleep(self._retry.backoff(attempt) if wait is None else wait)
            attempt += 1


def _hint(status: int) -> str | None:
    if status == 401:
        return "check the API key (the environment variable named by --api-key-env)"
    if status == 404:
        return "check --model and --base-url"
    return None
