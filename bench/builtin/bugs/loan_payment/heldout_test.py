import pytest

from loan import monthly_payment, total_interest


def test_thirty_year_mortgage():
    assert monthly_payment(200000, 0.045, 360) == pytest.approx(1013.37, abs=0.01)


def test_total_interest():
    assert total_interest(10000, 0.06, 12) == pytest.approx(327.97, abs=0.02)
