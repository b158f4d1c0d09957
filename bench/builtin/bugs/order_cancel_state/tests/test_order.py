import datetime as dt

import pytest

from orderflow import CannotCancel, InvalidTransition, Order, Status

T = dt.datetime(2024, 5, 1, 12, 0)


def test_happy_path():
    o = Order("A1")
    o.pay()
    o.ship(T)
    o.deliver()
    assert o.status is Status.DELIVERED
    assert len(o.log) == 3


def test_cannot_skip_payment():
    with pytest.raises(InvalidTransition):
        Order("A2").ship(T)


def test_cancel_new_order():
    o = Order("A3")
    o.cancel()
    assert o.status is Status.CANCELLED


def test_cancel_after_shipping_refused():
    o = Order("A4")
    o.pay()
    o.ship(T)
    with pytest.raises(CannotCancel):
        o.cancel()
