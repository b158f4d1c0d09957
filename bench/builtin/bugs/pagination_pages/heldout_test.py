import pytest

from paginate import Paginator


def test_single_full_page():
    p = Paginator([1, 2], 2)
    assert p.num_pages == 1
    with pytest.raises(IndexError):
        p.page(2)


def test_per_page_one():
    p = Paginator("abc", 1)
    assert p.num_pages == 3
    assert [p.page(i).items for i in (1, 2, 3)] == [["a"], ["b"], ["c"]]


def test_last_partial_page():
    assert Paginator(range(10), 3).page(4).items == [9]
