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


def diff_then_reapply(repo: Path, name: str, committed: bytes, edited: bytes) -> str:
    """The patch ``git diff`` gives for ``name`` edited from ``committed`` to ``edited``, after
    checking that ``git apply`` of it (as text, on stdin) rebuilds ``edited`` byte for byte."""
    (repo / name).write_bytes(committed)
    vcs.git(repo, "add", "-A")
    vcs.git(repo, "commit", "-q", "-m", "start")
    (repo / name).write_bytes(edited)
    patch = vcs.git(repo, "diff")
    vcs.git(repo, "checkout", "--", name)
    vcs.git(repo, "apply", "-", input=patch)
    assert (repo / name).read_bytes() == edited
    return patch


def test_a_patch_of_a_latin1_file_keeps_its_bytes_through_diff_and_apply(repo: Path) -> None:
    patch = diff_then_reapply(repo, "legacy.txt", b"caf\xe9\n", b"caf\xe9 cr\xe8me\n")
    assert patch.endswith("+caf\udce9 cr\udce8me\n")  # the trailing newline is git's, kept
    assert vcs.run(repo, "diff", text=False).stdout == patch.encode("utf-8", "surrogateescape")


def test_crlf_line_ends_survive_a_patch_round_trip(repo: Path) -> None:
    patch = diff_then_reapply(repo, "dos.txt", b"one\r\ntwo\r\n", b"one\r\n2\r\n")
    assert "-two\r\n+2\r\n" in patch


def test_git_reads_no_stdin_unless_given_and_speaks_english(repo: Path) -> None:
    # an alias that would hang reading a terminal's stdin must see end of file at once
    assert vcs.git(repo, "-c", "alias.readin=!cat", "readin", timeout=30) == ""
    said = vcs.run(repo, "-c", "alias.locale=!echo $LC_ALL", "locale", env={"LANG": "de_DE.UTF-8"})
    assert said.stdout == "C\n"


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


def test_the_working_directory_is_taken_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    literal = tmp_path / "$HOME"
    literal.mkdir()
    vcs.git(str(literal), "init", "-q")
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))
    assert vcs.git(str(literal), "rev-parse", "--show-toplevel").strip() == str(literal)


@pytest.mark.parametrize("users_refresh", [None, "error"])
def test_without_git_swebot_still_imports_and_says_git_is_missing(tmp_path: Path, users_refresh: str | None) -> None:
    probe = (
        "import os\n"
        "from swebot import vcs\n"
        "from swebot.errors import EnvironmentProblem\n"
        f"assert os.environ.get('GIT_PYTHON_REFRESH') == {users_refresh!r}\n"
        "try:\n"
        "    vcs.git(None, 'status')\n"
        "except EnvironmentProblem as exc:\n"
        "    print('said:', exc)\n"
    )
    env = {**os.environ, "PATH": str(tmp_path)}  # a PATH without git
    env.pop("GIT_PYTHON_REFRESH", None)
    if users_refresh is not None:  # the user's own value: swebot's import must neither fail on it nor keep it
        env["GIT_PYTHON_REFRESH"] = users_refresh
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "said: git is not installed" in done.stdout


def test_a_timeout_ends_git_and_the_processes_it_started(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    # A shell alias stands for a slow helper git starts (ssh, a remote helper): it must die with git.
    slow = f"!sleep 3; touch {marker}"
    started = time.monotonic()
    with pytest.raises(EnvironmentProblem, match="git slow took longer than 1s"):
        vcs.run(repo, "-c", f"alias.slow={slow}", "slow", timeout=1)
    assert time.monotonic() - started < 4
    time.sleep(3)
    assert not marker.exists()
