"""Private workspaces, diffs, and the two ways swebot writes to a user's repository."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from swebot.errors import BadInput, EnvironmentProblem
from swebot.branches import commit_to_new_branch
from swebot.diffs import changed_paths
from swebot.workspace import (
    apply_to_tree,
    find_repo_root,
    snapshot,
)
from tests.gitrepo import git


@pytest.fixture
def repo(make_repo):
    return make_repo({
        "pkg/core.py": "def f():\n    return 1\n",
        "pkg/other.py": "X = 1\n",
        ".gitignore": "build/\n*.log\n",
        "README.md": "hello\n",
    })


def test_find_repo_root_from_subdirectory(repo: Path) -> None:
    assert find_repo_root(repo / "pkg") == repo.resolve()


def test_find_repo_root_rejects_missing_and_non_git(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        find_repo_root(tmp_path / "nope")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(BadInput, match="not inside a git work tree"):
        find_repo_root(plain)


def test_snapshot_takes_uncommitted_and_untracked_but_not_ignored(repo: Path) -> None:
    (repo / "pkg/core.py").write_text("def f():\n    return 2\n")  # uncommitted edit
    (repo / "pkg/new.py").write_text("Y = 2\n")  # untracked
    (repo / "build").mkdir()
    (repo / "build/out.txt").write_text("ignored")
    (repo / "debug.log").write_text("ignored")
    (repo / "README.md").unlink()  # deleted tracked file
    ws = snapshot(repo)
    try:
        assert (ws.path / "pkg/core.py").read_text() == "def f():\n    return 2\n"
        assert (ws.path / "pkg/new.py").exists()
        assert not (ws.path / "build").exists()
        assert not (ws.path / "debug.log").exists()
        assert not (ws.path / "README.md").exists()
        assert ws.diff() == ""
        (ws.path / "pkg/other.py").write_text("X = 3\n")
        (ws.path / "pkg/added.py").write_text("Z = 1\n")
        (ws.path / ".swebot").mkdir()
        (ws.path / ".swebot/junit.xml").write_text("<x/>")
        diff = ws.diff()
        assert changed_paths(diff) == ("pkg/added.py", "pkg/other.py")
    finally:
        ws.cleanup()
    assert not ws.path.exists()
    # the user's repository is exactly as it was
    status = git(repo, "status", "--porcelain")
    assert " M pkg/core.py" in status and "?? pkg/new.py" in status and " D README.md" in status
    assert not (repo / ".swebot").exists()


def _fix_patch(repo: Path, path: str, old: str, new: str) -> str:
    ws = snapshot(repo)
    try:
        target = ws.path / path
        target.write_text(target.read_text().replace(old, new))
        return ws.diff()
    finally:
        ws.cleanup()


def test_apply_keeps_other_uncommitted_changes(repo: Path) -> None:
    (repo / "pkg/other.py").write_text("X = 99\n")  # the user's own work in progress
    (repo / "notes.txt").write_text("mine")
    patch = _fix_patch(repo, "pkg/core.py", "return 1", "return 42")
    apply_to_tree(repo, patch)
    assert "return 42" in (repo / "pkg/core.py").read_text()
    assert (repo / "pkg/other.py").read_text() == "X = 99\n"
    assert (repo / "notes.txt").read_text() == "mine"


def test_apply_refuses_a_stale_patch_and_changes_nothing(repo: Path) -> None:
    patch = _fix_patch(repo, "pkg/core.py", "return 1", "return 42")
    (repo / "pkg/core.py").write_text("def f():\n    return 7\n")
    with pytest.raises(BadInput, match="no longer applies"):
        apply_to_tree(repo, patch)
    assert (repo / "pkg/core.py").read_text() == "def f():\n    return 7\n"


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def test_apply_to_read_only_tree_is_an_environment_problem(repo: Path) -> None:
    patch = _fix_patch(repo, "pkg/core.py", "return 1", "return 42")
    with read_only(repo / "pkg/core.py"):
        with pytest.raises(EnvironmentProblem, match="read-only"):
            apply_to_tree(repo, patch)
    assert (repo / "pkg/core.py").read_text() == "def f():\n    return 1\n"


def test_commit_to_new_branch_leaves_checkout_alone(repo: Path) -> None:
    (repo / "pkg/other.py").write_text("X = 99\n")
    head = git(repo, "rev-parse", "HEAD").strip()
    patch = _fix_patch(repo, "pkg/core.py", "return 1", "return 42")
    sha = commit_to_new_branch(repo, patch, "fix/core", "swebot: fix f")
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert git(repo, "rev-parse", "fix/core").strip() == sha
    assert "return 42" in git(repo, "show", "fix/core:pkg/core.py")
    assert git(repo, "show", "fix/core:pkg/other.py") == "X = 1\n"  # WIP not committed
    assert (repo / "pkg/other.py").read_text() == "X = 99\n"
    assert "pkg/other.py" in git(repo, "status", "--porcelain")
    with pytest.raises(BadInput, match="already exists"):
        commit_to_new_branch(repo, patch, "fix/core", "again")
    with pytest.raises(BadInput, match="not a valid branch name"):
        commit_to_new_branch(repo, patch, "bad..name", "x")


def test_local_sandbox_keeps_secrets_out(tmp_path: Path, monkeypatch) -> None:
    from swebot.sandbox.local import LocalSandbox

    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-secret")
    monkeypatch.setenv("HARMLESS_SETTING", "visible")
    sandbox = LocalSandbox(tmp_path)
    result = sandbox.execute("env", timeout=10)
    assert "HARMLESS_SETTING=visible" in result.stdout
    assert "sk-secret" not in result.stdout and "ghp-secret" not in result.stdout
    explicit = sandbox.execute("echo $SETTING", timeout=10, env={"SETTING": "given"})
    assert explicit.stdout.strip() == "given"
    # Issue 12: GITHUB_TOKEN never reaches a sandboxed process, even when a caller passes it.
    token = sandbox.execute("echo ${GITHUB_TOKEN:-none}", timeout=10, env={"GITHUB_TOKEN": "given"})
    assert token.stdout.strip() == "none"


def test_local_sandbox_kills_processes_that_left_the_group(tmp_path: Path) -> None:
    from swebot.sandbox.local import LocalSandbox

    sandbox = LocalSandbox(tmp_path)
    result = sandbox.execute("setsid sleep 300 & echo $! > pid; sleep 300", timeout=1)
    assert result.timed_out
    assert _ends_soon(int((tmp_path / "pid").read_text()))
    done = sandbox.execute("setsid sleep 300 & echo $! > pid2", timeout=10)
    assert not done.timed_out
    assert _ends_soon(int((tmp_path / "pid2").read_text()))


def _ends_soon(pid: int) -> bool:
    """SIGKILL is delivered asynchronously: give the process a moment to become a zombie."""
    import time

    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_local_sandbox_runs_very_long_commands(tmp_path: Path) -> None:
    from swebot.sandbox.local import LocalSandbox

    long_arg = "x" * 200_000
    result = LocalSandbox(tmp_path).execute(f"echo {long_arg} | wc -c", timeout=10)
    assert result.exit_code == 0 and result.stdout.strip() == "200001"
