"""The builtin engine on QuixBugs (40 small Python programs with a one-line defect each, and their
tests): a supplementary figure beside the real bugs of bench/realbugs (these are textbook
programs, not projects).

    fetch github:jkoppel/QuixBugs                                       (a bare git mirror)
    python bench/quixbugs/run.py setup                                  # venv + one checkout per program
    python bench/quixbugs/run.py run --results heldout.jsonl --time-limit 60
    python bench/quixbugs/run.py report --results heldout.jsonl

Per program: a git repository holding the buggy ``python_programs/<name>.py`` (and ``node.py``),
its test file ``python_testcases/test_<name>.py`` with the test helpers and its JSON test data;
the engine gets ``--test "python -m pytest python_testcases/test_<name>.py"`` (the correct
program is not in the checkout). A program is kept when some test fails on the buggy version.
Scores: plausible (every test that passes with the correct program passes with the patch),
regressions (tests that passed on the buggy version and fail with the patch), correct (the
patched program is AST-equal to the correct one, bare string statements -- docstrings and
string expressions -- left out).

Work data lives under ``$SWEBOT_QUIXBUGS`` (default ~/.cache/swebot-quixbugs).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "realbugs"))
import builtin_fix  # noqa: E402  # bench/realbugs/builtin_fix.py

MIRROR = Path(os.environ.get("SWEBOT_MIRRORS", "/work/.mirror")) / "jkoppel+QuixBugs" / "repo"
WORK = Path(os.environ.get("SWEBOT_QUIXBUGS", Path.home() / ".cache" / "swebot-quixbugs"))
SWEBOT_ROOT = Path(__file__).resolve().parents[2]
DEPS = ["pytest==7.4.4", "pytest-timeout==2.2.0", "coverage>=6,<8"]
TEST_TIMEOUT = 10  # seconds per test: a defect often loops forever
HELPERS = ["conftest.py", "python_testcases/load_testdata.py", "python_testcases/node.py", "python_programs/node.py"]


def show(path: str) -> bytes | None:
    done = subprocess.run(["git", f"--git-dir={MIRROR}", "show", f"HEAD:{path}"], capture_output=True)
    return done.stdout if done.returncode == 0 else None


def programs() -> list[str]:
    names = subprocess.run(["git", f"--git-dir={MIRROR}", "ls-tree", "--name-only", "HEAD", "python_programs/"],
                           check=True, capture_output=True, text=True).stdout.split()
    return sorted(Path(n).stem for n in names
                  if n.endswith(".py") and not n.endswith("_test.py") and Path(n).stem != "node"
                  and show(f"python_testcases/test_{Path(n).stem}.py") is not None)


def python() -> Path:
    return WORK / "venv" / "bin" / "python"


def test_command(name: str) -> str:
    return (f"PYTHONPATH=. {shlex.quote(str(python()))} -m pytest -q -p no:cacheprovider "
            f"-p timeout --timeout {TEST_TIMEOUT} python_testcases/test_{name}.py")


def write_tree(name: str, into: Path, program: bytes) -> None:
    if into.exists():
        shutil.rmtree(into)
    files = {path: show(path) for path in [*HELPERS, f"python_testcases/test_{name}.py", f"json_testcases/{name}.json"]}
    files[f"python_programs/{name}.py"] = program
    for path, data in files.items():
        if data is not None:
            (into / path).parent.mkdir(parents=True, exist_ok=True)
            (into / path).write_bytes(data)
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@localhost",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@localhost"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "buggy", "--no-verify"]):
        subprocess.run(["git", *args], cwd=into, check=True, capture_output=True, env=env)


def outcomes(name: str, tree: Path) -> dict[str, str]:
    """nodeid -> passed/failed/error/skipped of the program's test file in ``tree``."""
    xml = tree / ".bench-junit.xml"
    xml.unlink(missing_ok=True)
    command = test_command(name) + f" --junitxml={shlex.quote(str(xml))} -o junit_family=xunit1"
    try:
        subprocess.run(command, shell=True, cwd=tree, capture_output=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {}
    if not xml.exists():
        return {}
    sys.path.insert(0, str(SWEBOT_ROOT))
    from swebot.testing.junit import JUnitError, parse_junit

    try:
        return {c.nodeid: c.outcome for c in parse_junit(xml.read_bytes(), root=str(tree)).cases}
    except JUnitError:
        return {}
    finally:
        xml.unlink(missing_ok=True)


def setup(args: argparse.Namespace) -> None:
    venv = WORK / "venv"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([args.python, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python()), "-m", "pip", "install", "-q", *DEPS], check=True)
        (venv / ".complete").write_text(" ".join(DEPS) + "\n")
    for name in programs():
        folder = WORK / "programs" / name
        buggy, correct = show(f"python_programs/{name}.py"), show(f"correct_python_programs/{name}.py")
        if buggy is None or correct is None:
            continue
        write_tree(name, folder / "buggy", buggy)
        write_tree(name, folder / "fixed", correct)
        before, after = outcomes(name, folder / "buggy"), outcomes(name, folder / "fixed")
        usable = bool(before) and any(v != "passed" for v in before.values())
        record = {"name": name, "usable": usable, "files_buggy": before, "files_fixed": after}
        (folder / "program.json").write_text(json.dumps(record, indent=1))
        print(f"{name}: {'usable' if usable else 'skipped'} (buggy {sorted(set(before.values()))}, "
              f"correct {sorted(set(after.values()))})", flush=True)


class _DropStringStatements(ast.NodeTransformer):
    """Drops every bare string statement: docstrings, and the string expressions some QuixBugs
    programs hold where the correct version has none (or another) -- text, not code."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and all(isinstance(s, ast.stmt) for s in block):
                kept = [s for s in block if not _is_string_statement(s)]
                setattr(node, name, kept or ([ast.Pass()] if name == "body" else []))
        return node


def _is_string_statement(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and \
        isinstance(statement.value.value, str)


def without_strings(text: str) -> str:
    """``text``'s AST dump without bare string statements (what "correct" compares)."""
    return ast.dump(_DropStringStatements().visit(ast.parse(text)))


def score(record: dict, patch: str, folder: Path) -> dict[str, object]:
    name = record["name"]
    patched = folder / f"patched-{os.getpid()}"
    try:
        write_tree(name, patched, (folder / "buggy" / "python_programs" / f"{name}.py").read_bytes())
        applied = subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=patched, capture_output=True)
        if applied.returncode:
            return {"plausible": False, "regressions": [], "correct": False, "why": "patch does not apply"}
        now = outcomes(name, patched)
        plausible = bool(now) and all(now.get(k) == "passed" for k, v in record["files_fixed"].items() if v == "passed")
        regressions = sorted(k for k, v in record["files_buggy"].items() if v == "passed" and now.get(k) != "passed")
        program = f"python_programs/{name}.py"
        try:
            correct = without_strings((patched / program).read_text()) == \
                without_strings((folder / "fixed" / program).read_text())
        except SyntaxError:
            correct = False
        return {"plausible": plausible, "regressions": regressions, "correct": correct,
                "review": None if correct else patch[-3000:]}
    finally:
        shutil.rmtree(patched, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    results = WORK / args.results
    done = {json.loads(line)["bug"] for line in results.read_text().splitlines()} if results.exists() else set()
    for path in sorted((WORK / "programs").glob("*/program.json")):
        record = json.loads(path.read_text())
        if not record["usable"] or record["name"] in done:
            continue
        out = WORK / "runs" / Path(args.results).stem / record["name"]
        shutil.rmtree(out, ignore_errors=True)
        report, seconds = builtin_fix.fix(path.parent / "buggy", test_command(record["name"]), out,
                                          args.time_limit, args.test_timeout)
        row = {"bug": record["name"], "status": report.get("status"), "seconds": seconds,
               "candidates": report.get("candidates_tried"), "description": report.get("description"),
               "search": (report.get("details") or {}).get("search")}
        if report.get("status") == "fixed":
            row.update(score(record, report["patch"], path.parent))
        with results.open("a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def report(args: argparse.Namespace) -> None:
    rows = [json.loads(line) for line in (WORK / args.results).read_text().splitlines()]
    fixed = [r for r in rows if r["status"] == "fixed"]
    print(f"programs {len(rows)}  reported fixed {len(fixed)}  plausible {sum(bool(r.get('plausible')) for r in fixed)}"
          f"  with regressions {sum(bool(r.get('regressions')) for r in fixed)}"
          f"  correct {sum(bool(r.get('correct')) for r in fixed)}")
    for row in rows:
        verdict = "correct" if row.get("correct") else "plausible" if row.get("plausible") else row["status"]
        print(f"  {row['bug']:<28}{verdict:<12}{row['seconds']:>7}s {row.get('candidates')!s:>5}  {row.get('description') or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["setup", "run", "report"])
    parser.add_argument("--python", default=shutil.which("python3.9") or sys.executable)
    parser.add_argument("--time-limit", type=int, default=60)
    parser.add_argument("--test-timeout", type=int, default=60)
    parser.add_argument("--results", default="results.jsonl")
    args = parser.parse_args()
    {"setup": setup, "run": run, "report": report}[args.action](args)


if __name__ == "__main__":
    main()
