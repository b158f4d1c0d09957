import pytest

from iniparse import ParseError, parse_ini


def test_first_line_error():
    with pytest.raises(ParseError) as info:
        parse_ini("key = 1")
    assert info.value.lineno == 1


def test_error_after_blank_lines():
    with pytest.raises(ParseError) as info:
        parse_ini("[a]\n\n\n[b")
    assert info.value.lineno == 4
