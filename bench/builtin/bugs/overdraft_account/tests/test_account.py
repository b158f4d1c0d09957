import pytest

from account import Account, InsufficientFunds


def test_deposit_withdraw():
    a = Account("ann")
    a.deposit(100)
    a.withdraw(30)
    assert a.balance == 70
    assert a.history == [("deposit", 100), ("withdraw", 30)]


def test_insufficient_without_overdraft():
    a = Account("bob", 10)
    with pytest.raises(InsufficientFunds):
        a.withdraw(20)


def test_bad_deposit():
    with pytest.raises(ValueError):
        Account("c").deposit(0)


def test_overdraft_allows_negative_balance():
    a = Account("dan", balance=50, overdraft=100)
    a.withdraw(120)
    assert a.balance == -70


def test_negative_withdrawal_rejected():
    a = Account("eve", balance=50)
    with pytest.raises(ValueError):
        a.withdraw(-10)
    assert a.balance == 50
