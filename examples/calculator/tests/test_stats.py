import pytest

from calculator import histogram, mean, median, moving_average, variance


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_mean_empty():
    with pytest.raises(ValueError):
        mean([])


def test_variance_sample_and_population():
    data = [2, 4, 4, 4, 5, 5, 7, 9]
    assert variance(data, sample=False) == 4.0
    assert variance(data) == pytest.approx(32 / 7)


def test_median_odd_and_even():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_moving_average():
    assert moving_average([1, 2, 3, 4, 5], 2) == [1.5, 2.5, 3.5, 4.5]
    assert moving_average([1, 2], 3) == []


def test_histogram_explicit_range():
    assert histogram([0.5, 1.5, 1.7, 3.2], bins=4, lo=0, hi=4) == [1, 2, 0, 1]


def test_histogram_ignores_out_of_range():
    assert histogram([-1, 0.1, 0.2, 9], bins=2, lo=0, hi=1) == [2, 0]


def test_histogram_empty_and_bad_bins():
    assert histogram([], bins=3) == [0, 0, 0]
    with pytest.raises(ValueError):
        histogram([1, 2], bins=0)


def test_histogram_default_range():
    assert histogram([1, 2, 2, 3, 4, 5], bins=2) == [3, 3]


def test_histogram_value_on_upper_edge():
    assert histogram([0, 10], bins=5, lo=0, hi=10) == [1, 0, 0, 0, 1]
