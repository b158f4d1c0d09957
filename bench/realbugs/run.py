"""The builtin engine on real bugs of real projects (BugsInPy), scored against the developers' fixes.

Nothing fetched goes into the repository: the script rebuilds every checkout from mirrors.

    fetch github:soarsmu/BugsInPy, github:nvbn/thefuck, github:tqdm/tqdm, ...   (bare git mirrors)
    python bench/realbugs/run.py setup   --projects thefuck,tqdm      # venvs + checkouts + validation
    python bench/realbugs/run.py run     --projects thefuck,tqdm --time-limit 300
    python bench/realbugs/run.py report                               # the table, from results.jsonl

Per bug: the buggy commit, with the bug's test files (and the data files the fix commit adds next to
them) taken from the fixed commit, committed in a fresh
git repository; one virtualenv per project (``--python``, the project's dependencies at versions that
install here, pytest, coverage). A bug is kept when its failing tests fail on that checkout and pass
on the fixed commit. ``run`` calls ``swebot fix --engine builtin --sandbox local --test <failing tests>``
and scores the patch:

- plausible: every test of the bug's test files that passes on the fixed commit passes with the patch;
- regression: a test of those files that passed on the buggy checkout fails with the patch;
- correct: the patched files are AST-equal to the fixed commit's (else ``review`` lists the pair).

``why`` explains the misses: where the developer's lines ranked (from the run log), whether one
template edit gives the developer's file, how deep the search got.

Work data lives under ``$SWEBOT_REALBUGS`` (default ~/.cache/swebot-realbugs).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import builtin_fix  # beside this script

MIRRORS = Path(os.environ.get("SWEBOT_MIRRORS", "/work/.mirror"))
WORK = Path(os.environ.get("SWEBOT_REALBUGS", Path.home() / ".cache" / "swebot-realbugs"))
BUGSINPY = MIRRORS / "soarsmu+BugsInPy" / "repo"
SWEBOT_ROOT = Path(__file__).resolve().parents[2]
PYTEST_PINS = ["pytest==6.2.5", "coverage>=6,<8", "pytest-mock==3.6.1", "mock"]
# Test suites from before pytest 4 (``item.get_marker`` in their conftest.py).
OLD_PYTEST_PINS = ["pytest==3.10.1", "coverage>=6,<7", "pytest-mock<2", "mock"]
# Dependencies of each project at versions that install for the bench's interpreter (the bugs'
# own requirements.txt pin 2019 releases without wheels for it).
PROJECTS: dict[str, dict[str, object]] = {
    "thefuck": {"repo": "nvbn+thefuck", "deps": ["colorama", "psutil", "pyte", "decorator", "six"],
                "pytest": OLD_PYTEST_PINS},
    "tqdm": {"repo": "tqdm+tqdm", "deps": ["nose", "pytest-timeout"], "python": "3.8"},  # sys.setcheckinterval
    "cookiecutter": {"repo": "cookiecutter+cookiecutter",
                     "deps": ["pytest-cov<3", "binaryornot", "jinja2<3", "markupsafe<2.1", "click<8", "poyo", "jinja2-time",
                              "python-slugify", "requests", "freezegun", "pyyaml", "whichcraft", "future"]},
    "httpie": {"repo": "httpie+httpie", "deps": ["requests[socks]<2.32", "pygments<2.18", "urllib3<2", "brotlipy", "raven", "pytest-httpbin==1.0.0", "httpbin==0.7.0",
                                                 "werkzeug<2.1",
                                                 "flask<2.1", "itsdangerous<2.1", "jinja2<3.1", "markupsafe<2.1"],
               "pytest": OLD_PYTEST_PINS},  # its conftest re-applies pytest.fixture (an error from pytest 4)
    "black": {"repo": "psf+black", "deps": ["attrs", "click<8.1", "appdirs", "toml", "typed-ast", "regex",
                                            "pathspec", "mypy_extensions", "aiohttp<3.8", "aiohttp-cors"],
              # written by setuptools_scm when black is installed; a checkout lacks it
              "files": {"_black_version.py": 'version = "19.10b0"\n'}},
    "tornado": {"repo": "tornadoweb+tornado", "deps": ["pycurl"]},
    "youtube-dl": {"repo": "ytdl-org+youtube-dl", "deps": []},
    "luigi": {"repo": "spotify+luigi", "deps": ["tornado>=5,<6", "python-daemon<3", "python-dateutil", "psutil", "hdfs",
                                                "nose", "requests", "sqlalchemy<1.4", "boto3"]},
    "PySnooper": {"repo": "cool-RR+PySnooper", "deps": ["python-toolbox", "six", "future", "decorator"]},
    # Keras 2.2-era bugs on TensorFlow 1.15 (BugsInPy's pins; 1.13/1.14 for a few bugs: one venv for all,
    # a bug that does not reproduce is dropped by setup); Python 3.7 (no TF 1.x wheels later);
    # its pytest.ini adds ``-n 2`` (pytest-xdist): ``-n 0`` keeps each run in one process, which
    # swebot's per-test coverage needs
    "keras": {"repo": "keras-team+keras", "python": "3.7", "pytest_args": "-n 0",
              "deps": ["tensorflow==1.15.0", "numpy==1.18.5", "scipy==1.4.1", "h5py==2.10.0", "protobuf==3.12.2",
                       "keras-applications==1.0.8", "keras-preprocessing==1.1.2", "pyyaml", "six", "pandas==1.0.4",
                       "flaky", "pytest-xdist==2.5.0", "requests", "Pillow"]},
    # Scrapy 2.1-era pins (BugsInPy's requirements.txt for every scrapy bug), Python 3.8
    "scrapy": {"repo": "scrapy+scrapy", "python": "3.8",
               "deps": ["Twisted==20.3.0", "lxml==4.5.1", "cryptography==2.9.2", "pyOpenSSL==19.1.0", "parsel==1.6.0",
                        "w3lib==1.22.0", "queuelib==1.5.0", "PyDispatcher==2.0.5", "zope.interface==5.1.0",
                        "service-identity==18.1.0", "Protego==0.1.16", "cssselect==1.1.0", "testfixtures==6.14.1",
                        "h2==3.2.0", "PyHamcrest==2.0.2", "pyasn1==0.4.8", "pyasn1-modules==0.2.8", "Automat==20.2.0",
                        "hyperlink==19.0.0", "idna==2.9", "six", "defusedxml==0.6.0", "attrs==19.3.0", "Pillow==7.1.2"]},
    # FastAPI's bugs pin three generations of pydantic/starlette: one virtualenv per generation
    "fastapi": {"repo": "tiangolo+fastapi", "python": "3.8",
                "deps": ["pydantic==1.5.1", "starlette==0.13.2", "requests==2.23.0", "email-validator==1.1.1",
                         "python-multipart==0.0.5", "ujson==3.0.0", "orjson==3.0.2", "aiofiles==0.5.0",
                         "sqlalchemy==1.3.17", "async-exit-stack==1.0.1", "async-generator==1.10", "pyjwt==1.7.1",
                         "passlib==1.7.2"],
                "variants": {"s0129": {"bugs": [4, 5, 6, 7], "replace": ["starlette==0.12.9"]},
                             "p032": {"bugs": [8, 9, 10, 11], "replace": ["pydantic==0.32.2", "starlette==0.12.8"]},
                             "p026": {"bugs": [12, 13, 14, 15], "replace": ["pydantic==0.26", "starlette==0.12.0"]},
                             "p018": {"bugs": [16], "replace": ["pydantic==0.18.2", "starlette==0.10.1"]}}},
    # ansible-base 2.10 development: the code under lib/, the unit tests import ``units.*`` from test/
    "ansible": {"repo": "ansible+ansible", "python": "3.8", "pythonpath": "lib:test",
                "deps": ["jinja2==2.11.2", "MarkupSafe==1.1.1", "PyYAML==5.3.1", "cryptography==2.9.2", "six",
                         "packaging", "pytz", "passlib", "pexpect"]},
    "sanic": {"repo": "huge-success+sanic", "python": "3.8",
              "pytest": ["pytest==5.4.3", "coverage>=6,<8", "pytest-mock==3.1.1", "mock"],  # pytest-sanic 1.6.1
              "deps": ["aiofiles==0.5.0", "httptools==0.1.1", "multidict==4.7.6", "websockets==8.1", "httpx==0.9.3",
                       "h11==0.8.1", "pytest-sanic==1.6.1", "pytest-benchmark==3.2.3", "beautifulsoup4==4.9.1",
                       "gunicorn==20.0.4", "uvicorn==0.11.5"],
              "variants": {"x011": {"bugs": [1], "replace": ["httpx==0.11.1", "h11==0.9.0"]},
                           "w6": {"bugs": [5], "replace": ["websockets==6.0"]}}},
}


@dataclass
class Bug:
    project: str
    number: int
    buggy: str
    fixed: str
    test_files: list[str]
    tests: list[str]  # pytest node ids of the failing tests
    source_files: list[str]  # non-test files the developer's fix changes
    hunks: int

    @property
    def name(self) -> str:
        return f"{self.project}-{self.number}"


def mirror_of(project: str) -> Path:
    """The git directory of a project's mirror (a bare ``repo``, or a work tree's ``repo/.git``)."""
    mirror = MIRRORS / str(PROJECTS[project]["repo"]) / "repo"
    return mirror / ".git" if (mirror / ".git").is_dir() else mirror


def git(git_dir: Path, *args: str, text: bool = True) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True,
                          text=text).stdout


def bug_file(project: str, number: int, name: str) -> str:
    return git(BUGSINPY, "show", f"HEAD:projects/{project}/bugs/{number}/{name}")


def pytest_ids(run_test: str) -> list[str]:
    """Node ids from a BugsInPy run_test.sh (pytest ids, or unittest dotted names)."""
    ids: list[str] = []
    for line in run_test.splitlines():
        tokens = shlex.split(line)
        if "unittest" in tokens:
            for dotted in (t for t in tokens[tokens.index("unittest") + 1:] if not t.startswith("-")):
                parts = dotted.split(".")
                # The module is what precedes the class (``test.test_utils.TestUtil.test_x``) or the
                # last name (a module-level test function).
                split = next((i for i, p in enumerate(parts) if p[:1].isupper()), len(parts) - 1)
                ids.append("/".join(parts[:split]) + ".py::" + "::".join(parts[split:]))
        else:
            ids.extend(t for t in tokens if "::" in t or t.endswith(".py"))
    return list(dict.fromkeys(ids))


def read_bug(project: str, number: int) -> Bug | None:
    try:
        info = dict(re.findall(r'^(\w+)\s*=\s*"(.*)"', bug_file(project, number, "bug.info"), re.M))
        patch = bug_file(project, number, "bug_patch.txt")
        tests = pytest_ids(bug_file(project, number, "run_test.sh"))
    except (subprocess.CalledProcessError, StopIteration):
        return None
    sources = re.findall(r"^diff --git a/(\S+) b/", patch, re.M)
    return Bug(project, number, info["buggy_commit_id"], info["fixed_commit_id"],
               [f for f in info.get("test_file", "").split(";") if f], tests, sources,
               patch.count("\n@@ "))


def test_side(bug: Bug, mirror: Path, fixed: str) -> list[str]:
    """The bug's test files plus what the fix commit adds or changes next to them (data files such
    as ``tests/test-generate-context/non_ascii.json``, or black's ``tests/data/*.py``: without them the failing test fails on the
    buggy checkout for a missing file, which no code edit fixes)."""
    roots = {path.split("/", 1)[0] + "/" for path in bug.test_files if "/" in path}
    changed = git(mirror, "diff", "--name-only", "--diff-filter=AM", bug.buggy, fixed).split()
    extra = [path for path in changed if any(path.startswith(root) for root in roots)
             and path not in bug.source_files and (not path.endswith(".py") or "/data/" in path)]
    return list(dict.fromkeys([*bug.test_files, *extra]))


def checkout(bug: Bug, commit: str, into: Path, tests_from: str | None = None) -> None:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    mirror = mirror_of(bug.project)
    archive = subprocess.run(["git", f"--git-dir={mirror}", "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for name, text in dict(PROJECTS[bug.project].get("files", {})).items():  # type: ignore[call-overload]
        if not (into / name).exists():
            (into / name).write_text(text)
    for path in test_side(bug, mirror, tests_from) if tests_from else ():
        (into / path).parent.mkdir(parents=True, exist_ok=True)
        (into / path).write_bytes(subprocess.run(["git", f"--git-dir={mirror}", "show", f"{tests_from}:{path}"],
                                                 check=True, capture_output=True).stdout)
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@localhost",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@localhost"}
    extra = list(dict(PROJECTS[bug.project].get("files", {})))  # type: ignore[call-overload]
    # the extra files may be git-ignored (black ignores _black_version.py): swebot's snapshot
    # leaves ignored files out, so they are committed
    for args in (["init", "-q"], ["add", "-A"], ["add", "-f", "--", *extra],
                 ["commit", "-q", "-m", "buggy", "--no-verify"]):
        subprocess.run(["git", *args], cwd=into, check=True, capture_output=True, env=env)


def variant(project: str, number: int) -> str:
    """The virtualenv a bug runs in: its project's, or a variant's (``fastapi-p032``) whose
    ``replace`` pins take the place of the project's pins of the same packages."""
    for name, spec in dict(PROJECTS[project].get("variants", {})).items():  # type: ignore[call-overload]
        if number in spec["bugs"]:
            return f"{project}-{name}"
    return project


def venv_python(env: str) -> Path:
    return WORK / "venvs" / env / "bin" / "python"


def env_deps(env: str) -> list[str]:
    project, _, name = env.partition("-") if env not in PROJECTS else (env, "", "")
    deps = [*PROJECTS[project].get("pytest", PYTEST_PINS), *PROJECTS[project]["deps"]]  # type: ignore[misc]
    if name:
        replace = PROJECTS[project]["variants"][name]["replace"]  # type: ignore[index]
        pinned = {r.split("==")[0].lower() for r in replace}
        deps = [d for d in deps if d.split("==")[0].split("<")[0].split(">")[0].lower() not in pinned] + list(replace)
    return deps


def interpreter(version: str, fallback: str) -> str:
    """A real interpreter for ``version`` (pyenv's shims fail when that version is not selected)."""
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
    return str(pyenv[-1]) if pyenv else shutil.which(f"python{version}") or fallback


def make_venv(env: str, python: str) -> None:
    """One virtualenv per project (or variant); ``.complete`` marks one whose installs all succeeded
    (a venv left half-built by a failed install is rebuilt, not used without pytest)."""
    target = WORK / "venvs" / env
    if (target / ".complete").exists():
        return
    project = env if env in PROJECTS else env.partition("-")[0]
    shutil.rmtree(target, ignore_errors=True)
    version = PROJECTS[project].get("python")
    python = interpreter(str(version), python) if version else python
    subprocess.run([python, "-m", "venv", str(target)], check=True)
    deps = env_deps(env)
    pip = [str(venv_python(env)), "-m", "pip", "install", "-q", *PROJECTS[project].get("pip", [])]  # type: ignore[misc]
    subprocess.run([*pip, *deps], check=True)
    (target / ".complete").write_text(" ".join(deps) + "\n")


def test_command(bug: Bug, ids: list[str]) -> str:
    return f"PYTHONPATH={PROJECTS[bug.project].get('pythonpath', '.')} {shlex.quote(str(venv_python(variant(bug.project, bug.number))))} -m pytest -q -p no:cacheprovider " + \
        " ".join([*str(PROJECTS[bug.project].get("pytest_args", "")).split(), *map(shlex.quote, ids)])


def test_cases(bug: Bug, tree: Path, ids: list[str], timeout: float = 600) -> list:
    """The JUnit cases (swebot.types.TestCase) of ``ids`` run in ``tree``; [] when the run gave none."""
    xml = tree / ".bench-junit.xml"
    xml.unlink(missing_ok=True)
    command = test_command(bug, ids) + f" --junitxml={shlex.quote(str(xml))} -o junit_family=xunit1"
    try:
        subprocess.run(command, shell=True, cwd=tree, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return []
    if not xml.exists():
        return []
    sys.path.insert(0, str(SWEBOT_ROOT))
    from swebot.testing.junit import JUnitError, parse_junit

    try:
        return list(parse_junit(xml.read_bytes(), root=str(tree)).cases)
    except JUnitError:
        return []
    finally:
        xml.unlink(missing_ok=True)


def outcomes(bug: Bug, tree: Path, ids: list[str], timeout: float = 600) -> dict[str, str]:
    """nodeid -> passed/failed/error/skipped, from JUnit XML."""
    return {c.nodeid: c.outcome for c in test_cases(bug, tree, ids, timeout)}


def _selects(wanted: str, nodeid: str) -> bool:
    """Whether the test id ``wanted`` (a test, a parametrized test, or a class) covers ``nodeid``."""
    return nodeid == wanted or nodeid.startswith((wanted + "[", wanted + "::"))


def passed(results: dict[str, str], wanted: list[str]) -> bool:
    return all(any(_selects(w, k) for k in results) for w in wanted) and all(
        v == "passed" for k, v in results.items() if any(_selects(w, k) for w in wanted))


def setup(args: argparse.Namespace) -> None:
    kept = []
    for project in args.projects:
        make_venv(project, args.python)
        count = len(git(BUGSINPY, "ls-tree", "--name-only", f"HEAD:projects/{project}/bugs").split())
        for number in range(1, min(count, args.max_bugs) + 1):
            bug = read_bug(project, number)
            if bug is None or not bug.tests or (args.only and not re.search(args.only, bug.name)):
                continue
            make_venv(variant(project, number), args.python)
            buggy, fixed = WORK / "bugs" / bug.name / "buggy", WORK / "bugs" / bug.name / "fixed"
            checkout(bug, bug.buggy, buggy, tests_from=bug.fixed)
            checkout(bug, bug.fixed, fixed)
            before = outcomes(bug, buggy, bug.tests, args.test_timeout)
            after = outcomes(bug, fixed, bug.tests, args.test_timeout)
            ok = bool(before) and not passed(before, bug.tests) and passed(after, bug.tests)
            files_fixed = outcomes(bug, fixed, bug.test_files, args.test_timeout) if ok else {}
            files_buggy = outcomes(bug, buggy, bug.test_files, args.test_timeout) if ok else {}
            record = {**asdict(bug), "usable": ok, "files_fixed": files_fixed, "files_buggy": files_buggy,
                      "why": "" if ok else f"buggy: {sorted(set(before.values()))} fixed: {sorted(set(after.values()))}"}
            (WORK / "bugs" / bug.name / "bug.json").write_text(json.dumps(record, indent=1))
            print(f"{bug.name}: {'usable' if ok else 'skipped ' + record['why']}", flush=True)
            kept.append(bug.name) if ok else None
    print(f"{len(kept)} usable bugs: {' '.join(kept)}")


def changed_asts_equal(patched: Path, fixed: Path, files: list[str]) -> bool:
    for path in files:
        try:
            a = ast.dump(ast.parse((patched / path).read_text()))
            b = ast.dump(ast.parse((fixed / path).read_text()))
        except (OSError, SyntaxError, ValueError):
            return False
        if a != b:
            return False
    return True


def run(args: argparse.Namespace) -> None:
    results = WORK / args.results
    done = {json.loads(line)["bug"] for line in results.read_text().splitlines()} if results.exists() and \
        not args.again else set()
    for folder in sorted((WORK / "bugs").glob("*/bug.json")):
        record = json.loads(folder.read_text())
        bug = Bug(**{k: record[k] for k in Bug.__dataclass_fields__})
        if bug.project not in args.projects or not record["usable"] or bug.name in done:
            continue
        if args.only and not re.search(args.only, bug.name):
            continue
        out = WORK / "runs" / Path(args.results).stem / bug.name
        shutil.rmtree(out, ignore_errors=True)
        report, seconds = builtin_fix.fix(folder.parent / "buggy", test_command(bug, bug.tests), out,
                                          args.time_limit, args.test_timeout)
        row = {"bug": bug.name, "project": bug.project, "hunks": bug.hunks, "status": report.get("status"),
               "seconds": seconds, "candidates": report.get("candidates_tried"),
               "description": report.get("description"), "search": (report.get("details") or {}).get("search"),
               "regression_check": (report.get("details") or {}).get("regression_check"),
               "selection": (report.get("details") or {}).get("selection")}
        if report.get("status") == "fixed":
            row.update(score(bug, record, report["patch"], folder.parent))
        with results.open("a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def score(bug: Bug, record: dict, patch: str, folder: Path) -> dict[str, object]:
    patched = folder / f"patched-{os.getpid()}"  # two runs (code versions) may score one bug at once
    try:
        return _score(bug, record, patch, folder, patched)
    finally:
        shutil.rmtree(patched, ignore_errors=True)


def _score(bug: Bug, record: dict, patch: str, folder: Path, patched: Path) -> dict[str, object]:
    checkout(bug, bug.buggy, patched, tests_from=bug.fixed)
    applied = subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=patched, capture_output=True)
    if applied.returncode:
        return {"plausible": False, "regressions": [], "correct": False, "why": "patch does not apply"}
    now = outcomes(bug, patched, bug.test_files)
    wanted = [k for k, v in record["files_fixed"].items() if v == "passed"]
    plausible = bool(now) and all(now.get(k) == "passed" for k in wanted)
    regressions = sorted(k for k, v in record["files_buggy"].items() if v == "passed" and now.get(k) != "passed")
    touched = re.findall(r"^diff --git a/(\S+) b/", patch, re.M)
    correct = set(touched) <= set(bug.source_files) and changed_asts_equal(patched, folder / "fixed", touched)
    return {"plausible": plausible, "regressions": regressions, "correct": correct,
            "review": None if correct else patch[-3000:]}


def usable_rows(results: str) -> list[dict]:
    """The rows of ``results`` whose bug is still usable (a later setup may drop one, e.g. once
    the fix commit's test data showed its failing test failed only for a missing file)."""
    rows = [json.loads(line) for line in (WORK / results).read_text().splitlines()]
    return [row for row in rows
            if json.loads((WORK / "bugs" / row["bug"] / "bug.json").read_text()).get("usable")]


def report(args: argparse.Namespace) -> None:
    rows = usable_rows(args.results)
    print(f"{'project':<14}{'bugs':>5}{'1-hunk':>7}{'fixed':>6}{'plaus.':>7}{'regr.':>6}{'correct':>8}"
          f"{'correct 1-hunk':>15}{'median s':>9}")
    for project in sorted({r["project"] for r in rows}) + ["all"]:
        mine = [r for r in rows if project in ("all", r["project"])]
        single = [r for r in mine if r["hunks"] == 1]
        fixed = [r for r in mine if r["status"] == "fixed"]
        seconds = sorted(r["seconds"] for r in mine)
        print(f"{project:<14}{len(mine):>5}{len(single):>7}{len(fixed):>6}"
              f"{sum(bool(r.get('plausible')) for r in fixed):>7}{sum(bool(r.get('regressions')) for r in fixed):>6}"
              f"{sum(bool(r.get('correct')) for r in fixed):>8}"
              f"{sum(bool(r.get('correct')) for r in single if r['status'] == 'fixed'):>9}/{len(single):<5}"
              f"{seconds[len(seconds) // 2] if seconds else 0:>9}")


def changed_lines(patch: str) -> dict[str, set[int]]:
    """path -> lines of the buggy file the developer's patch removes or inserts next to."""
    out: dict[str, set[int]] = {}
    path, line = "", 0
    for text in patch.splitlines():
        if text.startswith("--- "):
            path = text[6:] if text.startswith("--- a/") else ""
        elif text.startswith("@@ "):
            line = int(re.match(r"@@ -(\d+)", text).group(1))  # type: ignore[union-attr]
        elif path and text.startswith("-") and not text.startswith("---"):
            out.setdefault(path, set()).add(line)
            line += 1
        elif path and text.startswith("+") and not text.startswith("+++"):
            out.setdefault(path, set()).update({max(line - 1, 1), line})  # an insertion: its neighbours
        elif path and text.startswith(" "):
            line += 1
    return out


def logged_ranking(run_dir: Path) -> list[str] | None:
    try:
        events = [json.loads(line) for line in (run_dir / "run.log").read_text().splitlines() if line.strip()]
    except (OSError, ValueError):
        return None
    for event in events:
        if event.get("name") == "localize" and "ranking" in event:
            return list(event["ranking"])
    return None


def template_for_fix(bug: Bug, folder: Path, lines: dict[str, set[int]]) -> str:
    """The mutation template whose single edit at the developer's lines gives the fixed file
    (AST-equal), fed the hints the engine would get; '' when none does."""
    sys.path.insert(0, str(SWEBOT_ROOT))
    from swebot.engines.hints import TestHints, literal_strings, raised_lines
    from swebot.mutate import mutations_at
    from swebot.mutate.calls import call_keywords

    if len(lines) != 1:
        return ""
    (path, wanted), = lines.items()
    try:
        buggy = (folder / "buggy" / path).read_text()
        fixed = ast.dump(ast.parse((folder / "fixed" / path).read_text()))
    except (OSError, SyntaxError, ValueError):
        return ""
    tests = [(folder / "buggy" / f).read_text() for f in bug.test_files if (folder / "buggy" / f).exists()]
    hints = TestHints(literal_strings(tests), raised_lines(test_cases(bug, folder / "buggy", bug.tests, 300)),
                      call_keywords([buggy], tests))
    for mutation in mutations_at(buggy, wanted, hints=hints.for_path(path)):
        try:
            if ast.dump(ast.parse(mutation.source)) == fixed:
                return mutation.template
        except (SyntaxError, ValueError):
            continue
    return ""


def why(args: argparse.Namespace) -> None:
    """Per bug not fixed correctly: where the developer's lines ranked, whether a template makes the
    developer's fix in one edit, and how deep the search got."""
    rows = usable_rows(args.results)
    print(f"{'bug':<16}{'hunks':>6}{'status':>11}{'dev line rank':>15}{'ranked':>8}{'deepest':>8}{'tried':>7}"
          f"  template for the fix / verdict")
    tally: dict[str, int] = {}
    for row in rows:
        if row["project"] not in args.projects or (args.only and not re.search(args.only, row["bug"])):
            continue
        folder = WORK / "bugs" / row["bug"]
        record = json.loads((folder / "bug.json").read_text())
        bug = Bug(**{k: record[k] for k in Bug.__dataclass_fields__})
        lines = changed_lines(bug_file(bug.project, bug.number, "bug_patch.txt"))
        ranking = logged_ranking(WORK / "runs" / Path(args.results).stem / bug.name)
        wanted = {f"{path}:{line}" for path, found in lines.items() for line in found}
        rank = next((i for i, item in enumerate(ranking or [], 1) if item in wanted), None)
        search = row.get("search") or {}
        template = template_for_fix(bug, folder, lines)
        if row.get("correct"):
            verdict = "correct"
        elif row.get("plausible"):
            verdict = "plausible, not the developer's fix"
        elif row["status"] == "fixed":
            verdict = f"reported fixed, not plausible (breaks {len(row.get('regressions') or [])} test(s))"
        elif row["status"] not in ("fixed", "not_fixed"):
            verdict = f"run ended {row['status']}"
        elif ranking is not None and rank is None:
            verdict = "developer's lines not ranked"
        elif not template:
            verdict = "no single template edit gives the fix"
        else:
            verdict = "a template makes the fix in one edit (now); this run did not find it"
        tally[verdict] = tally.get(verdict, 0) + 1
        shown = "-" if ranking is None else (str(rank) if rank else "none")
        print(f"{bug.name:<16}{bug.hunks:>6}{row['status']:>11}{shown:>15}{search.get('suspicious_lines', '-'):>8}"
              f"{search.get('deepest_line_rank', '-'):>8}{search.get('tried', '-'):>7}  {template or '-'} / {verdict}",
              flush=True)
    for verdict, count in sorted(tally.items(), key=lambda item: -item[1]):
        print(f"{count:>4}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["setup", "run", "report", "why"])
    parser.add_argument("--projects", default="thefuck,tqdm,cookiecutter,httpie")
    parser.add_argument("--max-bugs", type=int, default=1000, help="first N bugs of each project")
    parser.add_argument("--python", default=interpreter("3.9", sys.executable))
    parser.add_argument("--time-limit", type=int, default=300)
    parser.add_argument("--test-timeout", type=int, default=120)
    parser.add_argument("--only", default="", help="regex on bug names (project-N)")
    parser.add_argument("--results", default="results.jsonl",
                        help="file under $SWEBOT_REALBUGS for the rows (one per code version compared)")
    parser.add_argument("--again", action="store_true", help="rerun bugs that already have a result")
    args = parser.parse_args()
    args.projects = [p for p in args.projects.split(",") if p]
    unknown = [p for p in args.projects if p not in PROJECTS]
    if unknown:
        parser.error(f"unknown projects: {unknown}; known: {sorted(PROJECTS)}")
    (WORK / "bugs").mkdir(parents=True, exist_ok=True)
    {"setup": setup, "run": run, "report": report, "why": why}[args.action](args)


if __name__ == "__main__":
    main()
