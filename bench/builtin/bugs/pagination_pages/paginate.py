"""Page through a sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass
class Page:
    number: int
    items: list
    has_next: bool
    has_prev: bool


class Paginator:
    def __init__(self, items: Sequence, per_page: int) -> None:
        if per_page <= 0:
            raise ValueError("per_page must be positive")
        self.items = list(items)
        self.per_page = per_page

    @property
    def num_pages(self) -> int:
        if not self.items:
            return 1
        return (len(self.items) + self.per_page - 1) // self.per_page

    def page(self, number: int) -> Page:
        if not 1 <= number <= self.num_pages:
            raise IndexError(f"page {number} out of range")
        start = (number - 1) * self.per_page
        chunk = self.items[start:start + self.per_page - 1]
        return Page(number, chunk, number < self.num_pages, number > 1)
