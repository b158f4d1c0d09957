"""Expense report totals by category."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal


def expense_totals(rows: list[dict]) -> dict[str, Decimal]:
    """Sum the `amount` of each row per `category`; rows without an amount are pending."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        amount = row.get("amount")
        category = (row.get("category") or "uncategorized").strip().lower()
        totals[category] += Decimal(str(amount))
    return dict(sorted(totals.items()))


def pending(rows: list[dict]) -> list[str]:
    return [row.get("id", "?") for row in rows if row.get("amount") is None]


def grand_total(rows: list[dict]) -> Decimal:
    return sum(expense_totals(rows).values(), Decimal("0"))
