import datetime as dt

import pytest

from orderflow import InvalidTransition, Order, Status


def test_cancel_paid_then_no_more_moves():
    o = Order("B1")
    o.pay()
    o.cancel()
    assert o.status is Status.CANCELLED and o.shipped_at is None
    with pytest.raises(InvalidTransition):
        o.ship(dt.datetime(2024, 1, 1))
