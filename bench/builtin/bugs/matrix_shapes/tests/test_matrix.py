import pytest

from matrix import identity, matmul, shape, transpose


def test_shape():
    assert shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)
    with pytest.raises(ValueError):
        shape([[1], [2, 3]])


def test_square_transpose():
    assert transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]


def test_square_matmul():
    assert matmul([[1, 2], [3, 4]], identity(2)) == [[1, 2], [3, 4]]


def test_incompatible():
    with pytest.raises(ValueError):
        matmul([[1, 2]], [[1, 2]])


def test_rectangular_transpose():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


def test_rectangular_matmul():
    a = [[1, 2, 3], [4, 5, 6]]
    b = [[7, 8], [9, 10], [11, 12]]
    assert matmul(a, b) == [[58, 64], [139, 154]]
