"""The index cache: reused while the tree is unchanged, rebuilt when any Python file changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from swebot.localize.index_cache import cache_dir, load_or_build, tree_key
from tests.conftest import write_files

FILES = {"pkg/a.py": "def alpha():\n    return 1\n", "pkg/b.py": "def beta():\n    return 2\n"}


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def names(repo_index) -> set[str]:
    return {s.name for s in repo_index.symbols.symbols}


def test_cache_dir_follows_the_environment(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == private_cache
    monkeypatch.delenv("SWEBOT_CACHE_DIR")
    assert cache_dir() == Path.home() / ".cache" / "swebot" / "index"


def test_plain_directory_is_keyed_by_content(tmp_path: Path, private_cache: Path) -> None:
    root = tmp_path / "tree"
    write_files(root, FILES)
    first = load_or_build(root)
    assert not first.from_cache and list(private_cache.glob("*.pkl"))
    second = load_or_build(root)
    assert second.from_cache and names(second) == {"alpha", "beta"}
    (root / "pkg" / "b.py").write_text("def gamma():\n    return 3\n")
    third = load_or_build(root)
    assert not third.from_cache and names(third) == {"alpha", "gamma"}


def test_plain_directory_edit_of_the_same_size_is_seen(tmp_path: Path, private_cache: Path) -> None:
    """The key of a plain directory reads sizes and change times, not contents: an edit that keeps
    the size (and even the modification time) still misses the cache."""
    import os

    root = tmp_path / "tree"
    write_files(root, FILES)
    assert names(load_or_build(root)) == {"alpha", "beta"}
    target = root / "pkg" / "b.py"
    before = target.stat()
    text = target.read_text()
    target.write_text(text.replace("beta", "zeta"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    again = load_or_build(root)
    assert not again.from_cache and names(again) == {"alpha", "zeta"}


def test_git_tree_is_keyed_by_head_and_dirty_files(make_repo: Callable[..., Path]) -> None:
    repo = make_repo(FILES)
    clean_key = tree_key(repo)
    assert load_or_build(repo).from_cache is False
    assert load_or_build(repo).from_cache is True
    (repo / "pkg" / "a.py").write_text("def alpha2():\n    return 1\n")
    dirty_key = tree_key(repo)
    assert dirty_key != clean_key
    assert names(load_or_build(repo)) == {"alpha2", "beta"}
    # A second edit of the same dirty file changes the key again (contents, not just the file list).
    (repo / "pkg" / "a.py").write_text("def alpha3():\n    return 1\n")
    assert tree_key(repo) != dirty_key
    (repo / "pkg" / "new.py").write_text("def delta():\n    pass\n")  # untracked files count too
    assert "delta" in names(load_or_build(repo))


def test_corrupt_cache_entry_is_rebuilt(tmp_path: Path, private_cache: Path) -> None:
    root = tmp_path / "tree"
    write_files(root, FILES)
    load_or_build(root)
    for entry in private_cache.glob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    again = load_or_build(root)
    assert not again.from_cache and names(again) == {"alpha", "beta"}
    assert load_or_build(root).from_cache


def test_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(blocker / "cache"))
    root = tmp_path / "tree"
    write_files(root, FILES)
    assert names(load_or_build(root)) == {"alpha", "beta"}


def _tree_of_many_modules(root: Path) -> None:
    """Enough files for the parallel build, with names, calls, messages and tests to rank on."""
    files = {}
    for i in range(60):
        files[f"shop/m{i:02d}/orders.py"] = (
            f"from shop.m{(i + 1) % 60:02d}.orders import total_{(i + 1) % 60}\n\n"
            f"class Order{i}:\n    \"\"\"An order of batch {i}.\"\"\"\n\n"
            f"    def total_{i}(self, items):\n"
            f"        if not items:\n            raise ValueError(\"order {i} has no items to total\")\n"
            f"        return sum(item.price for item in items) + total_{(i + 1) % 60}([])\n\n"
            f"def total_{i}(items):\n    return len(items) * {i}\n"
        )
        files[f"tests/test_m{i:02d}.py"] = f"from shop.m{i:02d}.orders import Order{i}\n\ndef test_total_{i}():\n    assert Order{i}\n"
    write_files(root, files)


def test_cached_ranking_is_the_cold_ranking(tmp_path: Path, private_cache: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A query answered from the cache ranks every file and symbol exactly as the build that made
    the entry did: same order, scores and evidence (parallel build, then the cached format)."""
    from swebot.localize import symbols
    from swebot.localize.rank import localize

    monkeypatch.setattr(symbols, "PARALLEL_THRESHOLD", 10)
    root = tmp_path / "tree"
    _tree_of_many_modules(root)
    issues = [
        "Order17.total_17 raises ValueError: order 17 has no items to total, for an empty cart",
        "test_total_3 fails: the total of batch 3 is wrong",
        'Traceback:\n  File "shop/m05/orders.py", line 8, in total_5\n    raise ValueError("order 5 has no items to total")',
    ]
    cold = []
    for issue in issues:
        for entry in private_cache.glob("*.pkl"):
            entry.unlink()
        cold.append(localize(root, issue, top=20))
        assert list(private_cache.glob("*.pkl"))  # the cold query built and stored the entry
    warm = [localize(root, issue, top=20) for issue in issues]
    assert load_or_build(root).from_cache
    for c, w in zip(cold, warm):
        assert c.files and c == w
        assert c.ranked_symbols == w.ranked_symbols
    assert cold[0].files[0].path == "shop/m17/orders.py"


def test_python_files_come_sorted_by_path(tmp_path: Path) -> None:
    from swebot.localize.symbols import iter_python_files

    write_files(tmp_path, {"b.py": "", "a_b.py": "", "a/z.py": "", "a/b/c.py": "", "a.py": "", "a/notes.txt": ""})
    assert iter_python_files(tmp_path) == ["a.py", "a/b/c.py", "a/z.py", "a_b.py", "b.py"]


def test_git_is_asked_only_about_trees_it_could_see(tmp_path: Path, make_repo: Callable[..., Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain tree is keyed without starting git (nor importing its runner); a folder inside a work
    tree, or git pointed elsewhere by its variables, is keyed by git."""
    from swebot.localize.index_cache import _in_git_work_tree

    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    plain = tmp_path / "plain"
    write_files(plain, FILES)
    assert not _in_git_work_tree(plain.resolve())
    probe = ("import sys\nfrom pathlib import Path\nfrom swebot.localize.index_cache import tree_key\n"
             f"tree_key(Path({str(plain)!r}))\n"
             "assert 'git' not in sys.modules and 'swebot.vcs' not in sys.modules, 'git runner imported'\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": str(tmp_path / "no-git-here")})
    assert done.returncode == 0, done.stderr
    repo = make_repo(FILES)
    assert _in_git_work_tree((repo / "pkg").resolve())
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert _in_git_work_tree(plain.resolve())


def test_an_edit_to_an_ignored_python_file_in_a_work_tree_changes_the_key(make_repo: Callable[..., Path]) -> None:
    repo = make_repo({**FILES, ".gitignore": "vendor/\ngenerated.py\n.venv/\n"})
    write_files(repo, {"vendor/t/m.py": "def vendored():\n    return 1\n", "generated.py": "X = 1\n",
                       ".venv/lib/v.py": "V = 1\n"})
    keys = {tree_key(repo), tree_key(repo / "vendor" / "t")}
    assert "vendored" in names(load_or_build(repo))

    (repo / "vendor" / "t" / "m.py").write_text("def vendored_again():\n    return 2\n")
    after_vendor = {tree_key(repo), tree_key(repo / "vendor" / "t")}
    assert not after_vendor & keys
    assert "vendored_again" in names(load_or_build(repo))

    (repo / "generated.py").write_text("X = 2\n")
    assert tree_key(repo) not in after_vendor
    # a folder the index never reads (a virtualenv) does not move the key
    same = tree_key(repo)
    (repo / ".venv" / "lib" / "v.py").write_text("V = 2\n")
    assert tree_key(repo) == same
