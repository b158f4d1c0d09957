from calendar_slots import Meeting, free_slots, overlaps


def test_touching_other_side():
    assert not overlaps(Meeting("b", 660, 720), Meeting("a", 600, 660))


def test_free_many():
    ms = [Meeting("a", 500, 560), Meeting("b", 550, 580), Meeting("c", 900, 1100)]
    assert free_slots(ms) == [(580, 900)]
