"""The cost and token limits of a run, shared by every attempt, and the model wrapper that obeys them.

A call starts only when what was spent, plus what the calls in flight are expected to cost, plus
this call's expected cost (the dearest call seen so far) stays within the limit; so parallel
attempts together stay within ``--max-cost`` as far as past calls predict the next one. Once a
stop is requested (an attempt already passed every check) no new call starts either.
"""

from __future__ import annotations

import threading
from typing import Any, Mapping, Sequence

from swebot.errors import LimitReached
from swebot.models.base import Message, Model, ModelReply

EPSILON = 1e-9
STOP_LIMIT = "early_stop"


class SharedLedger:
    """Spend of all attempts against ``max_cost`` (USD) and ``max_tokens``; 0 means no limit."""

    def __init__(self, max_cost: float = 0.0, max_tokens: int = 0) -> None:
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self.cost = 0.0
        self.tokens = 0
        self.calls = 0
        self._dearest = (0.0, 0)  # largest cost and token count of one call so far
        self._in_flight: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ids = iter(range(1 << 62))

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def begin(self) -> int:
        """Reserve one call; LimitReached when it would (be expected to) pass a limit."""
        with self._lock:
            if self._stop.is_set():
                raise LimitReached(STOP_LIMIT)
            cost, tokens = self._dearest
            held_cost = sum(c for c, _ in self._in_flight.values())
            held_tokens = sum(t for _, t in self._in_flight.values())
            if self.max_cost and (self.cost >= self.max_cost - EPSILON
                                  or self.cost + held_cost + cost > self.max_cost + EPSILON):
                raise LimitReached("max_cost")
            if self.max_tokens and (self.tokens >= self.max_tokens
                                    or self.tokens + held_tokens + tokens > self.max_tokens):
                raise LimitReached("max_tokens")
            ticket = next(self._ids)
            self._in_flight[ticket] = (cost, tokens)
            return ticket

    def end(self, ticket: int, reply: ModelReply | None) -> None:
        with self._lock:
            self._in_flight.pop(ticket, None)
            if reply is None:
                return
            cost, tokens = float(reply.cost or 0.0), reply.usage.total_tokens
            self.cost += cost
            self.tokens += tokens
            self.calls += 1
            self._dearest = (max(self._dearest[0], cost), max(self._dearest[1], tokens))

    def wrap(self, model: Model) -> Model:
        return LedgerModel(model, self)

    def to_dict(self) -> dict[str, object]:
        return {"cost": round(self.cost, 6), "tokens": self.tokens, "calls": self.calls,
                "max_cost": self.max_cost, "max_tokens": self.max_tokens, "stopped_early": self.stopped}


class LedgerModel:
    """A ``Model`` drawing on a SharedLedger."""

    def __init__(self, model: Model, ledger: SharedLedger) -> None:
        self.inner = model
        self.ledger = ledger
        self.name = model.name

    def complete(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> ModelReply:
        ticket = self.ledger.begin()
        reply = None
        try:
            reply = self.inner.complete(messages, tools)
            return reply
        finally:
            self.ledger.end(ticket, reply)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)
