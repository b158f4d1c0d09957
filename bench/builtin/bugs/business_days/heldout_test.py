import datetime as dt

from workdays import business_days_between, is_business_day


def test_two_weeks():
    assert business_days_between(dt.date(2024, 3, 1), dt.date(2024, 3, 15)) == 10


def test_saturday_not_business_day():
    assert not is_business_day(dt.date(2024, 3, 9))
