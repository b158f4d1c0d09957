import pytest

from account import Account, InsufficientFunds


def test_overdraft_limit_enforced():
    a = Account("f", balance=10, overdraft=20)
    assert a.available() == 30
    a.withdraw(30)
    with pytest.raises(InsufficientFunds):
        a.withdraw(0.01)


def test_zero_withdrawal_rejected():
    with pytest.raises(ValueError):
        Account("g", 5).withdraw(0)
