from searchkit import Match, grep, grep_files


def test_single_match():
    assert grep("alpha\nbeta\ngamma", "bet") == [Match("-", 2, "beta")]


def test_no_match():
    assert grep("alpha\nbeta", "zeta") == []


def test_ignore_case_single():
    assert [m.lineno for m in grep("Foo\nbar", "foo", ignore_case=True)] == [1]


def test_files_single_hits():
    files = {"b.py": "import os\n", "a.py": "x = 1\nimport sys\n"}
    assert grep_files(files, r"^import") == ["a.py:2:import sys", "b.py:1:import os"]


def test_several_matches():
    text = "TODO: a\ncode\nTODO: b\n"
    assert [m.lineno for m in grep(text, "TODO")] == [1, 3]
