import pytest

from calendar_slots import Meeting, conflicts, free_slots, overlaps


def test_overlap():
    assert overlaps(Meeting("a", 600, 660), Meeting("b", 630, 700))


def test_disjoint():
    assert not overlaps(Meeting("a", 600, 630), Meeting("b", 700, 730))


def test_bad_meeting():
    with pytest.raises(ValueError):
        Meeting("x", 600, 600)


def test_free_simple():
    assert free_slots([Meeting("a", 600, 660)]) == [(540, 600), (660, 1020)]


def test_back_to_back_is_not_a_conflict():
    ms = [Meeting("a", 600, 660), Meeting("b", 660, 720), Meeting("c", 700, 730)]
    assert conflicts(ms) == [("b", "c")]


def test_free_after_nested_meeting():
    ms = [Meeting("long", 540, 720), Meeting("short", 600, 630)]
    assert free_slots(ms) == [(720, 1020)]
