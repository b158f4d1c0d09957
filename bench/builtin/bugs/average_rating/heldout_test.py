from reviews import Product, average_rating


def test_empty_product():
    assert average_rating(Product("E")) is None
