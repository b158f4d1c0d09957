from sortedlist import SortedList, bisect_left


def test_bisect_left_duplicates():
    assert bisect_left([1, 2, 2, 2, 3], 2) == 1
    assert bisect_left([], 5) == 0


def test_count_less_than_present():
    assert SortedList([1, 2, 2, 3]).count_less_than(2) == 1


def test_contains_present():
    assert 2 in SortedList([1, 2, 3])
