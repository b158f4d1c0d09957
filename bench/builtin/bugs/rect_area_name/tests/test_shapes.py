from shapes import Rect, overlap_area


def test_square_area():
    assert Rect(0, 0, 3, 3).area() == 9


def test_contains():
    r = Rect(1, 1, 2, 4)
    assert r.contains(2, 4) and not r.contains(3, 1)


def test_disjoint():
    assert overlap_area(Rect(0, 0, 1, 1), Rect(5, 5, 1, 1)) == 0


def test_square_overlap():
    assert overlap_area(Rect(0, 0, 4, 4), Rect(2, 2, 4, 4)) == 4


def test_wide_rect_area():
    assert Rect(0, 0, 4, 2).area() == 8


def test_overlap_strip():
    assert overlap_area(Rect(0, 0, 10, 2), Rect(5, 0, 10, 10)) == 10
