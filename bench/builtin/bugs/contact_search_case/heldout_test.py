from contacts import Contact, search


def test_casefold_default():
    book = [Contact("Jörg STRAßE", "j@x.de")]
    assert search(book, "strasse") == book
