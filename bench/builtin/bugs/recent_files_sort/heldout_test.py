from recent import RecentFiles


def test_limit_drops_oldest():
    r = RecentFiles(limit=2)
    for p in ["z", "y", "x"]:
        r.touch(p)
    assert r.items() == ["x", "y"]
