from recent import RecentFiles


def test_single():
    r = RecentFiles()
    r.touch("a.txt")
    assert r.items() == ["a.txt"]


def test_forget():
    r = RecentFiles()
    r.touch("a.txt")
    r.forget("./a.txt")
    assert r.items() == []


def test_limit():
    r = RecentFiles(limit=2)
    for p in ["a", "b", "c"]:
        r.touch(p)
    assert len(r.items()) == 2


def test_most_recent_first():
    r = RecentFiles()
    for p in ["notes.md", "todo.txt", "main.py"]:
        r.touch(p)
    assert r.items() == ["main.py", "todo.txt", "notes.md"]


def test_retouch_moves_to_front():
    r = RecentFiles()
    for p in ["b.py", "c.py", "b.py"]:
        r.touch(p)
    assert r.menu_labels() == ["&1 b.py", "&2 c.py"]
