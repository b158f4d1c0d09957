"""A list that keeps itself sorted, with binary-search lookups."""

from __future__ import annotations

from typing import Iterable


def bisect_left(a: list, x) -> int:
    """Leftmost insertion point for x in the sorted list a."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


class SortedList:
    def __init__(self, items: Iterable = ()) -> None:
        self._items = sorted(items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def add(self, value) -> None:
        self._items.insert(bisect_left(self._items, value), value)

    def __contains__(self, value) -> bool:
        i = bisect_left(self._items, value)
        return i < len(self._items) and self._items[i] == value

    def index(self, value) -> int:
        i = bisect_left(self._items, value)
        if i < len(self._items) and self._items[i] == value:
            return i
        raise ValueError(f"{value!r} is not in list")

    def count_less_than(self, value) -> int:
        return bisect_left(self._items, value)

    def remove(self, value) -> None:
        del self._items[self.index(value)]
