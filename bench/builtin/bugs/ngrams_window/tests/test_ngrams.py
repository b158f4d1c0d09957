import pytest

from ngrams import ngrams, tokenize, top_phrases


def test_tokenize():
    assert tokenize("Don't PANIC, 42!") == ["don't", "panic", "42"]


def test_too_short():
    assert ngrams(["a"], 2) == []


def test_bad_n():
    with pytest.raises(ValueError):
        ngrams(["a"], 0)


def test_bigrams():
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]


def test_top_phrases():
    text = "new york is big. i love new york"
    assert top_phrases(text, 2, 1) == [("new york", 2)]
