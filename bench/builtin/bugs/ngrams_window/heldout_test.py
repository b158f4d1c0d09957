from ngrams import ngrams


def test_exact_length():
    assert ngrams(["x", "y", "z"], 3) == [("x", "y", "z")]


def test_unigrams():
    assert ngrams(["a", "b"], 1) == [("a",), ("b",)]
