from trie import Trie


def make():
    t = Trie()
    for word, n in [("car", 1), ("cart", 2), ("care", 3), ("dog", 4)]:
        t[word] = n
    return t


def test_get():
    t = make()
    assert t.get("cart") == 2 and len(t) == 4


def test_get_missing_without_default():
    assert make().get("zebra") is None


def test_prefix_only_uses_default():
    assert make().get("ca", 0) == 0


def test_prefix_listing():
    assert list(make().keys_with_prefix("car")) == ["car", "care", "cart"]


def test_contains():
    t = make()
    assert "dog" in t and "do" not in t


def test_default_for_unknown_key():
    assert make().get("zebra", "n/a") == "n/a"
    assert make().get("carts", -1) == -1
