"""Chat messages, usage and the ``Model`` protocol every model backend implements.

Messages are frozen dataclasses rather than provider dicts, so the loop, compaction and the
trajectory never depend on one provider's wire format.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, Mapping, Protocol, Sequence, runtime_checkable

from swebot.errors import ModelError

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asked for; ``arguments`` is the raw JSON text it sent."""

    id: str
    name: str
    arguments: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "arguments": self.arguments}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ToolCall":
        return cls(id=str(data["id"]), name=str(data["name"]), arguments=str(data["arguments"]))


REASONING_FIELDS = ("reasoning_content", "reasoning")  # the names servers use for a thinking model's text


@dataclass(frozen=True)
class Message:
    """One chat message.

    ``reasoning`` holds a thinking model's reasoning text and ``reasoning_field`` the name the
    server sent it under (``reasoning_content``, ``reasoning``; empty when it sent none), so it
    goes back the way it came. ``reasoning_details`` is OpenRouter's structured reasoning, kept
    verbatim (it may hold signed or encrypted blocks a provider checks when they come back).
    """

    role: Role
    content: str = ""
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str = ""  # role "tool": which call this answers
    name: str = ""  # role "tool": the tool's name
    reasoning_field: str = ""
    reasoning_details: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.reasoning:
            data["reasoning"] = self.reasoning
        if self.reasoning_field:
            data["reasoning_field"] = self.reasoning_field
        if self.reasoning_details:
            data["reasoning_details"] = [dict(d) for d in self.reasoning_details]
        if self.tool_calls:
            data["tool_calls"] = [c.to_dict() for c in self.tool_calls]
        if self.tool_call_id:
            data["tool_call_id"] = self.tool_call_id
        if self.name:
            data["name"] = self.name
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Message":
        return cls(
            role=data["role"],
            content=data.get("content") or "",
            reasoning=data.get("reasoning") or "",
            tool_calls=tuple(ToolCall.from_dict(c) for c in data.get("tool_calls") or ()),
            tool_call_id=data.get("tool_call_id") or "",
            name=data.get("name") or "",
            reasoning_field=data.get("reasoning_field") or "",
            reasoning_details=tuple(data.get("reasoning_details") or ()),
        )

    def with_(self, **changes: Any) -> "Message":
        return replace(self, **changes)


@dataclass(frozen=True)
class Usage:
    """Token counts of one or more calls. Reasoning and cached tokens are subsets of
    completion and prompt tokens respectively (the OpenAI convention)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            self.cached_tokens + other.cached_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cached_tokens": self.cached_tokens,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Usage":
        return cls(**{k: int(data.get(k) or 0) for k in cls().to_dict()})


@dataclass(frozen=True)
class ModelReply:
    """What one model call gave back. ``cost`` is None when the price is unknown."""

    message: Message
    usage: Usage = field(default_factory=Usage)
    cost: float | None = 0.0
    finish_reason: str = ""
    duration: float = 0.0
    retries: int = 0
    # What the client changed about the session while answering (e.g. it stopped echoing
    # reasoning after the server refused it): {"kind": ..., ...}, recorded in the trajectory.
    events: tuple[Mapping[str, Any], ...] = ()


@runtime_checkable
class Model(Protocol):
    """A chat model with tools. ``tools`` are OpenAI function-tool schemas."""

    name: str

    def complete(
        self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]
    ) -> ModelReply: ...


class ContextTooLong(ModelError):
    """The request did not fit the model's context window (the loop compacts and retries once)."""
