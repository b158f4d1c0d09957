from accounts import is_valid, validate_username


def test_good_name():
    assert validate_username("  Alice_01 ") == []


def test_bad_characters():
    assert validate_username("bob smith") == ["may only contain letters, digits, '_', '.' and '-'"]


def test_reserved():
    assert not is_valid("Admin")


def test_leading_dot():
    assert validate_username(".hidden") == ["must start with a letter or digit"]


def test_too_short():
    assert validate_username("ab") == ["must be 3-20 characters"]


def test_too_long():
    assert not is_valid("x" * 40)
