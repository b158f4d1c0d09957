from reservations import Stock


def test_reserve_release_cycle():
    s = Stock(5)
    for _ in range(10):
        assert s.reserve(5)
        s.release(5)
    assert s.available == 5 and s.reserved == 0
