"""Run `swebot fix` over every builtin benchmark bug and score the patches.

For each bug folder: copy what a user's repository would hold (no bug.json, no
heldout_test.py) to a temp dir, `git init` + commit it, run

    python -m swebot fix <dir> --json --time-limit S [--sandbox local]

from the repository root (PYTHONPATH = repo root), and read the JSON it prints
(`status` in fixed / nothing_to_fix / not_fixed, `patch`, `seconds`,
`candidates_tried`).  A returned patch counts as *correct* when, applied to a
fresh copy, the visible tests and the held-out tests (heldout_test.py) all pass.

Usage: python bench/builtin/run.py [--filter REGEX] [--time-limit S] [--jobs N]
Always exits 0: it is a benchmark, read the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO_ROOT, apply_patch, bug_dirs, copy_visible, load_bug, run_pytest  # noqa: E402


@dataclass
class Result:
    name: str
    template_class: str
    edits: int
    status: str  # fixed / nothing_to_fix / not_fixed / error / timeout
    correct: bool
    seconds: float
    candidates: int | None
    note: str = ""


def git_init(repo: Path) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", "buggy version"]):
        subprocess.run(cmd, cwd=repo, env=env, check=True, capture_output=True)


def parse_json(stdout: str) -> dict | None:
    """The CLI prints one JSON object; tolerate stray lines before it."""
    text = stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def check_correct(bug_dir: Path, patch: str, workdir: Path) -> tuple[bool, str]:
    check = workdir / "check"
    copy_visible(bug_dir, check)
    ok, err = apply_patch(check, patch)
    if not ok:
        return False, f"patch does not apply: {err[:120]}"
    shutil.copy(bug_dir / "heldout_test.py", check / "tests" / "heldout_test.py")
    proc = run_pytest(check)
    if proc.returncode != 0:
        failed = [ln.split(" ")[1] for ln in proc.stdout.splitlines() if ln.startswith("FAILED ")]
        return False, "plausible only; fails " + ", ".join(f.split("::")[-1] for f in failed[:3])
    return True, ""


def run_one(bug_dir: Path, args: argparse.Namespace) -> Result:
    meta = load_bug(bug_dir)
    res = Result(bug_dir.name, meta["template_class"], int(meta["edits"]), "error", False, 0.0, None)
    with tempfile.TemporaryDirectory(prefix=f"bench-{bug_dir.name}-") as tmp:
        tmp_path = Path(tmp)
        repo = tmp_path / bug_dir.name
        copy_visible(bug_dir, repo)
        git_init(repo)
        cmd = [sys.executable, "-m", "swebot", "fix", str(repo), "--json", "-q",
               "--time-limit", str(args.time_limit), "--output", str(tmp_path / "run")]
        if args.sandbox:
            cmd += ["--sandbox", args.sandbox]
        if args.engine:
            cmd += ["--engine", args.engine]
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                                  timeout=args.time_limit * 2 + 120 if args.time_limit else None)
        except subprocess.TimeoutExpired:
            res.status, res.seconds, res.note = "timeout", time.monotonic() - start, "swebot did not exit"
            return res
        wall = time.monotonic() - start
        data = parse_json(proc.stdout)
        if data is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            res.seconds, res.note = wall, f"no JSON: {tail[0][:150]}"
            return res
        res.status = str(data.get("status", "error"))
        res.seconds = float(data.get("seconds") or wall)
        res.candidates = data.get("candidates_tried")
        if res.status == "error":
            res.note = str(data.get("error", ""))[:150]
        patch = data.get("patch") or ""
        if res.status == "fixed" and patch:
            res.correct, res.note = check_correct(bug_dir, patch, tmp_path)
            if args.show_patches:
                res.note += "\n" + patch
        elif res.status == "fixed":
            res.note = "fixed but no patch in JSON"
        elif res.status == "nothing_to_fix":
            res.note = "bench bug reported as nothing to fix"
        elif res.status == "not_fixed":
            bits = [str(data.get("description") or ""), f"limit: {data['limit_hit']}" if data.get("limit_hit") else ""]
            res.note = "; ".join(b for b in bits if b)[:150]
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filter", help="only bugs whose folder name matches this regex")
    parser.add_argument("--time-limit", type=float, default=120, help="per-bug --time-limit for swebot (s)")
    parser.add_argument("--jobs", type=int, default=1, help="bugs repaired in parallel")
    parser.add_argument("--sandbox", default="local", help="swebot --sandbox value ('' for its default)")
    parser.add_argument("--engine", default="builtin", help="swebot --engine value")
    parser.add_argument("--json-out", type=Path, help="also write the per-bug results here")
    parser.add_argument("--show-patches", action="store_true", help="print each returned patch")
    args = parser.parse_args(argv)
    if args.time_limit == int(args.time_limit):
        args.time_limit = int(args.time_limit)

    dirs = bug_dirs(args.filter)
    if not dirs:
        print("no bugs match")
        return 0
    width = max(len(d.name) for d in dirs)
    print(f"{'bug':<{width}}  {'class':<36} {'status':<14} {'correct':<7} {'secs':>6} {'cands':>5}  note",
          flush=True)

    def show(r: Result) -> None:
        print(f"{r.name:<{width}}  {r.template_class:<36} {r.status:<14} {'yes' if r.correct else 'no':<7} "
              f"{r.seconds:6.1f} {'-' if r.candidates is None else r.candidates:>5}  {r.note}", flush=True)

    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for r in pool.map(lambda d: run_one(d, args), dirs):
            show(r)
            results.append(r)

    n = len(results)
    fixed = sum(r.status == "fixed" for r in results)
    correct = sum(r.correct for r in results)
    secs = [r.seconds for r in results]
    print()
    print(f"fixed:   {fixed}/{n}")
    print(f"correct: {correct}/{n}")
    print(f"median seconds per bug: {statistics.median(secs):.1f}  (total {sum(secs):.0f}s)")
    for label, group in (("1-edit", [r for r in results if r.edits == 1]),
                         ("2-edit", [r for r in results if r.edits == 2])):
        if group:
            print(f"  {label}: fixed {sum(r.status == 'fixed' for r in group)}/{len(group)}, "
                  f"correct {sum(r.correct for r in group)}/{len(group)}")
    by_class: dict[str, list[Result]] = {}
    for r in results:
        by_class.setdefault(r.template_class, []).append(r)
    print("by template class (correct/total):")
    for cls in sorted(by_class):
        group = by_class[cls]
        print(f"  {cls:<44} {sum(r.correct for r in group)}/{len(group)}")
    if args.json_out:
        args.json_out.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
