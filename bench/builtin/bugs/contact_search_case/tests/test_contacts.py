from contacts import Contact, by_tag, search

BOOK = [
    Contact("Ann Lee", "ann@example.org", ("work",)),
    Contact("Bob Stone", "bob@stone.dev", ("family", "work")),
]


def test_exact_case():
    assert search(BOOK, "Ann") == [BOOK[0]]


def test_email():
    assert search(BOOK, "stone.dev") == [BOOK[1]]


def test_blank_term():
    assert search(BOOK, "  ") == BOOK


def test_explicit_sensitive():
    assert search(BOOK, "ann lee", case_sensitive=True) == []


def test_tags():
    assert by_tag(BOOK, "work") == ["Ann Lee", "Bob Stone"]


def test_default_ignores_case():
    assert search(BOOK, "ann lee") == [BOOK[0]]
    assert search(BOOK, "BOB") == [BOOK[1]]
