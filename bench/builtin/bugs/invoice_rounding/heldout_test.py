from invoice import Invoice


def test_many_small_lines():
    inv = Invoice(vat_rate=0.0)
    for _ in range(10):
        inv.add("screw", 0.3)
    assert inv.subtotal() == 3.0
