from csvline import split_csv_line


def test_empty_fields_and_sep():
    assert split_csv_line("a;;b;", sep=";") == ["a", "", "b", ""]
