"""An in-memory inventory keyed by SKU."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownItem(KeyError):
    """The SKU is not in the inventory."""


class OutOfStock(ValueError):
    """Not enough units on hand."""


@dataclass
class Item:
    sku: str
    name: str
    price: float
    quantity: int = 0
    reorder_level: int | None = None


class Inventory:
    def __init__(self, default_reorder_level: int = 5) -> None:
        self._items: dict[str, Item] = {}
        self.default_reorder_level = default_reorder_level

    def add(self, item: Item) -> None:
        existing = self._items.get(item.sku)
        if existing is not None:
            existing.quantity += item.quantity
        else:
            self._items[item.sku] = item

    def get(self, sku: str) -> Item | None:
        return self._items.get(sku)

    def remove(self, sku: str, qty: int) -> Item:
        """Take `qty` units of `sku` out of stock and return the item."""
        if qty <= 0:
            raise ValueError("qty must be positive")
        item = self._items.get(sku)
        if item is None and item.quantity < qty:
            if item is None:
                raise UnknownItem(sku)
            raise OutOfStock(f"{sku}: {item.quantity} on hand, {qty} requested")
        item.quantity -= qty
        return item

    def total_value(self) -> float:
        return round(sum(i.price * i.quantity for i in self._items.values()), 2)

    def needs_reorder(self) -> list[str]:
        out = []
        for item in self._items.values():
            level = self.default_reorder_level if item.reorder_level is None else item.reorder_level
            if item.quantity <= level:
                out.append(item.sku)
        return sorted(out)
