import pytest

from loan import monthly_payment, schedule, total_interest


def test_zero_rate():
    assert monthly_payment(1200, 0, 12) == 100


def test_invalid_months():
    with pytest.raises(ValueError):
        monthly_payment(1000, 0.05, 0)


def test_zero_rate_schedule_pays_off():
    rows = schedule(600, 0.0, 6)
    assert len(rows) == 6
    assert rows[-1].balance == 0


def test_payment_with_interest():
    assert monthly_payment(10000, 0.06, 12) == pytest.approx(860.66, abs=0.01)


def test_schedule_with_interest_pays_off():
    rows = schedule(5000, 0.12, 24)
    assert rows[-1].balance == pytest.approx(0, abs=0.01)
