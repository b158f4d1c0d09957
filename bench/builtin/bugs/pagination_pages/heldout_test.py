import pytest

from paginate import Paginator


def test_single_full_page():
    p = Paginator([1, 2], 2)
    assert p.num_pages == 1
    with pytest.raises(IndexError):
        p.page(2)


def test_per_page_one():
    assert Paginator("abc", 1).num_pages == 3
