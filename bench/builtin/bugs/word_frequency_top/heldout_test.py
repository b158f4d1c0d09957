from wordfreq import report, top_words


def test_ties_alphabetical_and_k_larger():
    assert top_words("bb aa cc bb aa", 5) == [("aa", 2), ("bb", 2), ("cc", 1)]


def test_report_lines():
    assert len(report("x y z w x", 2).splitlines()) == 2
