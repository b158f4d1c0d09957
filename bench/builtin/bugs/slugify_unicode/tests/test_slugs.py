from slugs import slugify, unique_slug


def test_plain_ascii():
    assert slugify("Hello, World!") == "hello-world"


def test_collapses_separators():
    assert slugify("  a -- b __ c  ") == "a-b-c"


def test_max_length():
    assert slugify("one two three", max_length=7) == "one-two"


def test_unique():
    assert unique_slug("My Post", {"my-post", "my-post-2"}) == "my-post-3"


def test_accents_are_transliterated():
    assert slugify("Crème brûlée") == "creme-brulee"


def test_allow_unicode_keeps_letters():
    assert slugify("Crème brûlée", allow_unicode=True) == "crème-brûlée"
