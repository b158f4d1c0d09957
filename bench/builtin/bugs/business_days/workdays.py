"""Business-day arithmetic."""

from __future__ import annotations

import datetime as dt
from typing import Collection


def is_business_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 or day not in holidays


def add_business_days(start: dt.date, n: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The date `n` business days after `start` (n >= 0)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            n -= 1
    return day


def business_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """Business days in (start, end]."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            count += 1
    return count
