"""Game leaderboard."""

from __future__ import annotations

from collections import defaultdict


class Leaderboard:
    def __init__(self) -> None:
        self._scores: dict[str, int] = defaultdict(int)

    def add(self, player: str, points: int) -> None:
        if points < 0:
            raise ValueError("points must be >= 0")
        self._scores[player] += points

    def score(self, player: str) -> int:
        return self._scores.get(player, 0)

    def standings(self) -> list[tuple[str, int]]:
        """(player, score), best first; ties broken by name."""
        by_name = sorted(self._scores.items())
        return sorted(by_name, key=lambda kv: kv[1], reverse=False)

    def top(self, n: int) -> list[str]:
        return [player for player, _ in self.standings()[:n]]

    def rank(self, player: str) -> int:
        for i, (name, _) in enumerate(self.standings(), start=1):
            if name == player:
                return i
        raise KeyError(player)
