from acronyms import acronym, initials


def test_single_word():
    assert acronym("python") == "P"


def test_empty():
    assert acronym("") == ""


def test_initials():
    assert initials("ada  king lovelace") == "A. K. L."
    assert initials("   ") == ""


def test_basic():
    assert acronym("portable network graphics") == "PNG"


def test_small_words_and_hyphens():
    assert acronym("Department of Motor-Vehicles") == "DMV"
    assert acronym("Department of Motor-Vehicles", keep_small=True) == "DOMV"
