import pytest

from textwrap_lite import indent, shorten, wrap


def test_wrap_basic():
    assert wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]


def test_wrap_splits_long_words():
    assert wrap("abcdefghij xy", 4) == ["abcd", "efgh", "ij", "xy"]


def test_wrap_rejects_zero_width():
    with pytest.raises(ValueError):
        wrap("abc", 0)


def test_shorten_leaves_short_text():
    assert shorten("hello   world", 20) == "hello world"


def test_shorten_rejects_tiny_width():
    with pytest.raises(ValueError):
        shorten("a long sentence here", 2)


def test_shorten_truncates_to_width():
    assert shorten("hello world, how are you", 8) == "hello..."


def test_shorten_result_fits_exactly():
    out = shorten("abcdefghijklmnop", 10, placeholder="~")
    assert out == "abcdefghi~"
    assert len(out) == 10


def test_indent():
    assert indent("a\n\nb\n", "> ") == "> a\n\n> b\n"
