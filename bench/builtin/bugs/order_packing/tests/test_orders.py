import pytest

from orders import Line, Order, shippable


def test_nothing_packed():
    o = Order("1", [Line("a", 1), Line("b", 2)])
    assert not o.ready_to_ship


def test_everything_packed():
    o = Order("2", [Line("a", 1), Line("b", 2)])
    o.pack("a")
    o.pack("b")
    assert o.ready_to_ship and o.units() == 3


def test_empty_and_cancelled():
    assert not Order("3").ready_to_ship
    assert not Order("4", [Line("a", 1, packed=True)], cancelled=True).ready_to_ship


def test_unknown_sku():
    with pytest.raises(KeyError):
        Order("5", [Line("a", 1)]).pack("zz")


def test_partially_packed():
    done = Order("6", [Line("a", 1, packed=True)])
    partial = Order("7", [Line("a", 1, packed=True), Line("b", 1)])
    assert shippable([done, partial]) == ["6"]
