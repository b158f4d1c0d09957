import pytest

from prices import max_drawdown, percent_change, trend


def test_no_change():
    assert percent_change(50, 50) == 0


def test_from_zero():
    with pytest.raises(ZeroDivisionError):
        percent_change(0, 5)


def test_short_history():
    assert trend([10]) == "flat"


def test_drawdown():
    assert max_drawdown([100, 120, 90, 130, 117]) == pytest.approx(25)


def test_increase():
    assert percent_change(80, 100) == pytest.approx(25)


def test_trend_down():
    assert trend([100, 104, 97, 90]) == "down"
