import pytest

from intervals import covered, gaps, merge_intervals


def test_disjoint():
    assert merge_intervals([(5, 6), (1, 2)]) == [(1, 2), (5, 6)]


def test_bad_interval():
    with pytest.raises(ValueError):
        merge_intervals([(3, 1)])


def test_gaps_disjoint():
    assert gaps([(2, 3), (5, 6)], 0, 8) == [(0, 2), (3, 5), (6, 8)]


def test_contained():
    assert merge_intervals([(1, 5), (2, 3)]) == [(1, 5)]


def test_covered_overlapping():
    assert covered([(0, 4), (2, 6), (10, 11)]) == 7
