from trie import Trie


def test_empty_trie_default():
    assert Trie().get("x", 42) == 42
    assert list(Trie().keys_with_prefix("q")) == []
