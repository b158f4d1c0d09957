"""The record of one LLM session, rewritten atomically after every step.

It holds the full (never compacted) messages with reasoning, each step's usage, cost, timings,
tool calls, edits and test summaries, and the result. ``replies`` gives the recorded model
replies back, which is what ``swebot replay`` plays to a scripted model. Secrets (the API key)
are scrubbed from everything written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

from swebot.models.base import Message, ModelReply, Usage
from swebot.redact import redact_data
from swebot.secrets import held
from swebot.source_encoding import escape_surrogates
from swebot.types import TestReport

FORMAT = "swebot-trajectory/1"


def report_summary(report: TestReport) -> dict[str, Any]:
    return {
        "exit_code": report.exit_code,
        "timed_out": report.timed_out,
        "duration": round(report.duration, 3),
        "passed": len(report.passing),
        "failing": sorted(report.failing),
        "collection_errors": list(report.collection_errors),
    }


class Trajectory:
    def __init__(self, path: Path | None, meta: Mapping[str, Any], *, secrets: Sequence[str] = ()) -> None:
        self.path = path
        self.meta = dict(meta)
        self.messages: list[Message] = []
        self.steps: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.result: dict[str, Any] = {}
        self._secrets = list(secrets)  # with every secret the process holds (swebot.secrets)
        # Messages and steps never change once added: encode each once, so saving after
        # every step costs a join and a write, not a re-encode of the whole session.
        self._messages_json: list[str] = []
        self._steps_json: list[str] = []

    def _encode(self, value: Any) -> str:
        return escape_surrogates(json.dumps(redact_data(value, [*self._secrets, *held()]),
                                            ensure_ascii=False, default=str))

    def add_message(self, message: Message) -> int:
        self.messages.append(message)
        self._messages_json.append(self._encode(message.to_dict()))
        return len(self.messages) - 1

    def add_step(self, step: Mapping[str, Any]) -> None:
        self.steps.append(dict(step))
        self._steps_json.append(self._encode(self.steps[-1]))

    def add_event(self, kind: str, **fields: Any) -> None:
        self.events.append({"kind": kind, "step": len(self.steps), **fields})

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "meta": self.meta,
            "messages": [m.to_dict() for m in self.messages],
            "steps": self.steps,
            "events": self.events,
            "result": self.result,
        }

    def dumps(self) -> str:
        """The record as JSON text (one message or step a line), secrets scrubbed."""
        return (
            f'{{"format": {json.dumps(FORMAT)},\n"meta": {self._encode(self.meta)},\n'
            f'"messages": [\n' + ",\n".join(self._messages_json) + "\n],\n"
            '"steps": [\n' + ",\n".join(self._steps_json) + "\n],\n"
            f'"events": {self._encode(self.events)},\n"result": {self._encode(self.result)}}}\n'
        )

    def save(self) -> None:
        """Write the whole record to ``path`` atomically (a reader never sees half a file)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".trajectory-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.dumps())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a swebot trajectory ({data.get('format')!r})")
    return data


def replies(data: Mapping[str, Any]) -> list[ModelReply]:
    """The model replies recorded in a trajectory, in order, with their usage and cost."""
    messages = data["messages"]
    out = []
    for step in data["steps"]:
        index = step.get("reply_index")
        if index is None:
            continue
        out.append(
            ModelReply(
                message=Message.from_dict(messages[index]),
                usage=Usage.from_dict(step.get("usage") or {}),
                cost=step.get("cost"),
            )
        )
    return out
