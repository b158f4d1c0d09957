import pytest

from iniparse import ParseError, parse_ini


def test_parse():
    text = "# comment\n[db]\nhost = localhost\nport=5432\n\n[app]\nname = demo\n"
    assert parse_ini(text) == {"db": {"host": "localhost", "port": "5432"}, "app": {"name": "demo"}}


def test_value_with_equals():
    assert parse_ini("[s]\nexpr = a=b") == {"s": {"expr": "a=b"}}


def test_error_raised():
    with pytest.raises(ParseError):
        parse_ini("[s]\njunk")


def test_error_line_number():
    with pytest.raises(ParseError) as info:
        parse_ini("[server]\nport = 80\nhost localhost\n")
    assert info.value.lineno == 3
    assert str(info.value).startswith("line 3:")
