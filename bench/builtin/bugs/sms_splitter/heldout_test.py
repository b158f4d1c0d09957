from sms import number_parts, split_message


def test_parts_fit_and_roundtrip():
    text = " ".join(f"word{i}" for i in range(100))
    parts = split_message(text, limit=40)
    assert all(len(p) <= 40 for p in parts)
    assert " ".join(parts) == text
    assert number_parts(parts)[0].startswith("(1/")
