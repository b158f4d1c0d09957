import pytest

from geo import Point, bearing, compass


def test_west_and_south():
    assert bearing(Point(0, 0), Point(-1, 0)) == pytest.approx(270)
    assert compass(Point(1, 1), Point(1, -3)) == "S"


def test_steep():
    assert bearing(Point(0, 0), Point(1, 3)) == pytest.approx(18.4349, abs=1e-3)
