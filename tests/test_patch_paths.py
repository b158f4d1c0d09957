"""Paths in git diffs: C-quoted names, spaces, renames, deletions (issue 12: non-ASCII paths)."""

from __future__ import annotations

from pathlib import Path

import pytest

from swebot.diffs import changed_paths, file_sections, patch_files, section_paths, unquote_path, without_files
from tests.gitrepo import git, init_repo


@pytest.mark.parametrize("quoted, plain", [
    ('"my pkg/calc \\303\\274.py"', "my pkg/calc ü.py"),
    ('"a\\tb\\\\c\\"d.py"', 'a\tb\\c"d.py'),
    ('"new\\nline.py"', "new\nline.py"),
    ("plain name.py", "plain name.py"),
    ('"latin \\351.py"', "latin \udce9.py"),  # not UTF-8: kept as a surrogate escape, like os.fsdecode
])
def test_unquote_path(quoted: str, plain: str) -> None:
    assert unquote_path(quoted) == plain


def _git_diff(tmp_path: Path, quotepath: bool, change) -> str:
    """A real `git diff` of ``change`` applied to a repository holding awkward names."""
    repo = init_repo(tmp_path / f"repo-{quotepath}", {"my pkg/calc ü.py": "x = 1\n", "gone ä.py": "y = 1\n",
                                                      "old name.py": "z = 1\n", 'we"ird\tname.py': "w = 1\n"})
    change(repo)
    git(repo, "add", "-A")
    return git(repo, "-c", f"core.quotepath={'on' if quotepath else 'off'}", "diff", "--cached", "-M", "HEAD")


def _edit_all(repo: Path) -> None:
    (repo / "my pkg/calc ü.py").write_text("x = 2\n")
    (repo / "gone ä.py").unlink()
    (repo / "old name.py").rename(repo / "new näme.py")
    (repo / 'we"ird\tname.py').write_text("w = 2\n")
    (repo / "fresh ö.py").write_text("v = 1\n")


@pytest.mark.parametrize("quotepath", [True, False])
def test_changed_paths_of_real_git_diffs(tmp_path: Path, quotepath: bool) -> None:
    patch = _git_diff(tmp_path, quotepath, _edit_all)
    assert '"' in patch  # the tab in one name forces quoting even with quotepath off
    expected = {"my pkg/calc ü.py", "gone ä.py", "old name.py", "new näme.py", 'we"ird\tname.py', "fresh ö.py"}
    assert set(changed_paths(patch)) == expected
    assert patch_files(patch) == frozenset(expected)
    assert {p for p, _ in file_sections(patch)} == expected - {"old name.py"}
    kept = without_files(patch, ["my pkg/calc ü.py", "new näme.py"])
    assert set(changed_paths(kept)) == expected - {"my pkg/calc ü.py", "old name.py", "new näme.py"}


def test_section_paths_sides() -> None:
    created = 'diff --git "a/f \\303\\266.py" "b/f \\303\\266.py"\nnew file mode 100644\n--- /dev/null\n' \
              '+++ "b/f \\303\\266.py"\n@@ -0,0 +1 @@\n+x\n'
    assert section_paths(created) == (None, "f ö.py")
    deleted = "diff --git a/my pkg/x.py b/my pkg/x.py\ndeleted file mode 100644\n--- a/my pkg/x.py\t\n+++ /dev/null\n"
    assert section_paths(deleted) == ("my pkg/x.py", None)
    mode_only = "diff --git a/a b/c.sh b/a b/c.sh\nold mode 100644\nnew mode 100755\n"
    assert section_paths(mode_only) == ("a b/c.sh", "a b/c.sh")
