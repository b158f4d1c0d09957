"""Parse dates typed by European users: DD/MM/YYYY, DD.MM.YYYY, or ISO YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

_EU = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return dt.date(year, month, day)
    eu = _EU.match(text)
    if eu is None:
        raise ValueError(f"unrecognised date: {text!r}")
    day, month, year = (int(g) for g in eu.groups())
    return dt.date(year, day, month)


def format_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
