import pytest

from prices import percent_change, trend


def test_negative_base():
    assert percent_change(-50, -25) == pytest.approx(50)


def test_small_move_is_flat():
    assert trend([100, 100.5]) == "flat"
    assert trend([100, 102]) == "up"
