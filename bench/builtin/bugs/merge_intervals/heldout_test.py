from intervals import gaps, merge_intervals


def test_touching_and_chain():
    assert merge_intervals([(1, 3), (3, 4), (4, 9), (2, 5)]) == [(1, 9)]


def test_gaps_overlapping():
    assert gaps([(1, 4), (2, 6)], 0, 7) == [(0, 1), (6, 7)]
