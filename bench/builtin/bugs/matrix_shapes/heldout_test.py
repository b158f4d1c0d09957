from matrix import matmul, transpose


def test_row_vector():
    assert transpose([[1, 2, 3]]) == [[1], [2], [3]]
    assert matmul([[1, 2, 3]], [[1], [1], [1]]) == [[6]]
