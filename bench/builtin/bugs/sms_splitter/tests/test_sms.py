import pytest

from sms import number_parts, split_message


def test_short_message():
    assert split_message("see you  at 5") == ["see you at 5"]


def test_empty():
    assert split_message("   ") == []


def test_word_too_long():
    with pytest.raises(ValueError):
        split_message("x" * 20, limit=10)


def test_number_single():
    assert number_parts(["hi"]) == ["hi"]


def test_long_message():
    text = "the quick brown fox jumps over the lazy dog"
    assert split_message(text, limit=15) == ["the quick brown", "fox jumps over", "the lazy dog"]
