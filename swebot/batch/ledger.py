"""The total cost budget of a batch, shared by every worker, and the model wrapper that obeys it.

``FileLedger`` keeps what each instance spent in a JSON file guarded by an ``fcntl`` lock, so
worker processes on one host share it. ``BudgetedModel`` asks the ledger before every call and
refuses to start one once the budget is spent (``LimitReached("max_total_cost")``); it charges
each reply's cost afterwards. A worker has at most one call in flight, so the budget is
overshot by at most one call per worker. The ledger lives in the output folder and so
survives a resumed run: a resumed batch keeps spending the same budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from swebot.batch.store import locked, read_json, write_json_atomic
from swebot.errors import LimitReached
from swebot.models.base import Message, Model, ModelReply

LIMIT_NAME = "max_total_cost"
EPSILON = 1e-9  # sums of float costs: 10 x 0.1 must count as 1.0


@dataclass(frozen=True)
class Spend:
    cost: float = 0.0
    tokens: int = 0
    calls: int = 0

    def __add__(self, other: Spend) -> Spend:
        return Spend(self.cost + other.cost, self.tokens + other.tokens, self.calls + other.calls)

    def to_dict(self) -> dict[str, float | int]:
        return {"cost": round(self.cost, 6), "tokens": self.tokens, "calls": self.calls}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Spend:
        return cls(float(data.get("cost", 0.0)), int(data.get("tokens", 0)), int(data.get("calls", 0)))


@runtime_checkable
class Ledger(Protocol):
    """What workers need from the shared budget."""

    def exhausted(self) -> bool: ...

    def charge(self, instance_id: str, cost: float, tokens: int, calls: int = 1) -> None: ...

    def spent(self, instance_id: str | None = None) -> Spend: ...


class FileLedger:
    """A cross-process ledger: ``{"instances": {id: {cost, tokens, calls}}}`` in one JSON file.

    ``limit`` 0 means no limit. Picklable (it is only a path and a number), so it travels to
    worker processes as it is.
    """

    def __init__(self, path: Path, limit: float = 0.0) -> None:
        if limit < 0 or math.isnan(limit):
            raise ValueError("the cost limit must be >= 0")
        self.path = Path(path)
        self.limit = float(limit)
        self._lock = self.path.with_name(self.path.name + ".lock")

    def _read(self) -> dict[str, Spend]:
        data = read_json(self.path) or {}
        return {k: Spend.from_dict(v) for k, v in (data.get("instances") or {}).items()}

    def _write(self, entries: Mapping[str, Spend]) -> None:
        write_json_atomic(self.path, {"instances": {k: v.to_dict() for k, v in entries.items()}})

    def spent(self, instance_id: str | None = None) -> Spend:
        entries = self._read()
        if instance_id is not None:
            return entries.get(instance_id, Spend())
        return sum(entries.values(), Spend())

    def exhausted(self) -> bool:
        return bool(self.limit) and self.spent().cost >= self.limit - EPSILON

    def charge(self, instance_id: str, cost: float, tokens: int, calls: int = 1) -> None:
        with locked(self._lock):
            entries = self._read()
            entries[instance_id] = entries.get(instance_id, Spend()) + Spend(max(cost, 0.0), tokens, calls)
            self._write(entries)

    def set(self, instance_id: str, spend: Spend) -> None:
        """Record an instance's spend as measured elsewhere (a Ray worker's ledger actor)."""
        with locked(self._lock):
            entries = self._read()
            entries[instance_id] = spend
            self._write(entries)

    def forget(self, instance_ids: Sequence[str]) -> None:
        """Drop what the given instances spent (they are being redone from scratch)."""
        with locked(self._lock):
            entries = self._read()
            for instance_id in instance_ids:
                entries.pop(instance_id, None)
            self._write(entries)

    def snapshot(self) -> dict[str, Spend]:
        return self._read()


class BudgetedModel:
    """A ``Model`` that draws on a shared ledger: no call starts once the ledger is spent."""

    def __init__(self, model: Model, ledger: Ledger, instance_id: str = "") -> None:
        self.inner = model
        self.ledger = ledger
        self.instance_id = instance_id
        self.name = model.name

    def complete(self, messages: Sequence[Message], tools: Sequence[Mapping[str, Any]]) -> ModelReply:
        if self.ledger.exhausted():
            raise LimitReached(LIMIT_NAME)
        reply = self.inner.complete(messages, tools)
        self.ledger.charge(self.instance_id, float(reply.cost or 0.0), reply.usage.total_tokens)
        return reply

    def __getattr__(self, name: str) -> Any:  # settings/meters of the wrapped model stay visible
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)
