from table import read_table


def test_tsv_with_empty_cells():
    assert read_table("a\tb\n1\t\n", sep="\t", types={1: int}) == [["1", ""]]
