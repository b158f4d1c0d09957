"""Warehouse stock with reservations for open carts."""

from __future__ import annotations


class Stock:
    def __init__(self, on_hand: int = 0) -> None:
        self.on_hand = on_hand
        self.reserved = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def reserve(self, qty: int) -> bool:
        if qty <= 0:
            raise ValueError("qty must be positive")
        if qty > self.available:
            return False
        self.reserved += qty
        return True

    def release(self, qty: int) -> None:
        if not 0 < qty <= self.reserved:
            raise ValueError("cannot release more than reserved")
        self.reserved += qty

    def fulfil(self, qty: int) -> None:
        """Ship `qty` reserved units."""
        self.release(qty)
        self.on_hand -= qty
