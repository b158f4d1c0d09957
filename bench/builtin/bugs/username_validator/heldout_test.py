from accounts import validate_username


def test_custom_bounds():
    assert validate_username("abcd", min_len=5) == ["must be 5-20 characters"]
    assert validate_username("abcdef", max_len=5) == ["must be 3-5 characters"]


def test_exact_bounds_ok():
    assert validate_username("abc") == []
    assert validate_username("a" * 20) == []
