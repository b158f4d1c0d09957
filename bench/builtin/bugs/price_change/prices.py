"""Price history analytics."""

from __future__ import annotations

from typing import Sequence


def percent_change(old: float, new: float) -> float:
    if old == 0:
        raise ZeroDivisionError("percent change from zero")
    return (old - new) / abs(old) * 100


def trend(history: Sequence[float], threshold: float = 1.0) -> str:
    if len(history) < 2:
        return "flat"
    change = percent_change(history[0], history[-1])
    if change > threshold:
        return "up"
    if change < -threshold:
        return "down"
    return "flat"


def max_drawdown(history: Sequence[float]) -> float:
    """Largest peak-to-trough drop, as a positive percentage."""
    peak = None
    worst = 0.0
    for price in history:
        if peak is None or price > peak:
            peak = price
        worst = max(worst, (peak - price) / peak * 100)
    return worst
