from pathfilter import filter_paths


def test_hidden_with_extension_filter():
    paths = [".github/ci.yml", "app.yml", ".cfg.yml"]
    assert filter_paths(paths, extensions=[".yml"]) == ["app.yml"]
    assert filter_paths(paths, include_hidden=True, extensions=[".yml"]) == [".cfg.yml", ".github/ci.yml", "app.yml"]
