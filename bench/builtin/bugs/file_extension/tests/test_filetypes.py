from filetypes import basename, extension, kind


def test_basename():
    assert basename("a/b\\c.txt") == "c.txt"


def test_simple():
    assert extension("src/Main.PY") == ".py"
    assert kind("README.md") == "markdown"


def test_none():
    assert extension("Makefile") == ""
    assert extension(".bashrc") == ""


def test_unknown():
    assert kind("data.xyz") == "unknown"


def test_double_suffix():
    assert extension("dist/pkg-1.0.tar.gz") == ".gz"
    assert kind("logs/app.2024-01-01.json") == "json"
