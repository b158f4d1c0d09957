from table import column, read_table, split_row


def test_split_row():
    assert split_row(" a , b ,c\n") == ["a", "b", "c"]


def test_no_header():
    assert read_table("1,2\n3,4", skip_header=False, types={0: int}) == [[1, "2"], [3, "4"]]


def test_header_only():
    assert read_table("name,age\n") == []


def test_skip_header():
    rows = read_table("name,age\nann,31\nbob,42\n", types={1: int})
    assert column(rows, 1) == [31, 42]


def test_comments_and_blanks():
    text = "# exported\nname;age\n\nann;31\n"
    assert read_table(text, sep=";") == [["ann", "31"]]
