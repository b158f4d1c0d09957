from searchkit import grep_files


def test_files_many_hits():
    files = {"x.txt": "a\na\nb\na"}
    assert grep_files(files, "a") == ["x.txt:1:a", "x.txt:2:a", "x.txt:4:a"]
