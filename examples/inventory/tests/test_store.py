import pytest

from inventory import Inventory, Item, OutOfStock, UnknownItem


@pytest.fixture
def inv():
    inv = Inventory(default_reorder_level=3)
    inv.add(Item("A1", "apple", 0.5, quantity=10))
    inv.add(Item("B2", "bread", 2.25, quantity=2))
    inv.add(Item("C3", "cheese", 7.0, quantity=1, reorder_level=0))
    return inv


def test_add_merges_quantity(inv):
    inv.add(Item("A1", "apple", 0.5, quantity=5))
    assert inv.get("A1").quantity == 15


def test_remove_reduces_stock(inv):
    item = inv.remove("A1", 4)
    assert item.quantity == 6


def test_remove_everything(inv):
    inv.remove("B2", 2)
    assert inv.get("B2").quantity == 0


def test_remove_rejects_non_positive(inv):
    with pytest.raises(ValueError):
        inv.remove("A1", 0)


def test_total_value(inv):
    assert inv.total_value() == 16.5


def test_needs_reorder(inv):
    assert inv.needs_reorder() == ["B2"]


def test_remove_more_than_on_hand(inv):
    with pytest.raises(OutOfStock):
        inv.remove("B2", 3)
    assert inv.get("B2").quantity == 2


def test_remove_unknown_sku(inv):
    with pytest.raises(UnknownItem):
        inv.remove("ZZ", 1)
