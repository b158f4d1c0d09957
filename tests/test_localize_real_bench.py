"""The real-issue bench's data: gold locations from a patch, trees read from a bare mirror, ranks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import write_files
from tests.gitrepo import git

BENCH = Path(__file__).resolve().parents[1] / "bench" / "localize"
_spec = importlib.util.spec_from_file_location("swebot_bench_localize_real_data", BENCH / "real_data.py")
assert _spec is not None and _spec.loader is not None
rd = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = rd
_spec.loader.exec_module(rd)

SOURCE = '''class Parser:
    def parse(self, text):
        value = text.strip()
        return value

    def reset(self):
        self.state = None


def helper():
    return 1
'''

PATCH = '''diff --git a/pkg/parser.py b/pkg/parser.py
--- a/pkg/parser.py
+++ b/pkg/parser.py
@@ -2,3 +2,3 @@ class Parser:
     def parse(self, text):
-        value = text.strip()
+        value = text.strip().lower()
         return value
@@ -10,2 +10,3 @@ def helper():
 def helper():
+    print("called")
     return 1
'''


def test_patch_changes_are_old_side_lines() -> None:
    # A removal counts its own line; an insertion the lines on each side of it.
    assert rd.patch_changes(PATCH) == {"pkg/parser.py": [3, 10, 11]}  # not 4: "+" replaces "-"


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, str]:
    work = tmp_path / "work"
    write_files(work, {"pkg/parser.py": SOURCE, "pkg/__init__.py": "", "build/gen.py": "x = 1\n",
                       "README.md": "not python\n"})
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "base")
    commit = git(work, "rev-parse", "HEAD").strip()
    bare = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare, commit


def test_tree_from_a_mirror_and_the_gold_record(mirror: tuple[Path, str], tmp_path: Path) -> None:
    git_dir, commit = mirror
    # Python files only, and the directories a checkout's index would skip are skipped here too.
    assert [p for p, _ in rd.python_blobs(git_dir, commit)] == ["pkg/__init__.py", "pkg/parser.py"]
    blobs = rd.BlobCache(tmp_path / "blobs.sqlite")
    tree = rd.build_tree(git_dir, commit, blobs)
    assert [f.path for f in tree.repo.symbols.files] == ["pkg/__init__.py", "pkg/parser.py"]
    inst = rd.Instance("x-1", "o/pkg", commit, "Parser.parse keeps upper case text", PATCH, "dev")
    rec = rd.gold_record(tree, inst)
    assert rec["gold_files"] == ["pkg/parser.py"]
    # The class holds the changed method only as its container; the function is a gold of its own.
    assert rec["gold_symbols"] == [["pkg/parser.py", "Parser.parse"], ["pkg/parser.py", "helper"]]
    assert rec["bm25_file_ranks"] == [1]
    # A second build of the same commit comes from the blob cache and is the same tree.
    again = rd.build_tree(git_dir, commit, blobs)
    assert [s.name for s in again.repo.lexical.symbol_list] == [s.name for s in tree.repo.lexical.symbol_list]
    assert rd.gold_record(again, inst) == rec


def test_stable_ranks_keep_ties_in_index_order() -> None:
    assert rd.stable_ranks(np.array([0.5, 2.0, 0.5, 1.0])).tolist() == [3, 1, 4, 2]


def test_dev_sample_is_a_fixed_subset() -> None:
    ids = [f"repo__repo-{i}" for i in range(400)]
    half = [i for i in ids if rd.in_sample(i, 50)]
    assert 150 < len(half) < 250
    assert half == [i for i in ids if rd.in_sample(i, 50)]
    assert all(rd.in_sample(i, 100) for i in ids)


def _real_module():
    spec = importlib.util.spec_from_file_location("swebot_bench_localize_real", BENCH / "real.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_tuning_for_acc_at_k_ranks_more_gold_first_and_leaves_unused_columns_alone() -> None:
    """Column 0 puts the gold row first, column 1 a decoy; column 2 is never set. Starting from
    weights that favour the decoy, tuning must move the gold up and keep column 2's weight."""
    real = _real_module()
    rng = np.random.default_rng(0)
    data = []
    for _ in range(20):
        x = rng.random((8, 3)) * 0.1
        x[:, 2] = 0.0
        x[3, 0], x[5, 1] = 1.0, 0.6
        data.append((x, [3]))
    start = np.array([0.2, 1.0, 7.0])
    before = real.gold_ranks(data, start, all_gold=False)
    tuned = real.tune(data, start, real.function_objective, all_gold=False)
    after = real.gold_ranks(data, tuned, all_gold=False)
    assert real.function_objective(after) > real.function_objective(before)
    assert sum(r == 1 for r in after) > sum(r == 1 for r in before)
    assert tuned[2] == 7.0
