"""A deterministic model that plays back a script: for tests and for ``swebot replay``."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from swebot.errors import ModelError
from swebot.models.base import Message, ModelReply


class ScriptedModel:
    """Returns the scripted replies in order; an exception in the script is raised instead.

    Records every request it gets (``calls``) so tests can look at what the loop sent.
    """

    def __init__(self, script: Iterable[ModelReply | Message | Exception], *, name: str = "scripted") -> None:
        self.name = name
        self._script = list(script)
        self._next = 0
        self.calls: list[tuple[tuple[Message, ...], tuple[Mapping[str, Any], ...]]] = []

    @property
    def remaining(self) -> int:
        return len(self._script) - self._next

    def complete(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> ModelReply:
        self.calls.append((tuple(messages), tuple(tools)))
        if self._next >= len(self._script):
            raise ModelError(f"the scripted model has no reply left (after {len(self._script)})")
        item = self._script[self._next]
        self._next += 1
        if isinstance(item, Exception):
            raise item
        if isinstance(item, Message):
            return ModelReply(message=item)
        return item
