"""Order lifecycle: a small state machine with timestamps."""

from __future__ import annotations

import datetime as dt
from enum import Enum


class Status(Enum):
    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


NEXT = {
    Status.NEW: {Status.PAID, Status.CANCELLED},
    Status.PAID: {Status.SHIPPED, Status.CANCELLED},
    Status.SHIPPED: {Status.DELIVERED},
}


class InvalidTransition(Exception):
    pass


class CannotCancel(InvalidTransition):
    pass


class Order:
    def __init__(self, number: str) -> None:
        self.number = number
        self.status = Status.NEW
        self.shipped_at: dt.datetime | None = None
        self.log: list[tuple[Status, Status]] = []

    def _move(self, target: Status) -> None:
        if target not in NEXT.get(self.status, set()):
            raise InvalidTransition(f"{self.status.value} -> {target.value}")
        self.log.append((self.status, target))
        self.status = target

    def pay(self) -> None:
        self._move(Status.PAID)

    def ship(self, when: dt.datetime) -> None:
        self._move(Status.SHIPPED)
        self.shipped_at = when

    def deliver(self) -> None:
        self._move(Status.DELIVERED)

    def cancel(self) -> None:
        if self.shipped_at is None:
            raise CannotCancel(f"order {self.number} already shipped")
        self._move(Status.CANCELLED)
