import pytest

from sortedlist import SortedList


def test_add_keeps_order():
    s = SortedList([5, 1, 3])
    s.add(4)
    s.add(0)
    assert list(s) == [0, 1, 3, 4, 5]


def test_missing_value():
    s = SortedList([1, 3, 5])
    assert 4 not in s
    with pytest.raises(ValueError):
        s.index(4)


def test_count_less_than_absent_value():
    s = SortedList([1, 3, 5, 7])
    assert s.count_less_than(4) == 2
    assert s.count_less_than(100) == 4


def test_index_of_present_value():
    s = SortedList([10, 20, 30, 40])
    assert s.index(30) == 2


def test_remove_duplicate():
    s = SortedList([1, 2, 2, 3])
    s.remove(2)
    assert list(s) == [1, 2, 3]
