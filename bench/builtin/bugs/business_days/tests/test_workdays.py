import datetime as dt

import pytest

from workdays import add_business_days, business_days_between, is_business_day

MON = dt.date(2024, 3, 4)


def test_within_week():
    assert add_business_days(MON, 3) == dt.date(2024, 3, 7)


def test_zero_days():
    assert add_business_days(MON, 0) == MON


def test_negative():
    with pytest.raises(ValueError):
        add_business_days(MON, -1)


def test_weekday_is_business_day():
    assert is_business_day(MON)


def test_crosses_weekend():
    assert add_business_days(dt.date(2024, 3, 8), 1) == dt.date(2024, 3, 11)


def test_skips_holiday():
    assert business_days_between(MON, dt.date(2024, 3, 8), holidays={dt.date(2024, 3, 6)}) == 3
