from leaderboard import Leaderboard


def test_standings():
    lb = Leaderboard()
    for name, pts in [("a", 1), ("b", 3), ("c", 3), ("d", 2)]:
        lb.add(name, pts)
    assert lb.standings() == [("b", 3), ("c", 3), ("d", 2), ("a", 1)]
