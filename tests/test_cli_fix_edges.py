"""`swebot fix` where a hostile user pokes: odd issue files, odd repositories, odd trees (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swebot.errors import BadInput
from swebot.issue_file import decode_issue, issue_text
from tests.gitrepo import git
from tests.test_cli_fix import BUGGY, fix, snapshot_state
from tests.test_workspace import read_only


# -- the issue file ----------------------------------------------------------------------------

@pytest.mark.parametrize("data, text", [
    ("café crashes".encode("utf-8"), "café crashes"),
    ("café crashes".encode("latin-1"), "café crashes"),
    ("“smart” quotes – café".encode("cp1252"), "“smart” quotes – café"),
    ("café crashes".encode("utf-8-sig"), "café crashes"),
    ("café crashes".encode("utf-16"), "café crashes"),
    ("tabs\tand\r\nnewlines\x0c".encode(), "tabs\tand\r\nnewlines\x0c"),
])
def test_issue_files_decode_as_their_author_wrote_them(data: bytes, text: str) -> None:
    assert decode_issue(data) == text


@pytest.mark.parametrize("data", [b"\x7fELF\x02\x01\x01\0\0\0\0", bytes(range(256)) * 4,
                                  b"\x01\x02\x03\x04\x05 text \x06\x07"])
def test_binary_issue_files_are_not_text(data: bytes) -> None:
    assert decode_issue(data) is None


def test_issue_text_reads_at_files_and_refuses_binary(tmp_path: Path) -> None:
    (tmp_path / "issue.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    assert issue_text("literal @text") == "literal @text"
    assert issue_text(None) is None
    assert issue_text(f"@{tmp_path / 'issue.txt'}") == "caf\xe9"
    with pytest.raises(BadInput, match="is not text"):
        issue_text(f"@{tmp_path / 'blob.bin'}")
    with pytest.raises(BadInput, match="does not exist"):
        issue_text(f"@{tmp_path / 'missing.txt'}")


def test_latin1_issue_file_is_read(make_repo, swebot_cli, tmp_path):
    repo = make_repo(BUGGY)
    issue = tmp_path / "issue.txt"
    issue.write_bytes("Members with exactly 100 \xa3 get no discount (caf\xe9 bill)\n".encode("latin-1"))
    result = fix(swebot_cli, str(repo), "--json", "--issue", f"@{issue}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["status"] == "fixed"


def test_binary_issue_file_is_bad_input_with_a_json_object(make_repo, swebot_cli, tmp_path):
    repo = make_repo(BUGGY)
    blob = tmp_path / "issue.bin"
    blob.write_bytes(bytes(range(256)) * 8)
    human = fix(swebot_cli, str(repo), "--issue", f"@{blob}")
    assert human.returncode == 2
    assert "is not text" in human.stderr and "Traceback" not in human.stderr
    as_json = fix(swebot_cli, str(repo), "--json", "--issue", f"@{blob}")
    assert as_json.returncode == 2
    data = json.loads(as_json.stdout)
    assert data["status"] == "error" and data["exit_status"] == 2 and "is not text" in data["error"]


def test_json_prints_an_object_even_when_swebot_crashes(make_repo, swebot_cli, tmp_path):
    """A bug inside swebot (simulated: a sitecustomize hook makes the repair raise) still yields
    one JSON object, and a status of its own rather than 1 ("no fix")."""
    repo = make_repo(BUGGY)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import swebot.repair as r\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('simulated bug')\n"
        "r.run_fix = boom\n")
    import os

    from tests.conftest import REPO_ROOT

    env = {"PYTHONPATH": f"{hook}{os.pathsep}{REPO_ROOT}"}
    as_json = fix(swebot_cli, str(repo), "--json", env=env)
    assert as_json.returncode == 70
    data = json.loads(as_json.stdout)
    assert data["status"] == "error" and data["exit_status"] == 70
    assert "simulated bug" in data["error"] and "Traceback" in as_json.stderr
    human = fix(swebot_cli, str(repo), env=env)
    assert human.returncode == 70 and "internal error" in human.stderr


# -- --branch ----------------------------------------------------------------------------------

def test_branch_on_a_repository_without_commits_is_refused_up_front(swebot_cli, tmp_path):
    from tests.conftest import write_files

    repo = tmp_path / "fresh"
    repo.mkdir()
    write_files(repo, BUGGY)
    git(repo, "init", "-q", "-b", "main")
    result = fix(swebot_cli, str(repo), "--branch", "swebot/fix", "--json")
    assert result.returncode == 2, result.stderr
    data = json.loads(result.stdout)
    assert "no commits yet" in data["error"]
    assert "run_dir" not in data  # refused before any search ran
    assert not (tmp_path / "swebot-home").exists()
    human = fix(swebot_cli, str(repo), "--branch", "swebot/fix")
    assert human.returncode == 2 and "no commits yet" in human.stderr
    assert "first commit" in human.stderr


# -- --apply on a read-only tree -----------------------------------------------------------------

def test_read_only_apply_names_the_saved_patch(make_repo, swebot_cli, tmp_path):
    repo = make_repo(BUGGY)
    before = snapshot_state(repo)
    run = tmp_path / "run"
    with read_only(repo / "shop/pricing.py"):
        human = fix(swebot_cli, str(repo), "--apply", "-q", "--output", str(run))
        as_json = fix(swebot_cli, str(repo), "--apply", "--json", "--output", str(tmp_path / "run2"))
    assert human.returncode == 3 and "read-only" in human.stderr
    assert f"saved in {run / 'patch.diff'}" in human.stderr
    assert as_json.returncode == 3
    data = json.loads(as_json.stdout)
    assert data["status"] == "error" and "read-only" in data["error"]
    assert data["patch_file"] == str(tmp_path / "run2" / "patch.diff")
    assert data["files_changed"] == ["shop/pricing.py"]
    assert "total >= 100" in Path(data["patch_file"]).read_text()
    assert snapshot_state(repo) == before


# -- non-ASCII paths -----------------------------------------------------------------------------

UNICODE_PATHS = {
    "my pkg/calc ü.py": "def add(a, b):\n    return a - b\n",
    "tests/test_calc.py": (
        "import importlib.util, pathlib\n"
        "_path = pathlib.Path(__file__).parent.parent / 'my pkg' / 'calc ü.py'\n"
        "_spec = importlib.util.spec_from_file_location('calc', _path)\n"
        "calc = importlib.util.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(calc)\n\n\n"
        "def test_add():\n    assert calc.add(2, 3) == 5\n"),
}


def test_non_ascii_paths_are_decoded_everywhere(make_repo, swebot_cli, tmp_path):
    repo = make_repo(UNICODE_PATHS)
    result = fix(swebot_cli, str(repo), "--json", "--output", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["files_changed"] == ["my pkg/calc ü.py"]
    saved = json.loads((tmp_path / "run/report.json").read_text())
    assert saved["files_changed"] == ["my pkg/calc ü.py"]
    assert "diff --git a/my pkg/calc ü.py b/my pkg/calc ü.py" in data["patch"]

    from swebot.github.api import Issue
    from swebot.github.pr import pr_body
    from swebot.repair import FixReport

    report = FixReport(**{**saved, "run_dir": Path(saved["run_dir"]),
                          **{k: tuple(saved[k]) for k in ("files_changed", "failing_before", "failing_after")}})
    body = pr_body(Issue(number=1, title="add", body="", state="open", locked=False), report,
                   test_command="python -m pytest")
    assert "- `my pkg/calc ü.py`" in body and "\\303" not in body

    with read_only(repo / "my pkg/calc ü.py"):
        refused = fix(swebot_cli, str(repo), "--apply", "--json")
    assert refused.returncode == 3
    assert json.loads(refused.stdout)["error"].startswith("cannot write to my pkg/calc ü.py:")
    applied = fix(swebot_cli, str(repo), "--apply", "-q")
    assert applied.returncode == 0, applied.stderr
    assert "return a + b" in (repo / "my pkg/calc ü.py").read_text()


# -- --branch with submodules --------------------------------------------------------------------

def _superproject(tmp_path: Path, make_repo) -> Path:
    """A repository whose code under test lives in a submodule ``vendor`` (checked out)."""
    make_repo({"lib/__init__.py": "", "lib/calc.py": "def add(a, b):\n    return a - b\n"}, name="sub")
    top = make_repo({"tests/test_add.py": (
        "import pathlib, sys\n"
        "sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / 'vendor'))\n"
        "from lib.calc import add\n\n\n"
        "def test_add():\n    assert add(2, 3) == 5\n"), "README.md": "top\n"}, name="top")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(tmp_path / "sub"), "vendor")
    git(top, "commit", "-q", "-m", "vendor")
    return top


def _fix_patch(top: Path, changes: dict[str, tuple[str, str]]) -> str:
    """The patch swebot would make for ``changes`` ({path: (old, new)}), as a diff of a workspace copy."""
    from swebot.workspace import snapshot

    ws = snapshot(top)
    try:
        for path, (old, new) in changes.items():
            target = ws.path / path
            target.write_text(target.read_text().replace(old, new))
        return ws.diff()
    finally:
        ws.cleanup()


def test_branch_with_the_fix_inside_a_submodule(make_repo, swebot_cli, tmp_path):
    top = _superproject(tmp_path, make_repo)
    before = snapshot_state(top)
    head, sub_head = git(top, "rev-parse", "HEAD"), git(top / "vendor", "rev-parse", "HEAD")
    result = fix(swebot_cli, str(top), "--branch", "swebot/fix-add", "-q")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "submodule vendor" in result.stdout and "push the submodules' branches" in result.stdout
    assert snapshot_state(top) == before  # neither checkout changed
    assert git(top, "rev-parse", "HEAD") == head and git(top / "vendor", "rev-parse", "HEAD") == sub_head
    assert git(top, "status", "--porcelain") == "" and git(top / "vendor", "status", "--porcelain") == ""
    assert "return a + b" in git(top / "vendor", "show", "swebot/fix-add:lib/calc.py")
    link = git(top, "ls-tree", "swebot/fix-add", "vendor").split()[2]
    assert link == git(top / "vendor", "rev-parse", "swebot/fix-add").strip()
    assert git(top / "vendor", "rev-parse", "swebot/fix-add~1") == sub_head
    git(top, "branch", "-D", "swebot/fix-add")
    taken = fix(swebot_cli, str(top), "--branch", "swebot/fix-add", "--json")  # still taken in vendor
    assert taken.returncode == 2
    data = json.loads(taken.stdout)
    assert "already exists in submodule vendor" in data["error"] and "run_dir" not in data  # before any search


def test_branch_commits_in_submodule_and_superproject_together(make_repo, tmp_path):
    from swebot.branches import commit_to_new_branches

    top = _superproject(tmp_path, make_repo)
    patch = _fix_patch(top, {"vendor/lib/calc.py": ("a - b", "a + b"), "README.md": ("top", "top, fixed")})
    commits = commit_to_new_branches(top, patch, "fix", "swebot: fix")
    assert [c.where for c in commits] == ["", "vendor"]
    assert git(top, "show", "fix:README.md") == "top, fixed\n"
    assert git(top, "ls-tree", "fix", "vendor").split()[2] == commits[1].sha
    assert "a + b" in git(top / "vendor", "show", "fix:lib/calc.py")


def test_branch_refusals_in_a_submodule_say_what_is_true_and_create_nothing(make_repo, tmp_path):
    from swebot.branches import commit_to_new_branches

    top = _superproject(tmp_path, make_repo)
    sub = top / "vendor"
    patch = _fix_patch(top, {"vendor/lib/calc.py": ("a - b", "a + b"), "README.md": ("top", "top, fixed")})
    # The submodule's HEAD moved on under the same line: no uncommitted changes to blame.
    (sub / "lib/calc.py").write_text("def add(a, b):\n    return a - b  # checked\n")
    git(sub, "commit", "-q", "-am", "moved on")
    with pytest.raises(BadInput, match="does not apply to HEAD of submodule vendor: ") as moved:
        commit_to_new_branches(top, patch, "fix", "m")
    assert "uncommitted" not in moved.value.message
    git(sub, "reset", "-q", "--hard", "HEAD~1")
    # The fix was made on top of uncommitted work in the submodule.
    (sub / "lib/calc.py").write_text("def add(a, b):\n    return a - b  # wip\n")
    on_wip = _fix_patch(top, {"vendor/lib/calc.py": ("a - b", "a + b")})
    with pytest.raises(BadInput, match=r"HEAD of submodule vendor without your uncommitted changes "
                                       r"\(vendor/lib/calc.py\)"):
        commit_to_new_branches(top, on_wip, "fix", "m")
    git(sub, "checkout", "-q", "--", "lib/calc.py")
    git(sub, "branch", "fix")
    with pytest.raises(BadInput, match="branch 'fix' already exists in submodule vendor"):
        commit_to_new_branches(top, patch, "fix", "m")
    assert git(top, "branch", "--list", "fix") == ""  # nothing half-made in the top repository
