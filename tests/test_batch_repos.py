"""The bare-clone cache and per-instance worktrees."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from swebot.diffs import patch_files, without_files
from swebot.batch.repos import RepoCache, apply_patch, default_cache_dir
from swebot.errors import BadInput, EnvironmentProblem
from tests.swebench_fixtures import build_dataset, git


@pytest.fixture
def dataset(tmp_path: Path):
    return build_dataset(tmp_path / "data")


def test_worktree_at_base_commit_shares_one_bare_clone_and_is_removed(dataset, tmp_path: Path) -> None:
    cache = RepoCache(tmp_path / "cache", dataset.repo_source)
    first, second = dataset.by_id("acme__shop-1"), dataset.by_id("acme__shop-2")
    with cache.worktree("acme/shop", first["base_commit"], tmp_path / "w1" / "repo") as tree:
        assert git(tree, "rev-parse", "HEAD").strip() == first["base_commit"]
        assert "total > 100" in (tree / "shop/pricing.py").read_text()
        with cache.worktree("acme/shop", second["base_commit"], tmp_path / "w2" / "repo") as other:
            assert "total >= 100" in (other / "shop/pricing.py").read_text()
    assert not (tmp_path / "w1" / "repo").exists() and not (tmp_path / "w2" / "repo").exists()
    assert [p.name for p in (tmp_path / "cache").glob("*.git")] == ["acme__shop.git"]
    assert git(cache.bare_path("acme/shop"), "worktree", "list").count("\n") == 1  # only the bare entry


def test_new_upstream_commits_are_fetched(dataset, tmp_path: Path) -> None:
    cache = RepoCache(tmp_path / "cache", dataset.repo_source)
    base = dataset.by_id("acme__geom-3")["base_commit"]
    cache.ensure("acme/geom", base)
    upstream = dataset.mirrors / "acme" / "geom"
    (upstream / "NEW.md").write_text("new\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "new")
    newer = git(upstream, "rev-parse", "HEAD").strip()
    with cache.worktree("acme/geom", newer, tmp_path / "w" / "repo") as tree:
        assert (tree / "NEW.md").exists()


def leftover_worktree(dataset, tmp_path: Path) -> tuple[RepoCache, str, Path, Path]:
    """A cache whose bare clone has a worktree registered at ``tmp_path/w/repo``, as a killed run leaves it."""
    cache = RepoCache(tmp_path / "cache", dataset.repo_source)
    base = dataset.by_id("acme__geom-3")["base_commit"]
    dest = tmp_path / "w" / "repo"
    bare = cache.ensure("acme/geom", base)
    subprocess.run(["git", "worktree", "add", "--detach", str(dest), base], cwd=bare, check=True,
                   capture_output=True)
    return cache, base, dest, bare


def test_leftover_worktree_from_a_killed_run_is_replaced(dataset, tmp_path: Path) -> None:
    cache, base, dest, _ = leftover_worktree(dataset, tmp_path)
    (dest / "geom" / "shapes.py").write_text("garbage")
    with cache.worktree("acme/geom", base, dest) as tree:
        assert "class Rect" in (tree / "geom" / "shapes.py").read_text()


@pytest.mark.parametrize("directory_left", [True, False])
def test_worktree_locked_by_a_kill_inside_git_worktree_add_is_replaced(
        dataset, tmp_path: Path, directory_left: bool) -> None:
    # `git worktree add` holds a lock ("initializing") until its checkout ends; kill -9 leaves it
    cache, base, dest, bare = leftover_worktree(dataset, tmp_path)
    subprocess.run(["git", "worktree", "lock", "--reason", "initializing", str(dest)], cwd=bare, check=True,
                   capture_output=True)
    if not directory_left:
        subprocess.run(["rm", "-rf", str(dest)], check=True)
    with cache.worktree("acme/geom", base, dest) as tree:
        assert "class Rect" in (tree / "geom" / "shapes.py").read_text()
    assert not dest.exists()
    assert git(bare, "worktree", "list").count("\n") == 1  # the lock went with the worktree


def test_unknown_repo_or_commit_is_an_environment_problem(dataset, tmp_path: Path) -> None:
    cache = RepoCache(tmp_path / "cache", dataset.repo_source)
    with pytest.raises(EnvironmentProblem, match="cannot clone acme/missing"):
        cache.ensure("acme/missing", "0" * 40)
    with pytest.raises(EnvironmentProblem, match="is not in"):
        cache.ensure("acme/geom", "1" * 40)
    with pytest.raises(BadInput, match="placeholder"):
        RepoCache(tmp_path / "cache", "/mirrors/fixed")


def test_cache_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"


def test_test_patch_files_are_stripped_from_a_prediction(dataset, tmp_path: Path) -> None:
    instance = dataset.by_id("acme__shop-1")
    combined = dataset.gold["acme__shop-1"] + instance["test_patch"]
    assert patch_files(instance["test_patch"]) == {"tests/test_issue1.py"}
    stripped = without_files(combined, patch_files(instance["test_patch"]))
    assert stripped == dataset.gold["acme__shop-1"]
    cache = RepoCache(tmp_path / "cache", dataset.repo_source)
    with cache.worktree("acme/shop", instance["base_commit"], tmp_path / "w" / "repo") as tree:
        apply_patch(tree, stripped)
        assert "total >= 100" in (tree / "shop" / "pricing.py").read_text()
        with pytest.raises(EnvironmentProblem, match="does not apply"):
            apply_patch(tree, stripped, "model patch")
