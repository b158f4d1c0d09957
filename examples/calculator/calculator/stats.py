"""Descriptive statistics over plain lists of numbers."""

from __future__ import annotations

from typing import Sequence


def mean(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("mean() of an empty sequence")
    return sum(values) / len(values)


def variance(values: Sequence[float], sample: bool = True) -> float:
    n = len(values)
    if n < 2 and sample:
        raise ValueError("sample variance needs at least two values")
    mu = mean(values)
    total = sum((v - mu) ** 2 for v in values)
    return total / (n - 1 if sample else n)


def median(values: Sequence[float]) -> float:
    data = sorted(values)
    n = len(data)
    if n == 0:
        raise ValueError("median() of an empty sequence")
    mid = n // 2
    if n % 2 == 1:
        return data[mid]
    return (data[mid - 1] + data[mid]) / 2


def moving_average(values: Sequence[float], window: int) -> list[float]:
    if window <= 0:
        raise ValueError("window must be positive")
    if window > len(values):
        return []
    out = []
    running = sum(values[:window])
    out.append(running / window)
    for i in range(window, len(values)):
        running += values[i] - values[i - window]
        out.append(running / window)
    return out


def histogram(
    values: Sequence[float],
    bins: int,
    lo: float | None = None,
    hi: float | None = None,
) -> list[int]:
    """Count values into `bins` equal-width bins spanning [lo, hi].

    Values outside the range are ignored; a value equal to `hi` goes in the last bin.
    `lo` and `hi` default to the smallest and largest value.
    """
    if bins <= 0:
        raise ValueError("bins must be positive")
    if not values:
        return [0] * bins
    lo = min(values) if lo is None else lo
    hi = max(values) if hi is None else hi
    if hi <= lo:
        raise ValueError("hi must be greater than lo")
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        if v < lo or v > hi:
            continue
        idx = int((v - lo) / width)
        if idx > bins:
            idx = bins - 1
        counts[idx] += 1
    return counts
