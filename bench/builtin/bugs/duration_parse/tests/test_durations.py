import pytest

from durations import format_duration, parse_duration


def test_bare_number():
    assert parse_duration(" 45 ") == 45


def test_seconds_unit():
    assert parse_duration("90s") == 90


def test_invalid():
    for bad in ["", "5x", "h5", "1h 2"]:
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_format():
    assert format_duration(5400) == "1h30m"
    assert format_duration(0) == "0s"


def test_compound():
    assert parse_duration("1h30m") == 5400
