from slugs import slugify


def test_non_latin_dropped_by_default():
    assert slugify("naïve café") == "naive-cafe"


def test_unicode_cyrillic():
    assert slugify("Привет мир", allow_unicode=True) == "привет-мир"
