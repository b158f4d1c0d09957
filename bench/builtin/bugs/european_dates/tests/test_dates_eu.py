import datetime as dt

import pytest

from dates_eu import format_date, parse_date


def test_iso():
    assert parse_date("2024-03-04") == dt.date(2024, 3, 4)


def test_new_year():
    assert parse_date("01/01/2024") == dt.date(2024, 1, 1)


def test_garbage():
    with pytest.raises(ValueError):
        parse_date("next tuesday")


def test_format():
    assert format_date(dt.date(2024, 3, 4)) == "04/03/2024"


def test_day_first():
    assert parse_date("04/03/2024") == dt.date(2024, 3, 4)


def test_late_in_month():
    assert parse_date("25.12.2023") == dt.date(2023, 12, 25)
