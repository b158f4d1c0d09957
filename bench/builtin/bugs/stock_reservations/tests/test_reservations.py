import pytest

from reservations import Stock


def test_reserve():
    s = Stock(10)
    assert s.reserve(4)
    assert s.available == 6


def test_reserve_too_much():
    s = Stock(3)
    assert not s.reserve(5)
    assert s.available == 3


def test_release_too_much():
    with pytest.raises(ValueError):
        Stock(5).release(1)


def test_release_gives_stock_back():
    s = Stock(10)
    s.reserve(4)
    s.release(3)
    assert s.available == 9


def test_fulfil():
    s = Stock(10)
    s.reserve(4)
    s.fulfil(4)
    assert (s.on_hand, s.reserved, s.available) == (6, 0, 6)
