import pytest

from percentiles import iqr, percentile, quartiles


def test_extremes():
    assert percentile([5, 1, 3], 0) == 1
    assert percentile([5, 1, 3], 100) == 5


def test_odd_median():
    assert percentile([3, 1, 2], 50) == 2


def test_errors():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_even_median():
    assert percentile([1, 2, 3, 4], 50) == 2.5


def test_quartiles():
    assert quartiles(list(range(1, 11))) == pytest.approx((3.25, 5.5, 7.75))
