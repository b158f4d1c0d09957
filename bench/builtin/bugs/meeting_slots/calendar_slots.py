"""Meeting conflicts and free time, in minutes since midnight."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Meeting:
    title: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"{self.title}: end must be after start")


def overlaps(a: Meeting, b: Meeting) -> bool:
    return a.start <= b.end and b.start < a.end


def conflicts(meetings: list[Meeting]) -> list[tuple[str, str]]:
    out = []
    ordered = sorted(meetings, key=lambda m: m.start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if overlaps(a, b):
                out.append((a.title, b.title))
    return out


def free_slots(meetings: list[Meeting], day_start: int = 540, day_end: int = 1020) -> list[tuple[int, int]]:
    slots = []
    cursor = day_start
    for m in sorted(meetings, key=lambda m: m.start):
        if m.start > cursor:
            slots.append((cursor, min(m.start, day_end)))
        cursor = min(cursor, m.end)
    if cursor < day_end:
        slots.append((cursor, day_end))
    return [(s, e) for s, e in slots if e > s]
