"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benches.

It plays a script of steps in order (a completion body, a ``Fault`` or a callable taking the
request body) and records every request (headers and JSON body) in ``requests``.
``require_reasoning_echo`` mimics Moonshot: a request holding an assistant tool-call message
without ``reasoning_content`` gets a 400 and does not consume the script.
``reject_reasoning_echo`` mimics a strict gateway: a request holding any reasoning field on a
message gets a 400 naming the field, and does not consume the script either.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping, Sequence, Union

_ids = itertools.count(1)


@dataclass(frozen=True)
class Fault:
    """An HTTP error response."""

    status: int
    message: str = "fault"
    headers: Mapping[str, str] = field(default_factory=dict)
    code: str | None = None


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: Mapping[str, str]
    body: dict[str, Any]


Step = Union[dict, Fault, Callable[[dict], Union[dict, Fault]]]


def tool_call(name: str, arguments: Mapping[str, Any] | str, call_id: str | None = None) -> dict[str, Any]:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "id": call_id or f"call_{next(_ids)}",
        "type": "function",
        "function": {"name": name, "arguments": args},
    }


def completion(
    content: str = "",
    *,
    calls: Sequence[dict[str, Any]] = (),
    reasoning: str | None = None,
    reasoning_field: str = "reasoning_content",
    reasoning_details: Sequence[Mapping[str, Any]] | None = None,
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
    reasoning_tokens: int = 0,
    cached_tokens: int = 0,
    model: str = "fake-model",
) -> dict[str, Any]:
    """A chat-completion body as a thinking provider returns it."""
    message: dict[str, Any] = {"role": "assistant", "content": content or None}
    if calls:
        message["tool_calls"] = list(calls)
    if reasoning is not None:
        message[reasoning_field] = reasoning
    if reasoning_details is not None:
        message["reasoning_details"] = [dict(d) for d in reasoning_details]
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }


def call_reply(name: str, arguments: Mapping[str, Any] | str, *, reasoning: str = "thinking", **kw: Any) -> dict[str, Any]:
    """A completion carrying one tool call."""
    return completion(calls=[tool_call(name, arguments)], reasoning=reasoning, **kw)


def _stream_chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    msg = body["choices"][0]["message"]
    base = {"id": body["id"], "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
    chunks = []
    field = "reasoning" if "reasoning" in msg else "reasoning_content"
    reasoning = msg.get(field) or ""
    for i in range(0, len(reasoning), 5):
        chunks.append({**base, "choices": [{"index": 0, "delta": {field: reasoning[i : i + 5]}}]})
    for idx, detail in enumerate(msg.get("reasoning_details") or ()):
        # as OpenRouter streams them: fragments of each block, its text split, tagged by index
        text = str(detail.get("text") or "")
        head = {**detail, "index": idx, "text": text[: len(text) // 2]}
        chunks.append({**base, "choices": [{"index": 0, "delta": {"reasoning_details": [head]}}]})
        tail = {"type": detail.get("type"), "index": idx, "text": text[len(text) // 2 :]}
        chunks.append({**base, "choices": [{"index": 0, "delta": {"reasoning_details": [tail]}}]})
    if msg.get("content"):
        chunks.append({**base, "choices": [{"index": 0, "delta": {"content": msg["content"]}}]})
    for idx, call in enumerate(msg.get("tool_calls") or ()):
        args = call["function"]["arguments"]
        first = {"index": idx, "id": call["id"], "type": "function",
                 "function": {"name": call["function"]["name"], "arguments": args[: len(args) // 2]}}
        rest = {"index": idx, "function": {"arguments": args[len(args) // 2 :]}}
        chunks.append({**base, "choices": [{"index": 0, "delta": {"tool_calls": [first]}}]})
        chunks.append({**base, "choices": [{"index": 0, "delta": {"tool_calls": [rest]}}]})
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": body["choices"][0]["finish_reason"]}]})
    chunks.append({**base, "choices": [], "usage": body["usage"]})
    return chunks


class FakeOpenAI:
    """Start with ``with FakeOpenAI(script) as server:``; point clients at ``server.base_url``."""

    def __init__(self, script: Sequence[Step] = (), *, require_reasoning_echo: bool = False,
                 reject_reasoning_echo: bool = False) -> None:
        self.script: list[Step] = list(script)
        self.require_reasoning_echo = require_reasoning_echo
        self.reject_reasoning_echo = reject_reasoning_echo
        self.requests: list[Recorded] = []
        self.rejected_for_reasoning = 0  # requests refused for a missing reasoning_content
        self.refused_reasoning = 0  # requests refused for carrying a reasoning field
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def add(self, *steps: Step) -> None:
        with self._lock:
            self.script.extend(steps)

    def __enter__(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, body: dict[str, Any]) -> dict[str, Any] | Fault:
        if self.require_reasoning_echo:
            for m in body.get("messages", ()):
                if m.get("role") == "assistant" and m.get("tool_calls") and "reasoning_content" not in m:
                    self.rejected_for_reasoning += 1
                    return Fault(
                        400,
                        "thinking is enabled but reasoning_content is missing in assistant tool call message",
                    )
        if self.reject_reasoning_echo:
            for i, m in enumerate(body.get("messages", ())):
                field = next((f for f in ("reasoning_content", "reasoning", "reasoning_details") if f in m), None)
                if field:
                    self.refused_reasoning += 1
                    return Fault(400, f"Unrecognized request argument supplied: messages[{i}].{field}")
        with self._lock:
            if not self.script:
                return Fault(500, "fake server: script exhausted")
            step = self.script.pop(0)
        return step(body) if callable(step) else step

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {self.path}"}})
                answer = fake._answer(body)
                if isinstance(answer, Fault):
                    error = {"message": answer.message, "type": "fake_error", "code": answer.code}
                    return self._send(answer.status, {"error": error}, answer.headers)
                if body.get("stream"):
                    return self._send_stream(_stream_chunks(answer))
                self._send(200, answer)

            def _send(self, status: int, payload: Any, headers: Mapping[str, str] = {}) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _send_stream(self, chunks: list[dict[str, Any]]) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for chunk in chunks:
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler
