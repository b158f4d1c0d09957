"""Selection benchmark: how often swebot's selection (swebot.scaling) picks a correct patch from a
pool of candidates, against picking at random among the plausible ones (those passing the
visible tests).

For each pool in pools.py: the bug's visible files go into a fresh git repository; the
candidates (the bug's own fix, an overfitting patch, a wrong patch, and formatting-only copies)
are checked by swebot.scaling.evidence against the visible tests and a reproduction test
written from the bug description (accepted only if it fails on the original code, as the
`reproduce` tool would); swebot.scaling.select chooses. A candidate is *correct* when the visible
tests and the held-out tests (heldout_test.py, never shown to selection) pass with it.

Three pool shapes: majority = fix, fix (reformatted), overfit, wrong  (the right change sampled twice)
                   single   = fix, overfit, wrong  (each change sampled once)
                   minority = fix, overfit, overfit (reformatted), wrong  (the overfit sampled twice)

    python bench/selection/run.py [--filter REGEX] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
sys.path[:0] = [str(REPO_ROOT), str(HERE), str(REPO_ROOT / "bench" / "builtin")]

from common import BUGS_DIR, copy_visible, load_bug  # noqa: E402
from pools import OTHER_INPUTS, POOLS  # noqa: E402

from swebot.agent.reproduce import judge  # noqa: E402
from swebot.sandbox.local import LocalSandbox  # noqa: E402
from swebot.scaling.evidence import Candidate, Checked, Checks, ReproTest, check_all  # noqa: E402
from swebot.workspace import diff_against_baseline, sandbox_apply, sandbox_reset  # noqa: E402
from swebot.scaling.select import select  # noqa: E402
from swebot.testing import TestRunner  # noqa: E402

SHAPES = {"majority": ("fix", "fix_fmt", "overfit", "wrong"), "single": ("fix", "overfit", "wrong"),
          "minority": ("fix", "overfit", "overfit_fmt", "wrong")}
REPRO_PATH = "tests/test_issue_reproduction.py"
OTHER_PATH = "tests/test_issue_other_inputs.py"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def build_repo(bug_dir: Path, dest: Path) -> Path:
    copy_visible(bug_dir, dest)
    git(dest, "init", "-q")
    (dest / ".git" / "info" / "exclude").write_text("/.swebot/\n__pycache__/\n*.pyc\n.pytest_cache/\n")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "buggy")
    return dest


def edited(repo: Path, path: str, edits: tuple[tuple[str, str], ...]) -> str:
    target = repo / path
    original = target.read_text()
    text = original
    for old, new in edits:
        assert text.count(old) == 1, (path, old)
        text = text.replace(old, new)
    target.write_text(text)
    try:
        return diff_against_baseline(repo)
    finally:
        target.write_text(original)


def reformatted(patch: str) -> str:
    """The same change with a comment on its first added line: AST-equal, textually different."""
    lines = patch.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("+") and not line.startswith("+++") and line.strip() != "+":
            lines[i] = line.rstrip("\n") + "  # as the issue asks\n"
            break
    return "".join(lines)


def is_correct(sandbox: LocalSandbox, bug_dir: Path, patch: str) -> bool:
    sandbox_reset(sandbox)
    if sandbox_apply(sandbox, patch) is not None:
        return False
    sandbox.write_file("heldout_test.py", (bug_dir / "heldout_test.py").read_bytes())
    res = sandbox.execute("python -m pytest -q -p no:cacheprovider tests heldout_test.py", timeout=300, env={"PYTHONDONTWRITEBYTECODE": "1"})
    sandbox_reset(sandbox)
    return res.exit_code == 0


def limited(c: Checked, allowed: set[str]) -> Checked:
    """``c`` as if only the reproduction tests ``allowed`` had been written."""
    ev = c.evidence
    passed = tuple(t for t in ev.repro_passed if t in allowed)
    own = tuple(t for t in ev.own_failed if t in allowed)
    return replace(c, evidence=replace(ev, repro_passed=passed, repro_total=len(allowed), own_failed=own))


EVIDENCE = ("tests only", "tests+example", "tests+example+other")


def run_bug(name: str) -> dict[str, object]:
    bug_dir, pool = BUGS_DIR / name, POOLS[name]
    bug = load_bug(bug_dir)
    with tempfile.TemporaryDirectory(prefix="swebot-selbench-") as tmp:
        repo = build_repo(bug_dir, Path(tmp) / name)
        overfit = edited(repo, pool.file, pool.overfit)
        patches = {"fix": bug["fix"], "fix_fmt": reformatted(bug["fix"]), "overfit": overfit,
                   "overfit_fmt": reformatted(overfit), "wrong": edited(repo, pool.file, pool.wrong)}
        with LocalSandbox(repo) as sandbox:
            runner = TestRunner(sandbox, "python -m pytest", timeout=300)
            baseline = runner.run()
            repro, why = [], {}
            # both written by the fix's attempt: it owns them (the others' own tests are copies of the example one)
            for path, text in ((REPRO_PATH, pool.repro), (OTHER_PATH, OTHER_INPUTS[name])):
                sandbox.write_file(path, text.encode())
                accepted, why[path] = judge(runner.run([path]), path, bug["description"])
                sandbox_reset(sandbox)
                if accepted:
                    repro.append(ReproTest(path, text, accepted, "fix"))
            checks = Checks(runner, baseline, tuple(sorted(baseline.failing)), repro)
            checked = {c.candidate.id: c for c in check_all(
                sandbox, [Candidate(k, k, p) for k, p in patches.items()], checks)}
            correct = {k: is_correct(sandbox, bug_dir, p) for k, p in patches.items()}
    ids_of = {path: {i for t in repro if t.path == path for i in t.tests} for path in (REPRO_PATH, OTHER_PATH)}
    allowed = {"tests only": set(), "tests+example": ids_of[REPRO_PATH],
               "tests+example+other": ids_of[REPRO_PATH] | ids_of[OTHER_PATH]}
    visible_ok = {k: limited(c, set()).evidence.plausible for k, c in checked.items()}
    out: dict[str, object] = {"bug": name, "repro_accepted": bool(ids_of[REPRO_PATH]),
                              "other_accepted": bool(ids_of[OTHER_PATH]), "repro_rejected_why": why,
                              "other_passes_fix": ids_of[OTHER_PATH] <= set(checked["fix"].evidence.repro_passed),
                              "other_exposes_overfit": bool(ids_of[OTHER_PATH] - set(checked["overfit"].evidence.repro_passed)),
                              "correct": correct, "plausible_on_visible_tests": visible_ok,
                              "evidence": {k: c.evidence.to_dict() for k, c in checked.items()}}
    for shape, ids in SHAPES.items():
        plausible = [k for k in ids if visible_ok[k]]
        out[f"{shape}/random"] = sum(correct[k] for k in plausible) / len(plausible) if plausible else 0.0
        out[f"{shape}/has_correct"] = any(correct[k] for k in ids)
        for evidence in EVIDENCE:
            sel = select([limited(checked[k], allowed[evidence]) for k in ids])
            winner = sel.winner.candidate.id if sel.winner else None
            out[f"{shape}/{evidence}"] = winner
            out[f"{shape}/{evidence}/correct"] = bool(winner and correct[winner])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filter", help="only pools whose bug name matches this regex")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    names = [n for n in POOLS if not args.filter or re.search(args.filter, n)]
    started, rows = time.monotonic(), []
    for name in names:
        row = run_bug(name)
        rows.append(row)
        labels = []
        c, v = row["correct"], row["plausible_on_visible_tests"]  # type: ignore[index]
        if not (c["fix"] and v["fix"]):  # type: ignore[index]
            labels.append("fix not correct+plausible?")
        if c["overfit"] or not v["overfit"]:  # type: ignore[index]
            labels.append("overfit is not an overfit")
        if v["wrong"]:  # type: ignore[index]
            labels.append("wrong passes visible tests")
        if not row["other_passes_fix"]:
            labels.append("other-input test fails the fix")
        marks = " ".join(f"{s}:" + "/".join(f"{row[f'{s}/{e}']}{'+' if row[f'{s}/{e}/correct'] else '-'}"
                                            for e in EVIDENCE) for s in SHAPES)
        print(f"{name:22} repro={'yes' if row['repro_accepted'] else 'NO '} "
              f"other={'yes' if row['other_accepted'] else 'NO '}"
              f"{' exposes overfit' if row['other_exposes_overfit'] else '                '} {marks}"
              + (f"  ! {'; '.join(labels)}" if labels else ""), flush=True)
    exposed = sum(bool(r["other_exposes_overfit"]) for r in rows)
    print(f"\n{len(rows)} pools, {time.monotonic() - started:.0f}s   (winner + correct, - not; evidence: "
          f"{' / '.join(EVIDENCE)}); the other-input test exposes the overfit in {exposed}/{len(rows)}")
    for shape in SHAPES:
        eligible = [r for r in rows if r[f"{shape}/has_correct"]]
        n = len(eligible) or 1
        print(f"{shape:9} pools with a correct candidate: {len(eligible)}")
        for evidence in EVIDENCE:
            ok = sum(bool(r[f"{shape}/{evidence}/correct"]) for r in eligible)
            print(f"  selection ({evidence:19}): {ok}/{len(eligible)} = {ok / n:.0%} correct")
        rand = sum(float(r[f"{shape}/random"]) for r in eligible) / n  # type: ignore[arg-type]
        print(f"  random among plausible    : {rand:.0%} correct (expected)")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
