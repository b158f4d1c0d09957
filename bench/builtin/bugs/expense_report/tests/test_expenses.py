from decimal import Decimal

from expenses import expense_totals, grand_total, pending

ROWS = [
    {"id": "r1", "category": "Travel", "amount": "120.50"},
    {"id": "r2", "category": "meals ", "amount": 30},
    {"id": "r3", "category": None, "amount": "9.99"},
    {"id": "r4", "category": "travel", "amount": "0.50"},
]


def test_totals():
    assert expense_totals(ROWS) == {
        "meals": Decimal("30"), "travel": Decimal("121.00"), "uncategorized": Decimal("9.99")}


def test_grand_total():
    assert grand_total(ROWS) == Decimal("160.99")


def test_pending_ids():
    assert pending(ROWS + [{"id": "r5", "amount": None}]) == ["r5"]


def test_pending_rows_skipped():
    rows = ROWS + [{"id": "r5", "category": "travel", "amount": None}]
    assert expense_totals(rows)["travel"] == Decimal("121.00")
