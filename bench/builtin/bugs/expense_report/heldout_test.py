from decimal import Decimal

from expenses import grand_total


def test_only_pending():
    assert grand_total([{"id": "x"}, {"id": "y", "amount": None}]) == Decimal("0")


def test_zero_amount_is_not_pending():
    from expenses import expense_totals

    assert expense_totals([{"category": "gifts", "amount": 0}, {"category": "x"}]) == {"gifts": Decimal("0")}
