"""Planar geometry helpers for a 2-D map (x east, y north)."""

from __future__ import annotations

import math
from typing import NamedTuple


class Point(NamedTuple):
    x: float
    y: float


def distance(a: Point, b: Point) -> float:
    return math.hypot(b.x - a.x, b.y - a.y)


def midpoint(a: Point, b: Point) -> Point:
    return Point((a.x + b.x) / 2, (a.y + b.y) / 2)


def bearing(a: Point, b: Point) -> float:
    """Compass bearing from a to b in degrees: 0 = north, 90 = east."""
    dx, dy = b.x - a.x, b.y - a.y
    if dx == 0 and dy == 0:
        raise ValueError("bearing between identical points")
    return math.degrees(math.atan2(dy, dx)) % 360


def compass(a: Point, b: Point) -> str:
    names = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"]
    return names[int((bearing(a, b) + 22.5) // 45) % 8]
