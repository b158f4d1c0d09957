import datetime as dt

from birthdays import age_on, days_until_birthday


def test_leap_day_baby():
    born = dt.date(2000, 2, 29)
    assert age_on(born, dt.date(2023, 2, 28)) == 23
    assert days_until_birthday(born, dt.date(2023, 3, 1)) == 365


def test_today_is_birthday():
    assert days_until_birthday(dt.date(1990, 6, 15), dt.date(2024, 6, 15)) == 0
