"""swebot's one git seam (``swebot.vcs``, over GitPython's command runner): the bytes, the identity,
and every way git can fail to run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from swebot import vcs
from swebot.errors import EnvironmentProblem


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    vcs.git(tmp_path, "init", "-q")
    return tmp_path


def test_a_patch_of_a_latin1_file_keeps_its_bytes_through_diff_and_apply(repo: Path) -> None:
    (repo / "legacy.txt").write_bytes(b"caf\xe9\n")
    vcs.git(repo, "add", "-A")
    vcs.git(repo, "commit", "-q", "-m", "start")
    (repo / "legacy.txt").write_bytes(b"caf\xe9 cr\xe8me\n")
    patch = vcs.git(repo, "diff")
    assert patch.endswith("+caf\udce9 cr\udce8me\n")  # the trailing newline is git's, kept
    vcs.git(repo, "checkout", "--", "legacy.txt")

    vcs.git(repo, "apply", "-", input=patch)

    assert (repo / "legacy.txt").read_bytes() == b"caf\xe9 cr\xe8me\n"
    assert vcs.run(repo, "diff", text=False).stdout == patch.encode("utf-8", "surrogateescape")


def test_commits_are_made_as_the_bot_unless_told_otherwise(repo: Path) -> None:
    (repo / "a").write_text("a\n")
    vcs.git(repo, "add", "-A")
    vcs.git(repo, "commit", "-q", "-m", "by the bot")
    assert vcs.git(repo, "log", "-1", "--format=%an <%ae>").strip() == f"{vcs.BOT_NAME} <{vcs.BOT_EMAIL}>"

    someone = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
               "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org"}
    vcs.git(repo, "commit", "-q", "--allow-empty", "-m", "by Ada", identity=someone)
    assert vcs.git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Ada <ada@example.org>"


def test_a_failing_command_names_itself_past_its_options(repo: Path) -> None:
    with pytest.raises(vcs.GitFailed, match=r"^git rev-parse failed: fatal: Needed a single revision") as failed:
        vcs.git(repo, "-c", "core.quotepath=false", "rev-parse", "--verify", "no-such-ref")
    assert failed.value.stderr == "fatal: Needed a single revision"
    assert vcs.run(repo, "rev-parse", "--verify", "no-such-ref").returncode != 0
    assert not vcs.succeeds(repo, "rev-parse", "--verify", "no-such-ref")


def test_a_missing_working_directory_is_refused_not_replaced_by_the_current_one(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="git status: .*gone is not a directory"):
        vcs.run(tmp_path / "gone", "status")


def test_without_git_swebot_still_imports_and_says_git_is_missing(tmp_path: Path) -> None:
    probe = (
        "import os\n"
        "from swebot import vcs\n"
        "from swebot.errors import EnvironmentProblem\n"
        "assert 'GIT_PYTHON_REFRESH' not in os.environ\n"
        "try:\n"
        "    vcs.git(None, 'status')\n"
        "except EnvironmentProblem as exc:\n"
        "    print('said:', exc)\n"
    )
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH without git
    env.pop("GIT_PYTHON_REFRESH", None)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "said: git is not installed" in done.stdout


def test_a_timeout_ends_git_and_the_processes_it_started(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    # A shell alias stands for a slow helper git starts (ssh, a remote helper): it must die with git.
    slow = f"!sleep 5; touch {marker}"
    started = time.monotonic()
    with pytest.raises(EnvironmentProblem, match="git slow took longer than 1s"):
        vcs.run(repo, "-c", f"alias.slow={slow}", "slow", timeout=1)
    assert time.monotonic() - started < 4
    time.sleep(5)
    assert not marker.exists()
