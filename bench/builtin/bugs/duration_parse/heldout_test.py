from durations import format_duration, parse_duration


def test_roundtrip():
    for s in [1, 59, 61, 3600, 86399, 90061]:
        assert parse_duration(format_duration(s)) == s


def test_days():
    assert parse_duration("2d") == 172800
