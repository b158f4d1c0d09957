import pytest

from paginate import Paginator


def test_partial_last_page():
    p = Paginator(range(10), 3)
    assert p.num_pages == 4
    assert not p.page(4).has_next


def test_empty():
    p = Paginator([], 5)
    assert p.num_pages == 1
    assert p.page(1).items == []


def test_out_of_range():
    with pytest.raises(IndexError):
        Paginator(range(10), 3).page(5)


def test_first_page_flags():
    page = Paginator("abcdefg", 2).page(1)
    assert page.has_next and not page.has_prev


def test_exact_multiple():
    p = Paginator(range(9), 3)
    assert p.num_pages == 3
    assert not p.page(3).has_next


def test_middle_page():
    assert Paginator(range(1, 11), 4).page(2).items == [5, 6, 7, 8]
