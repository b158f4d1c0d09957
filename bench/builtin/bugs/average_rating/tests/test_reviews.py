from reviews import Product, Review, average_rating, catalog_summary


def test_average():
    p = Product("A", [Review("x", 5), Review("y", 4), Review("z", None, "meh")])
    assert average_rating(p) == 4.5


def test_summary_rated():
    p = Product("A", [Review("x", 3)])
    assert catalog_summary([p]) == {"A": "3.0 stars"}


def test_rounding():
    assert average_rating(Product("B", [Review("a", 5), Review("b", 4), Review("c", 4)])) == 4.3


def test_no_ratings():
    assert average_rating(Product("C", [Review("a", None, "no stars")])) is None


def test_summary_with_new_product():
    assert catalog_summary([Product("N")]) == {"N": "no ratings"}
