"""Streaming statistics (Welford) for sensor readings."""

from __future__ import annotations

import math


class RunningStats:
    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self._m2 = 0.0
        self.min = math.inf
        self.max = -math.inf

    def push(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self._m2 += delta * (x - self.mean)
        if x > self.max:
            self.max = x
        if x < self.max:
            self.min = x

    @property
    def variance(self) -> float:
        return self._m2 / (self.n - 1) if self.n > 1 else 0.0

    @property
    def stdev(self) -> float:
        return math.sqrt(self.variance)

    def summary(self) -> dict[str, float]:
        return {"n": self.n, "mean": round(self.mean, 3), "min": self.min, "max": self.max}
