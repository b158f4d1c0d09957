import datetime as dt

import pytest

from birthdays import age_on, days_until_birthday, next_birthday

BORN = dt.date(1990, 6, 15)


def test_age_before_birthday():
    assert age_on(BORN, dt.date(2020, 6, 14)) == 29


def test_age_after_birthday():
    assert age_on(BORN, dt.date(2020, 12, 1)) == 30


def test_before_birth():
    with pytest.raises(ValueError):
        age_on(BORN, dt.date(1980, 1, 1))


def test_upcoming():
    assert days_until_birthday(BORN, dt.date(2024, 6, 10)) == 5


def test_age_on_birthday():
    assert age_on(BORN, dt.date(2020, 6, 15)) == 30


def test_birthday_already_passed():
    assert next_birthday(BORN, dt.date(2024, 7, 1)) == dt.date(2025, 6, 15)
