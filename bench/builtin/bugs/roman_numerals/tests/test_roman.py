import pytest

from roman import from_roman, to_roman


def test_subtractive():
    assert to_roman(4) == "IV"
    assert to_roman(1994) == "MCMXCIV"


def test_out_of_range():
    with pytest.raises(ValueError):
        to_roman(0)


def test_from_subtractive():
    assert from_roman("xiv") == 14


def test_bad_input():
    with pytest.raises(ValueError):
        from_roman("ABC")


def test_repeated_symbols():
    assert to_roman(3) == "III"
    assert to_roman(2024) == "MMXXIV"


def test_from_repeated():
    assert from_roman("MMXXIII") == 2023
