from wordfreq import top_words, words


def test_words():
    assert words("The cat's hat and THE bat") == ["cat's", "hat", "bat"]


def test_keep_stopwords():
    assert words("the end", drop_stopwords=False) == ["the", "end"]


def test_k_zero():
    assert top_words("spam spam eggs", 0) == []


def test_top_two():
    text = "spam eggs spam ham spam eggs toast"
    assert top_words(text, 2) == [("spam", 3), ("eggs", 2)]
