"""History compaction: keep the system prompt, the task and the latest observations in full;
shrink older observations, older reasoning and older bulky tool arguments to short stubs.

Compaction happens in batches (when ``batch`` stale observations have piled up) so the prompt's
prefix stays stable between batches and provider prompt caches keep hitting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from swebot.models.base import Message, ToolCall

STUB_MARK = "[compacted]"
ELIDED_MARK = "[elided]"  # the note standing for whole turns left out: "[elided] N earlier steps ..."
_ARG_CHARS = 300


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A cheap token estimate (about 4 characters a token), enough for budgeting the window."""
    chars = 0
    for m in messages:
        chars += len(m.content) + len(m.reasoning) + 16
        chars += sum(len(json.dumps(d, default=str)) for d in m.reasoning_details)
        chars += sum(len(c.arguments) + len(c.name) + 16 for c in m.tool_calls)
    return chars // 4


@dataclass(frozen=True)
class CompactionPolicy:
    keep_recent: int = 6  # latest tool observations kept in full
    batch: int = 8  # compact once this many stale observations are waiting
    stub_chars: int = 160  # how much of a stale observation survives


def _stub_text(text: str, keep: int, note: str = "run the tool again if you need it") -> str:
    if text.startswith(STUB_MARK) or len(text) <= keep + 40:
        return text
    first = text[:keep].rsplit("\n", 1)[0] if "\n" in text[:keep] else text[:keep]
    return f"{STUB_MARK} {first} ... ({len(text)} chars elided; {note})"


def _shrink_args(call: ToolCall) -> ToolCall:
    if len(call.arguments) <= _ARG_CHARS:
        return call
    try:
        args = json.loads(call.arguments)
    except json.JSONDecodeError:
        return ToolCall(call.id, call.name, json.dumps({"elided": call.arguments[:100]}))
    if not isinstance(args, dict):
        return call
    small = {k: (f"{v[:80]}... ({len(v)} chars elided)" if isinstance(v, str) and len(v) > 120 else v)
             for k, v in args.items()}
    return ToolCall(call.id, call.name, json.dumps(small))


def stale_count(history: Sequence[Message], policy: CompactionPolicy) -> int:
    tools = [i for i, m in enumerate(history) if m.role == "tool" and not m.content.startswith(STUB_MARK)]
    return max(0, len(tools) - policy.keep_recent)


def compact(history: Sequence[Message], policy: CompactionPolicy, *, head: int = 2) -> list[Message]:
    """A shorter copy of ``history``. The first ``head`` messages (system prompt and task), the
    last ``keep_recent`` observations, and the reasoning of the latest assistant tool-call turn
    are kept whole; everything older is stubbed."""
    tool_positions = [i for i, m in enumerate(history) if m.role == "tool"]
    recent = set(tool_positions[-policy.keep_recent :]) if policy.keep_recent else set()
    cutoff = min(recent) if recent else len(history)
    last_call_turn = max((i for i, m in enumerate(history) if m.role == "assistant" and m.tool_calls), default=-1)
    out: list[Message] = []
    for i, m in enumerate(history):
        if i < head or i >= cutoff:
            out.append(m)
        elif m.role == "tool":
            out.append(m.with_(content=_stub_text(m.content, policy.stub_chars)))
        elif m.role == "assistant":
            latest = i == last_call_turn
            reasoning = m.reasoning if latest else _stub_text(m.reasoning, 80, "earlier thinking")
            # Structured reasoning may be signed or encrypted, so it cannot be shortened: older
            # turns drop it (providers only check the latest tool-call turn's).
            out.append(m.with_(reasoning=reasoning, content=_stub_text(m.content, 400, "earlier reply"),
                               reasoning_details=m.reasoning_details if latest else (),
                               tool_calls=tuple(_shrink_args(c) for c in m.tool_calls)))
        elif m.role == "user":
            out.append(m.with_(content=_stub_text(m.content, 600, "earlier message")))
        else:
            out.append(m)
    return out


def elide_oldest(history: Sequence[Message], budget_tokens: int, *, head: int = 2, keep_turns: int = 4
                 ) -> list[Message]:
    """Whole oldest turns (an assistant message with the tool answers and nudges after it) replaced
    by one note, until the estimate fits ``budget_tokens``; the head and the latest ``keep_turns``
    turns stay. Stubs alone grow with every step, so a long enough session needs this to stay
    bounded; a turn goes whole so no tool answer is left without its call."""
    starts = [i for i in range(head, len(history)) if history[i].role == "assistant"]
    droppable = starts[: max(0, len(starts) - keep_turns)]
    if not droppable:
        return list(history)
    previous = history[head] if len(history) > head and history[head].content.startswith(ELIDED_MARK) else None
    earlier = int(previous.content.split()[1]) if previous is not None else 0
    for n, cut in enumerate([*droppable[1:], starts[len(droppable)]], start=1):
        note = Message("user", f"{ELIDED_MARK} {earlier + n} earlier steps were elided to keep the prompt within "
                               "the context window; their edits are still in the files")
        out = [*history[:head], note, *history[cut:]]
        if estimate_tokens(out) <= budget_tokens:
            return out
    return out


def maybe_compact(
    history: list[Message], policy: CompactionPolicy, *, context_tokens: int
) -> tuple[list[Message], bool]:
    """Compact when a batch of stale observations waits or the prompt nears the window; when
    stubs are not enough, elide the oldest turns down to half the window."""
    trigger = context_tokens * 0.6
    near_full = estimate_tokens(history) > trigger
    if stale_count(history, policy) >= policy.batch or (near_full and stale_count(history, policy)):
        out, done = compact(history, policy), True
    elif near_full:  # even the recent observations must give way
        out, done = compact(history, CompactionPolicy(keep_recent=1, batch=1, stub_chars=policy.stub_chars)), True
    else:
        return history, False
    if estimate_tokens(out) > trigger:
        out = elide_oldest(out, int(context_tokens * 0.5))
    return out, done
