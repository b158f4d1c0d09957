import pytest

from csvline import split_csv_line


def test_single_field():
    assert split_csv_line("hello") == ["hello"]


def test_quoted_single():
    assert split_csv_line('"a ""quoted"" word"') == ['a "quoted" word']


def test_unterminated():
    with pytest.raises(ValueError):
        split_csv_line('"abc')


def test_empty_line():
    assert split_csv_line("") == [""]


def test_several_fields():
    assert split_csv_line('1,"Smith, J",x') == ["1", "Smith, J", "x"]
