"""Which modules swebot.engines.machinery keeps the builtin engine from editing, on real bugs,
and whether any developer's fix lies in one (the rule's cost: a fix it would forbid).

Reads the git mirrors only (no checkout, no test run): per BugsInPy bug, the buggy commit with the
bug's test files from the fixed commit; per SWE-bench instance, the base commit (test files as
they were before the test patch; Django's and SymPy's ids are not file paths, so they find none).

    python bench/realbugs/machinery_scan.py [--swebench /work/data/swebench/lite_full.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from run import BUGSINPY, MIRRORS, PROJECTS, git, mirror_of, read_bug  # noqa: E402  (beside this script)
from swebot.engines.machinery import run_machinery  # noqa: E402

SWEBENCH_MIRRORS = Path("/work/data/swebench/mirrors")


class GitReader:
    """Files of one commit of a git directory, through one ``git cat-file --batch``."""

    def __init__(self, git_dir: Path) -> None:
        self._process = subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(self, commit: str, path: str) -> str | None:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(f"{commit}:{path}\n".encode())
        self._process.stdin.flush()
        header = self._process.stdout.readline().decode().split()
        if len(header) < 3 or header[1] != "blob":
            return None
        data = self._process.stdout.read(int(header[2]) + 1)[:-1]
        return data.decode("utf-8", errors="replace")

    def close(self) -> None:
        self._process.kill()


def scan_bugsinpy() -> list[dict]:
    rows = []
    numbers = Counter()
    listing = git(BUGSINPY, "ls-tree", "-r", "--name-only", "HEAD", "projects")
    for project, number in sorted({(p, int(n)) for p, n in re.findall(r"^projects/([^/]+)/bugs/(\d+)/bug.info$",
                                                                     listing, re.M)}):
        if project not in PROJECTS or not mirror_of(project).exists():
            continue
        bug = read_bug(project, number)
        if bug is None:
            continue
        numbers[project] += 1
        reader = GitReader(mirror_of(project))
        tests = set(bug.test_files)
        try:
            found = run_machinery(lambda path: reader.read(bug.fixed if path in tests else bug.buggy, path),
                                   bug.tests, None)
        finally:
            reader.close()
        rows.append({"bug": bug.name, "machinery": found, "fix_files": bug.source_files, "hunks": bug.hunks,
                     "forbidden_fix_files": [f for f in bug.source_files if f in found]})
    return rows


def scan_swebench(instances: Path) -> list[dict]:
    rows = []
    for item in json.loads(instances.read_text()):
        owner, name = item["repo"].split("/")
        git_dir = SWEBENCH_MIRRORS / owner / name
        if not git_dir.exists():
            continue
        failing = item["FAIL_TO_PASS"]
        failing = json.loads(failing) if isinstance(failing, str) else failing
        files = re.findall(r"^diff --git a/(\S+) b/", item["patch"], re.M)
        reader = GitReader(git_dir)
        try:
            found = run_machinery(lambda path: reader.read(item["base_commit"], path), failing, None)
        finally:
            reader.close()
        rows.append({"bug": item["instance_id"], "machinery": found, "fix_files": files,
                     "hunks": item["patch"].count("\n@@ "),
                     "forbidden_fix_files": [f for f in files if f in found]})
    return rows


def summary(title: str, rows: list[dict]) -> None:
    flagged = [r for r in rows if r["machinery"]]
    modules = Counter(path for r in rows for path in r["machinery"])
    print(f"== {title}: {len(rows)} bugs, {len(flagged)} with machinery found; "
          f"developer fixes touching it: {sum(1 for r in rows if r['forbidden_fix_files'])}")
    for path, count in modules.most_common(25):
        why = next(r["machinery"][path] for r in rows if path in r["machinery"])
        print(f"  {count:4d}  {path}  ({why})")
    for r in rows:
        if r["forbidden_fix_files"]:
            print(f"  FORBIDDEN {r['bug']} ({r['hunks']} hunks): {r['forbidden_fix_files']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--swebench", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    args = parser.parse_args()
    rows = scan_bugsinpy()
    summary(f"BugsInPy (mirrors under {MIRRORS})", rows)
    if args.swebench:
        more = scan_swebench(args.swebench)
        summary(f"SWE-bench ({args.swebench.name})", more)
        rows += more
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
