from shapes import Rect


def test_tall_rect():
    assert Rect(2, 3, 1, 7).area() == 7
