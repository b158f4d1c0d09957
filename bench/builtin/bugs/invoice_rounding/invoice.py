"""Invoices with per-line discounts and VAT."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LineItem:
    description: str
    unit_price: float
    qty: int = 1
    discount: float = 0.0  # fraction, 0.1 = 10 %

    def total(self) -> float:
        return self.unit_price * self.qty * (1 - self.discount)


@dataclass
class Invoice:
    lines: list[LineItem] = field(default_factory=list)
    vat_rate: float = 0.2

    def add(self, description: str, unit_price: float, qty: int = 1, discount: float = 0.0) -> None:
        if qty <= 0:
            raise ValueError("qty must be positive")
        self.lines.append(LineItem(description, unit_price, qty, discount))

    def subtotal(self) -> float:
        return round(sum(round(line.total()) for line in self.lines), 2)

    def vat(self) -> float:
        return round(self.subtotal() * self.vat_rate, 2)

    def total(self) -> float:
        return round(self.subtotal() + self.vat(), 2)
