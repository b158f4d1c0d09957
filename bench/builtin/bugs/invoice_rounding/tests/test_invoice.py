import pytest

from invoice import Invoice


def test_whole_prices():
    inv = Invoice()
    inv.add("widget", 10, qty=3)
    inv.add("gadget", 25)
    assert inv.subtotal() == 55
    assert inv.total() == 66


def test_empty():
    assert Invoice().total() == 0


def test_bad_qty():
    with pytest.raises(ValueError):
        Invoice().add("x", 1, qty=0)


def test_cents():
    inv = Invoice(vat_rate=0.0)
    inv.add("pen", 1.25, qty=3)
    inv.add("pad", 2.40)
    assert inv.subtotal() == 6.15


def test_discount():
    inv = Invoice(vat_rate=0.1)
    inv.add("chair", 49.99, qty=2, discount=0.1)
    assert inv.total() == pytest.approx(98.98)
