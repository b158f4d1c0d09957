import pytest

from leaderboard import Leaderboard


def test_accumulates():
    lb = Leaderboard()
    lb.add("ann", 5)
    lb.add("ann", 7)
    assert lb.score("ann") == 12 and lb.score("bob") == 0


def test_single_player():
    lb = Leaderboard()
    lb.add("ann", 3)
    assert lb.top(5) == ["ann"]
    assert lb.rank("ann") == 1


def test_unknown_rank():
    with pytest.raises(KeyError):
        Leaderboard().rank("zed")


def test_ties_by_name():
    lb = Leaderboard()
    lb.add("zoe", 4)
    lb.add("amy", 4)
    assert lb.top(2) == ["amy", "zoe"]


def test_top_scores_first():
    lb = Leaderboard()
    for name, pts in [("ann", 10), ("bob", 30), ("cy", 20)]:
        lb.add(name, pts)
    assert lb.top(2) == ["bob", "cy"]
    assert lb.rank("ann") == 3
