"""An OpenAI-compatible chat-completions client with tools, thinking and retries.

Works with OpenAI, Moonshot (kimi-k2-thinking and successors), DeepSeek, OpenRouter and local
vLLM/SGLang/Ollama servers. Thinking models return their reasoning as ``reasoning_content``
(Moonshot, DeepSeek, vLLM, SGLang) or ``reasoning`` (OpenRouter, newer vLLM), and OpenRouter adds
structured ``reasoning_details``. Whatever came back is kept in the message and, unless
``echo_reasoning`` is off, sent back on that assistant tool-call message under the same name:
interleaved-thinking models need it to continue their chain of thought, and Moonshot refuses a
multi-turn tool-call request without it.

The session adapts once to a server that disagrees: a 400 saying the reasoning field is missing
turns on sending it (empty when nothing came back) on every tool-call turn; a 400 refusing the
field turns echoing off. Either change is reported in ``ModelReply.events`` (the loop records it
in the trajectory) and kept for the rest of the session.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, TextIO

import openai

from swebot.errors import ModelError
from swebot.models.base import REASONING_FIELDS, ContextTooLong, Message, ModelReply, ToolCall, Usage
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


DETAILS_FIELD = "reasoning_details"
# A field name as a whole word: "reasoning" must not match inside "reasoning_content".
_FIELD_NAMED = re.compile(r"(?<![A-Za-z_])(reasoning_content|reasoning_details|reasoning)(?![A-Za-z_])")
_WANTED = re.compile(r"\b(missing|required|requires|must (?:be )?(?:include|provide|present|set))", re.IGNORECASE)


def to_wire(messages: Sequence[Message], *, echo_reasoning: bool = True,
            required_field: str = "") -> list[dict[str, Any]]:
    """Messages in the chat-completions wire format.

    With ``echo_reasoning``, an assistant tool-call message carries back the reasoning the server
    gave with it, under the name it used (``reasoning_content`` when it was recorded without
    one), and OpenRouter's ``reasoning_details`` verbatim. ``required_field``: the server wants
    that field on every tool-call turn, so it is sent even when empty.
    """
    wire: list[dict[str, Any]] = []
    for m in messages:
        item: dict[str, Any] = {"role": m.role, "content": m.content}
        if m.role == "assistant" and m.tool_calls:
            item["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in m.tool_calls
            ]
            if echo_reasoning:
                field = m.reasoning_field or (REASONING_FIELDS[0] if m.reasoning else "")
                if field:
                    item[field] = m.reasoning
                if required_field and required_field not in item:
                    item[required_field] = m.reasoning
                if m.reasoning_details:
                    item[DETAILS_FIELD] = [dict(d) for d in m.reasoning_details]
        if m.role == "tool":
            item["tool_call_id"] = m.tool_call_id
        wire.append(item)
    return wire


def carries_reasoning(wire: Sequence[Mapping[str, Any]]) -> bool:
    return any(f in m for m in wire for f in (*REASONING_FIELDS, DETAILS_FIELD))


def reasoning_of(msg: Mapping[str, Any]) -> tuple[str, str]:
    """(text, field name) of the reasoning in a message or delta; ("", "") when there is none."""
    present = [f for f in REASONING_FIELDS if isinstance(msg.get(f), str)]
    field = next((f for f in present if msg[f]), present[0] if present else "")
    return (msg[field] if field else ""), field


def parse_completion(data: Mapping[str, Any]) -> tuple[Message, Usage, str]:
    """A chat-completion body (as a plain dict) -> the assistant message, usage and finish reason."""
    choices = data.get("choices") or []
    if not choices:
        problem = data.get("error")
        detail = f": {problem.get('message') or problem}" if isinstance(problem, Mapping) else ""
        raise ModelError(f"the model endpoint returned no choices{detail}")
    choice = choices[0]
    msg = choice.get("message") or {}
    reasoning, field = reasoning_of(msg)
    details = msg.get(DETAILS_FIELD)
    calls = tuple(
        ToolCall(
            id=str(c.get("id") or f"call_{i}"),
            name=str((c.get("function") or {}).get("name") or ""),
            arguments=str((c.get("function") or {}).get("arguments") or ""),
        )
        for i, c in enumerate(msg.get("tool_calls") or ())
    )
    message = Message(
        role="assistant", content=msg.get("content") or "", reasoning=reasoning, tool_calls=calls,
        reasoning_field=field,
        reasoning_details=tuple(d for d in details if isinstance(d, Mapping)) if isinstance(details, list) else (),
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


def _merge_details(slots: dict[Any, dict[str, Any]], pieces: Sequence[Any]) -> None:
    """OpenRouter streams ``reasoning_details`` as fragments carrying an ``index``: the text
    parts of one block are concatenated, its other keys kept from the first fragment."""
    for piece in pieces:
        if not isinstance(piece, Mapping):
            continue
        key = piece.get("index", len(slots))
        slot = slots.setdefault(key, {})
        for k, v in piece.items():
            if isinstance(v, str) and k in ("text", "summary", "data", "signature") and k in slot:
                slot[k] = (slot[k] or "") + v
            elif k not in slot or slot[k] is None:
                slot[k] = v


def _details_text(pieces: Sequence[Any]) -> str:
    return "".join(str(p.get("text") or p.get("summary") or "") for p in pieces if isinstance(p, Mapping))


def _merge_stream(chunks: Any, on_reasoning: Callable[[str], None]) -> dict[str, Any]:
    """Assemble streamed chunks into one completion body, echoing reasoning as it arrives."""
    content: list[str] = []
    reasoning: list[str] = []
    field = ""
    details: dict[Any, dict[str, Any]] = {}
    calls: dict[int, dict[str, Any]] = {}
    finish, usage = "", None
    for chunk in chunks:
        data = chunk.model_dump() if hasattr(chunk, "model_dump") else chunk
        usage = data.get("usage") or usage
        for choice in data.get("choices") or ():
            delta = choice.get("delta") or {}
            finish = choice.get("finish_reason") or finish
            piece, named = reasoning_of(delta)
            field = field or named
            if piece:
                reasoning.append(piece)
                on_reasoning(piece)
            if isinstance(delta.get(DETAILS_FIELD), list):
                _merge_details(details, delta[DETAILS_FIELD])
                if not piece and _details_text(delta[DETAILS_FIELD]):
                    on_reasoning(_details_text(delta[DETAILS_FIELD]))
            if delta.get("content"):
                content.append(delta["content"])
            for tc in delta.get("tool_calls") or ():
                slot = calls.setdefault(tc.get("index", 0), {"id": "", "function": {"name": "", "arguments": ""}})
                slot["id"] = tc.get("id") or slot["id"]
                fn = tc.get("function") or {}
                slot["function"]["name"] += fn.get("name") or ""
                slot["function"]["arguments"] += fn.get("arguments") or ""
    message: dict[str, Any] = {"content": "".join(content), "tool_calls": [calls[i] for i in sorted(calls)]}
    if field:
        message[field] = "".join(reasoning)
    if details:
        message[DETAILS_FIELD] = [details[k] for k in details]
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
        echo_reasoning: bool = True,
        require_reasoning: bool = False,
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
        # The field sent on every tool-call turn, even empty (a preset's or a server's demand).
        self.required_field = REASONING_FIELDS[0] if echo_reasoning and require_reasoning else ""
        self._refused = False  # the server refused reasoning fields once: never sent again
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
        start = time.monotonic()
        events: list[dict[str, Any]] = []
        while True:
            request = self._request(messages, tools)
            try:
                data, retries = self._call_with_retries(request)
                break
            except _ReasoningRefusal as refusal:
                events.append(self._adapt(refusal, request))  # raises when there is nothing left to try
        message, usage, finish = parse_completion(data)
        return ModelReply(
            message=message,
            usage=usage,
            cost=self._meter.cost(usage),
            finish_reason=finish,
            duration=time.monotonic() - start,
            retries=retries,
            events=tuple(events),
        )

    def _request(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.name,
            "messages": to_wire(messages, echo_reasoning=self.echo_reasoning and not self._refused,
                                required_field=self.required_field),
        }
        if tools:
            request["tools"] = list(tools)
        if self._temperature is not None:
            request["temperature"] = self._temperature
        if self._max_output_tokens:
            request["max_tokens"] = self._max_output_tokens
        if self._extra_body:
            request["extra_body"] = self._extra_body
        return request

    def _adapt(self, refusal: "_ReasoningRefusal", request: Mapping[str, Any]) -> dict[str, Any]:
        """Change how reasoning goes back after a 400 about it, once per session each way;
        the event says what changed. ModelError when no change is left to try."""
        named = refusal.fields
        if refusal.wanted:
            wanted = next((f for f in REASONING_FIELDS if f in named), REASONING_FIELDS[0])
            if not self.echo_reasoning:
                raise ModelError(refusal.message, hint="this endpoint wants the model's reasoning sent back: "
                                                       "drop --no-echo-reasoning (llm.echo_reasoning: false)")
            if not self.required_field and not self._refused:
                self.required_field = wanted
                return {"kind": "reasoning_echo_required", "field": wanted, "error": refusal.text}
        elif carries_reasoning(request["messages"]) and not self._refused:
            self._refused = True
            return {"kind": "reasoning_echo_refused", "fields": named, "error": refusal.text}
        raise ModelError(refusal.message)

    def _call_once(self, request: dict[str, Any]) -> dict[str, Any]:
        # The SDK walks every message of ``messages`` through its typed-dict transform on each
        # call, which grows with the session (about 0.15 s a call at 60 steps, quadratic
        # overall); the wire dicts are final, so they go in ``extra_body``, sent as they are.
        args = {**request, "messages": [],
                "extra_body": {**request.get("extra_body", {}), "messages": request["messages"]}}
        if self._thinking is None:
            body: dict[str, Any] = self._client.chat.completions.create(**args).model_dump()
            return body
        stream = self._client.chat.completions.create(
            **args, stream=True, stream_options={"include_usage": True}
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
                if exc.status_code == 400 and _FIELD_NAMED.search(text):
                    raise _ReasoningRefusal(exc.status_code, text) from None
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


class _ReasoningRefusal(Exception):
    """A 400 that names a reasoning field: the server wants it, or refuses it."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.text = text
        self.fields = sorted(set(_FIELD_NAMED.findall(text)))
        self.wanted = bool(_WANTED.search(text))
        self.message = f"the model endpoint refused the request (HTTP {status}): {text}"


def _hint(status: int) -> str | None:
    if status == 401:
        return "check the API key (the environment variable named by --api-key-env)"
    if status == 404:
        return "check --model and --base-url"
    return None
