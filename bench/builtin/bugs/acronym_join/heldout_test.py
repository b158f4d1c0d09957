from acronyms import acronym


def test_apostrophes():
    assert acronym("don't repeat yourself") == "DRY"
