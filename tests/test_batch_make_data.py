"""bench/swebench/make_data.py: the mirror linked for a repository is one holding the commits its instances name."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _make_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "bench" / "swebench" / "make_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}).stdout.strip()


def _mirror(root: Path, name: str, commits: int) -> tuple[Path, list[str]]:
    """A bare mirror at root/name/repo with a chain of ``commits`` commits; returns it and their hashes."""
    work = root / f"{name}-work"
    work.mkdir(parents=True)
    _git("init", "-q", cwd=work)
    made = []
    for i in range(commits):
        (work / "f.txt").write_text(f"{i}\n")
        _git("add", "f.txt", cwd=work)
        _git("commit", "-q", "-m", f"c{i}", cwd=work)
        made.append(_git("rev-parse", "HEAD", cwd=work))
    bare = root / name / "repo"
    bare.parent.mkdir(parents=True)
    _git("clone", "-q", "--bare", str(work), str(bare), cwd=root)
    return bare, made


def test_the_fork_holding_every_named_commit_is_linked_over_one_that_lacks_some(tmp_path: Path, monkeypatch) -> None:
    make_data = _make_data()
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    # The longer history holds all three commits; the first fork listed was cut after the first one.
    full, commits = _mirror(tmp_path / "src", "full", 3)
    short = mirrors / "first+fork" / "repo"
    short.parent.mkdir(parents=True)
    _git("clone", "-q", "--bare", "--single-branch", str(full), str(short), cwd=tmp_path)
    _git("--git-dir", str(short), "update-ref", "refs/heads/master", commits[0], cwd=tmp_path)
    _git("--git-dir", str(short), "reflog", "expire", "--expire=now", "--all", cwd=tmp_path)
    _git("--git-dir", str(short), "gc", "-q", "--prune=now", cwd=tmp_path)
    (mirrors / "second+fork").mkdir()
    (mirrors / "second+fork" / "repo").symlink_to(full)
    monkeypatch.setattr(make_data, "FORKS", {"up/stream": ("first/fork", "second/fork")})

    assert make_data.missing_commits(short, set(commits)) == set(commits[1:])
    linked, missing = make_data.link_mirrors(["up/stream"], mirrors, tmp_path / "farm",
                                             {"up/stream": {commits[0], commits[2]}})

    assert (linked, missing) == (["up/stream"], [])
    assert (tmp_path / "farm" / "up" / "stream").resolve() == full.resolve()


def test_without_named_commits_the_first_mirror_present_is_linked_and_absent_ones_are_reported(tmp_path: Path,
                                                                                              monkeypatch) -> None:
    make_data = _make_data()
    mirrors = tmp_path / "mirrors"
    first, _ = _mirror(mirrors, "first+fork", 1)
    _mirror(mirrors, "second+fork", 1)
    monkeypatch.setattr(make_data, "FORKS", {"up/stream": ("first/fork", "second/fork")})

    linked, missing = make_data.link_mirrors(["up/stream", "gone/repo"], mirrors, tmp_path / "farm")

    assert (linked, missing) == (["up/stream"], ["gone/repo"])
    assert (tmp_path / "farm" / "up" / "stream").resolve() == first.resolve()


def _make_verified_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_verified_data", ROOT / "bench" / "swebench" / "make_verified_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv(rows: list[dict[str, str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_verified_rows_keep_multiline_patches_and_refuse_a_malformed_test_list() -> None:
    import json

    make_verified = _make_verified_data()
    row = {"repo": "acme/x", "instance_id": "acme__x-1", "base_commit": "b" * 40,
           "patch": 'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = "1"\n+a = "2"\n',
           "test_patch": "diff --git a/t.py b/t.py\n", "problem_statement": "x, with a comma\nand a line",
           "hints_text": "", "created_at": "2020-01-01T00:00:00Z", "version": "1.0",
           "FAIL_TO_PASS": json.dumps(["t.py::test_a"]), "PASS_TO_PASS": "[]", "environment_setup_commit": "e" * 40}
    parsed = make_verified.parse_rows(_csv([row]))
    assert parsed == [row]
    assert json.loads(parsed[0]["FAIL_TO_PASS"]) == ["t.py::test_a"]

    for field, value in (("FAIL_TO_PASS", '"t.py::test_a"'), ("FAIL_TO_PASS", ""), ("PASS_TO_PASS", "[t.py"),
                         ("test_patch", "")):
        broken = {**row, field: value}
        try:
            make_verified.parse_rows(_csv([broken]))
        except ValueError as exc:
            assert "acme__x-1" in str(exc)
        else:
            raise AssertionError(f"a row with {field}={value!r} was accepted")
