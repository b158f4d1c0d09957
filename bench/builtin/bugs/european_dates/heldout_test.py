import datetime as dt

from dates_eu import format_date, parse_date


def test_roundtrip_year():
    day = dt.date(2023, 1, 1)
    while day.year == 2023:
        assert parse_date(format_date(day)) == day
        day += dt.timedelta(days=1)
