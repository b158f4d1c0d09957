"""Warehouse order picking and packing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    sku: str
    qty: int
    packed: bool = False


@dataclass
class Order:
    number: str
    lines: list[Line] = field(default_factory=list)
    cancelled: bool = False

    def pack(self, sku: str) -> None:
        for line in self.lines:
            if line.sku == sku:
                line.packed = True
                return
        raise KeyError(sku)

    @property
    def ready_to_ship(self) -> bool:
        if self.cancelled or not self.lines:
            return False
        return any(line.packed for line in self.lines)

    def units(self) -> int:
        return sum(line.qty for line in self.lines)


def shippable(orders: list[Order]) -> list[str]:
    return [o.number for o in orders if o.ready_to_ship]
