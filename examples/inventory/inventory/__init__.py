"""Stock keeping for a small shop."""

from inventory.store import Inventory, Item, OutOfStock, UnknownItem

__all__ = ["Inventory", "Item", "OutOfStock", "UnknownItem"]
