"""Fixed-rate loan amortization."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    month: int
    interest: float
    principal: float
    balance: float


def monthly_payment(principal: float, annual_rate: float, months: int) -> float:
    if months <= 0:
        raise ValueError("months must be positive")
    if principal < 0:
        raise ValueError("principal must not be negative")
    r = annual_rate / 12
    if r == 0:
        return principal / months
    return principal * r / (1 - (1 - r) ** -months)


def schedule(principal: float, annual_rate: float, months: int) -> list[Row]:
    payment = monthly_payment(principal, annual_rate, months)
    r = annual_rate / 12
    balance = principal
    rows = []
    for month in range(1, months + 1):
        interest = balance * r
        paid = payment - interest
        balance -= paid
        rows.append(Row(month, round(interest, 2), round(paid, 2), round(max(balance, 0.0), 2)))
    return rows


def total_interest(principal: float, annual_rate: float, months: int) -> float:
    return round(monthly_payment(principal, annual_rate, months) * months - principal, 2)
