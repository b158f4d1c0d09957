from decimal import Decimal

from expenses import grand_total


def test_only_pending():
    assert grand_total([{"id": "x"}, {"id": "y", "amount": None}]) == Decimal("0")
