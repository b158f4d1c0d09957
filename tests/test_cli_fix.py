"""End to end: `swebot fix` on generated buggy repositories (real git, real pytest, local sandbox)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.gitrepo import git
from tests.test_workspace import read_only

BUGGY = {
    "shop/pricing.py": '''
        def discount(total, is_member):
            """Members get 10% off orders of 100 or more."""
            if is_member and total > 100:
                return total * 0.9
            return total


        def shipping(total):
            if total >= 50:
                return 0
            return 5
    ''',
    "tests/test_pricing.py": '''
        from shop.pricing import discount, shipping


        def test_member_big_order():
            assert discount(200, True) == 180


        def test_member_exactly_100():
            assert discount(100, True) == 90


        def test_non_member():
            assert discount(200, False) == 200


        def test_small_order():
            assert discount(20, True) == 20


        def test_shipping():
            assert shipping(60) == 0
            assert shipping(10) == 5
    ''',
    "shop/__init__.py": "",
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


def fix(swebot_cli, *args: str, **kwargs):
    return swebot_cli("fix", *args, "--sandbox", "local", **kwargs)


def snapshot_state(repo: Path) -> dict[str, bytes]:
    return {str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts}


def test_fix_finds_patch_and_leaves_tree_untouched(make_repo, swebot_cli, tmp_path):
    repo = make_repo(BUGGY)
    (repo / "notes.txt").write_text("untracked user file")
    before = snapshot_state(repo)
    result = fix(swebot_cli, str(repo), "--json", "--output", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "fixed"
    assert report["files_changed"] == ["shop/pricing.py"]
    assert "-    if is_member and total > 100:" in report["patch"]
    assert "+    if is_member and total >= 100:" in report["patch"]
    assert report["failing_before"] == ["tests/test_pricing.py::test_member_exactly_100"]
    assert report["failing_after"] == []
    assert report["candidates_tried"] >= 1
    assert snapshot_state(repo) == before
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"
    run = tmp_path / "run"
    assert (run / "patch.diff").read_text() == report["patch"]
    assert json.loads((run / "report.json").read_text())["status"] == "fixed"
    events = [json.loads(line)["event"] for line in (run / "run.log").read_text().splitlines()]
    assert "stage" in events and "candidate" in events and events[-1] == "done"


def test_human_output_shows_summary_and_diff(make_repo, swebot_cli):
    repo = make_repo(BUGGY)
    result = fix(swebot_cli, str(repo))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Fixed:")
    assert "+    if is_member and total >= 100:" in result.stdout
    assert "[swebot]" in result.stderr  # progress display went to stderr
    run_dirs = list((Path(result.stdout.split("run folder: ")[1].split()[0])).iterdir())
    assert {p.name for p in run_dirs} == {"patch.diff", "report.json", "run.log"}


def test_quiet_prints_no_progress(make_repo, swebot_cli):
    repo = make_repo(BUGGY)
    result = fix(swebot_cli, str(repo), "-q")
    assert result.returncode == 0
    assert "[swebot]" not in result.stderr


def test_apply_keeps_user_changes(make_repo, swebot_cli):
    repo = make_repo(BUGGY)
    (repo / "tests/test_pricing.py").write_text(
        (repo / "tests/test_pricing.py").read_text() + "\n\ndef test_extra():\n    assert True\n")
    (repo / "scratch.py").write_text("print('wip')\n")
    result = fix(swebot_cli, str(repo), "--apply", "-q")
    assert result.returncode == 0, result.stderr
    assert "total >= 100" in (repo / "shop/pricing.py").read_text()
    assert "def test_extra" in (repo / "tests/test_pricing.py").read_text()
    assert (repo / "scratch.py").read_text() == "print('wip')\n"
    assert "applied to your working tree" in result.stdout


def test_branch_commits_without_switching(make_repo, swebot_cli):
    repo = make_repo(BUGGY)
    before = snapshot_state(repo)
    result = fix(swebot_cli, str(repo), "--branch", "swebot/fix-discount", "-q")
    assert result.returncode == 0, result.stderr
    assert snapshot_state(repo) == before
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert "total >= 100" in git(repo, "show", "swebot/fix-discount:shop/pricing.py")
    again = fix(swebot_cli, str(repo), "--branch", "swebot/fix-discount", "-q")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_subdirectory_project(make_repo, swebot_cli):
    files = {f"proj/{k}": v for k, v in BUGGY.items()}
    files["unrelated/test_other.py"] = "def test_unrelated():\n    assert False\n"
    repo = make_repo(files)
    result = fix(swebot_cli, str(repo / "proj"), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert report["files_changed"] == ["proj/shop/pricing.py"]


def test_nothing_to_fix(make_repo, swebot_cli):
    files = dict(BUGGY)
    files["tests/test_pricing.py"] = "def test_ok():\n    assert True\n"
    result = fix(swebot_cli, str(make_repo(files)), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["status"] == "nothing_to_fix"
    human = fix(swebot_cli, str(make_repo(files, name="again")))
    assert "Nothing to fix" in human.stdout


def test_no_patch_within_budget_exits_1_with_best_partial(make_repo, swebot_cli):
    files = dict(BUGGY)
    files["shop/pricing.py"] = "def discount(total, is_member):\n    return total\n\n\n" \
        "def shipping(total):\n    return 0 if total >= 50 else 5\n"
    result = fix(swebot_cli, str(make_repo(files)), "--json", "--max-candidates", "5")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "not_fixed"
    assert report["failing_after"]
    assert report["candidates_tried"] <= 5


@pytest.mark.parametrize("case, expected_status, message", [
    ("missing", 2, "does not exist"),
    ("not_git", 2, "not inside a git work tree"),
    ("command_not_found", 2, "not found"),
    ("no_tests", 2, "no tests"),
    ("syntax_error", 2, "pricing.py"),
    ("hangs", 2, "did not finish"),
    ("pytest_missing", 3, "pytest"),
])
def test_bad_input(case, expected_status, message, make_repo, swebot_cli, tmp_path):
    extra: list[str] = []
    if case == "missing":
        path = tmp_path / "missing"
    elif case == "not_git":
        path = tmp_path / "plain"
        path.mkdir()
    else:
        files = dict(BUGGY)
        if case == "command_not_found":
            extra = ["--test", "no-such-test-runner --all"]
        elif case == "no_tests":
            files["tests/test_pricing.py"] = "# no tests here\n"
        elif case == "syntax_error":
            files["shop/pricing.py"] = "def discount(total, is_member)\n    return total\n"
        elif case == "hangs":
            files["tests/test_pricing.py"] = "import time\n\ndef test_forever():\n    time.sleep(600)\n"
            extra = ["--test-timeout", "3"]
        elif case == "pytest_missing":
            venv = tmp_path / "bare-venv"
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            extra = ["--test", f"{venv}/bin/python -m pytest"]
        path = make_repo(files)
    result = fix(swebot_cli, str(path), *extra)
    assert result.returncode == expected_status, (result.stdout, result.stderr)
    assert message in result.stderr.lower() or message in result.stderr
    as_json = fix(swebot_cli, str(path), *extra, "--json")
    data = json.loads(as_json.stdout)
    assert data["status"] == "error" and data["exit_status"] == expected_status


def test_read_only_tree_with_apply(make_repo, swebot_cli, tmp_path):
    repo = make_repo(BUGGY)
    before = snapshot_state(repo)
    with read_only(repo / "shop/pricing.py"):
        result = fix(swebot_cli, str(repo), "--apply", "-q", "--output", str(tmp_path / "run"))
    assert result.returncode == 3
    assert "read-only" in result.stderr
    assert snapshot_state(repo) == before
    assert "total >= 100" in (tmp_path / "run/patch.diff").read_text()


def test_interrupted_run_leaves_nothing_behind(make_repo, swebot_cli, tmp_path):
    files = dict(BUGGY)
    files["tests/test_slow.py"] = (
        "import subprocess, time\n\n"
        "def test_slow():\n"
        "    subprocess.Popen(['sleep', '300'])\n"
        "    time.sleep(300)\n")
    repo = make_repo(files)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "SWEBOT_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "swebot", "fix", str(repo), "--sandbox", "local",
                             "-q"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _sleepers_under(scratch):
        time.sleep(0.2)
    assert _sleepers_under(scratch), "the test run never started"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert list(scratch.iterdir()) == []
    time.sleep(0.5)
    assert not _sleepers_under(scratch)
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "worktree", "list").count("\n") == 1


def _sleepers_under(scratch: Path) -> bool:
    """Whether any `sleep 300` started from a workspace under ``scratch`` is alive."""
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        if args.strip() == "sleep 300":
            try:
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except OSError:
                continue
            if cwd.startswith(str(scratch)):
                return True
    return False


def test_version_and_help_on_every_subcommand(swebot_cli):
    version = swebot_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("swebot ")
    commands = [["fix"], ["localize"], ["sandbox"], ["sandbox", "build"], ["sandbox", "prune"],
                ["replay"], ["batch"], ["batch", "run"], ["batch", "evaluate"], ["action"]]
    for command in commands:
        helped = swebot_cli(*command, "--help")
        assert helped.returncode == 0, (command, helped.stderr)
        assert helped.stdout.startswith("usage: swebot " + " ".join(command))
    assert "--max-candidates" in swebot_cli("fix", "--help").stdout
