import pytest

from runstats import RunningStats


def feed(values):
    s = RunningStats()
    for v in values:
        s.push(v)
    return s


def test_mean_and_variance():
    s = feed([2, 4, 4, 4, 5, 5, 7, 9])
    assert s.mean == 5
    assert s.variance == pytest.approx(32 / 7)


def test_increasing():
    s = feed([1, 2, 3])
    assert (s.min, s.max) == (1, 3)


def test_decreasing():
    s = feed([3, 2, 1])
    assert (s.min, s.max) == (1, 3)


def test_single():
    assert feed([7]).summary() == {"n": 1, "mean": 7, "min": 7, "max": 7}


def test_min_not_last():
    s = feed([2, 5, 3])
    assert s.min == 2
