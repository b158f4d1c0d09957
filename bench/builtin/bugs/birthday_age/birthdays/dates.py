"""Birthday arithmetic (Feb 29 birthdays are celebrated on Feb 28 in common years)."""

from __future__ import annotations

import calendar
import datetime as dt


def _in_year(born: dt.date, year: int) -> dt.date:
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return born.replace(year=year)


def age_on(born: dt.date, day: dt.date) -> int:
    if day < born:
        raise ValueError("day is before birth")
    years = day.year - born.year
    if day <= _in_year(born, day.year):
        years -= 1
    return years


def next_birthday(born: dt.date, today: dt.date) -> dt.date:
    candidate = _in_year(born, today.year)
    if candidate < today:
        candidate = _in_year(born, today.year + 1)
    return candidate


def days_until_birthday(born: dt.date, today: dt.date) -> int:
    return (next_birthday(born, today) - today).days + 1
