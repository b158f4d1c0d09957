"""Temperature log analysis for a smart thermostat."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Thermostat:
    target: float
    readings: list[tuple[float, float]] = field(default_factory=list)  # (hours, celsius)

    def record(self, hours: float, celsius: float) -> None:
        if self.readings and hours <= self.readings[-1][0]:
            raise ValueError("readings must be in time order")
        self.readings.append((hours, celsius))

    def rate_per_hour(self) -> float:
        if len(self.readings) < 2:
            return 0.0
        (t0, c0), (t1, c1) = self.readings[-2], self.readings[-1]
        return abs(c1 - c0) / (t1 - t0)

    def trend(self, tolerance: float = 0.1) -> str:
        rate = self.rate_per_hour()
        if abs(rate) <= tolerance:
            return "steady"
        return "rising" if rate > 0 else "falling"

    def should_heat(self) -> bool:
        if not self.readings:
            return False
        return self.readings[-1][1] < self.target - 0.5
