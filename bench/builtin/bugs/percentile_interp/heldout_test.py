import pytest

from percentiles import iqr, percentile


def test_iqr_and_fraction():
    assert iqr([1, 2, 3, 4, 5, 6, 7, 8]) == pytest.approx(3.5)
    assert percentile([10, 20], 90) == pytest.approx(19)
