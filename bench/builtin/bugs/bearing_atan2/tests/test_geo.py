import pytest

from geo import Point, bearing, compass, distance, midpoint

O = Point(0, 0)


def test_distance():
    assert distance(O, Point(3, 4)) == 5


def test_midpoint():
    assert midpoint(O, Point(2, 4)) == Point(1, 2)


def test_identical_points():
    with pytest.raises(ValueError):
        bearing(O, O)


def test_diagonals():
    assert bearing(O, Point(1, 1)) == pytest.approx(45)
    assert compass(O, Point(-2, -2)) == "SW"


def test_north_and_east():
    assert bearing(O, Point(0, 5)) == pytest.approx(0)
    assert compass(O, Point(5, 0)) == "E"
