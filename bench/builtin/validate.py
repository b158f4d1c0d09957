"""Check every builtin benchmark bug: its tests fail as shipped and pass once `fix` is applied.

For each bug folder (a temp copy of it):
  1. bug.json has the required fields;
  2. the visible tests (tests/) fail on the buggy code;
  3. after applying bug.json's `fix`, the visible tests and the held-out tests
     (heldout_test.py, copied into tests/) all pass.

Usage: python bench/builtin/validate.py [--filter REGEX] [--jobs N]
Prints a table and exits 1 if any bug is bad.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    REQUIRED_FIELDS,
    TEMPLATE_CLASSES,
    apply_patch,
    bug_dirs,
    copy_visible,
    load_bug,
    run_pytest,
    summary_line,
)


def check_bug(bug_dir: Path) -> tuple[bool, str]:
    try:
        meta = load_bug(bug_dir)
    except ValueError as exc:
        return False, f"bad bug.json: {exc}"
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        return False, f"bug.json lacks {missing}"
    if meta["name"] != bug_dir.name:
        return False, f"name {meta['name']!r} != folder"
    classes = meta["template_class"].split("+")
    if any(c not in TEMPLATE_CLASSES for c in classes):
        return False, f"unknown template_class {meta['template_class']!r}"
    if meta["edits"] not in (1, 2) or len(classes) not in (1, meta["edits"]):
        return False, f"edits={meta['edits']} does not match {meta['template_class']!r}"
    if not (bug_dir / "heldout_test.py").exists():
        return False, "no heldout_test.py"
    if not list((bug_dir / "tests").glob("test_*.py")):
        return False, "no tests/test_*.py"
    with tempfile.TemporaryDirectory(prefix=f"validate-{bug_dir.name}-") as tmp:
        work = Path(tmp) / bug_dir.name
        copy_visible(bug_dir, work)
        before = run_pytest(work)
        if before.returncode == 0:
            return False, "visible tests pass on the buggy code"
        if before.returncode != 1:
            return False, f"buggy run did not end in test failures: {summary_line(before)}"
        if " passed" not in summary_line(before):
            return False, f"no passing test on the buggy code: {summary_line(before)}"
        ok, err = apply_patch(work, meta["fix"])
        if not ok:
            return False, f"fix does not apply: {err}"
        after = run_pytest(work)
        if after.returncode != 0:
            return False, f"tests fail after fix: {summary_line(after)}"
        shutil.copy(bug_dir / "heldout_test.py", work / "tests" / "heldout_test.py")
        held = run_pytest(work, "tests/heldout_test.py")
        if held.returncode != 0:
            return False, f"held-out tests fail after fix: {summary_line(held)}"
        return True, f"buggy: {summary_line(before)}; fixed: {summary_line(after)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filter", help="only bugs whose folder name matches this regex")
    parser.add_argument("--jobs", type=int, default=2, help="bugs checked in parallel (default 2)")
    args = parser.parse_args(argv)
    dirs = bug_dirs(args.filter)
    if not dirs:
        print("no bugs found")
        return 1
    bad = 0
    width = max(len(d.name) for d in dirs)
    print(f"{'bug':<{width}}  {'class':<40}  ok    detail")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        checks = list(zip(dirs, pool.map(check_bug, dirs)))
    for d, (ok, detail) in checks:
        try:
            cls = load_bug(d).get("template_class", "?")
        except ValueError:
            cls = "?"
        bad += not ok
        print(f"{d.name:<{width}}  {cls:<40}  {'OK' if ok else 'BAD':<4}  {detail}", flush=True)
    print(f"\n{len(dirs) - bad}/{len(dirs)} bugs valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
