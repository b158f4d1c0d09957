from orders import Line, Order


def test_last_line_unpacked():
    o = Order("8", [Line("a", 1, True), Line("b", 1, True), Line("c", 5)])
    assert not o.ready_to_ship
