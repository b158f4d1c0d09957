from pathfilter import filter_paths, is_hidden


def test_plain_listing():
    assert filter_paths(["b.py", "a.py", "./a.py"]) == ["a.py", "b.py"]


def test_extensions():
    assert filter_paths(["a.py", "b.txt", "c/d.py"], extensions=[".py"]) == ["a.py", "c/d.py"]


def test_exclude():
    assert filter_paths(["src/a.py", "build/a.py"], exclude=["build/*"]) == ["src/a.py"]


def test_is_hidden():
    assert is_hidden(".git/config")
    assert not is_hidden("./src/a.py")


def test_hidden_skipped_by_default():
    assert filter_paths(["a.py", ".env", "src/.cache/x.py"]) == ["a.py"]


def test_hidden_included_on_request():
    assert filter_paths([".env", "a.py"], include_hidden=True) == [".env", "a.py"]
