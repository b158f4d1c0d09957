import pytest

from paginate import Paginator


def test_partial_last_page():
    p = Paginator(range(10), 3)
    assert p.num_pages == 4
    assert p.page(4).items == [9]
    assert not p.page(4).has_next


def test_empty():
    p = Paginator([], 5)
    assert p.num_pages == 1
    assert p.page(1).items == []


def test_out_of_range():
    with pytest.raises(IndexError):
        Paginator(range(10), 3).page(5)


def test_first_page():
    page = Paginator("abcdefg", 2).page(1)
    assert page.items == ["a", "b"] and page.has_next and not page.has_prev


def test_exact_multiple():
    p = Paginator(range(9), 3)
    assert p.num_pages == 3
    assert not p.page(3).has_next
