"""The fork server: many candidates' quick checks in one sandbox command, with the same answers
as running the tests once per candidate."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import pytest

from swebot.engines.quickcheck import ForkChecker, _split_select_command
from swebot.sandbox.local import LocalSandbox
from swebot.testing import TestRunner
from swebot.workspace import snapshot

SOURCE = "def clamp(x, low, high):\n    if x < low:\n        return low\n    if x > high:\n        return low\n    return x\n"
FILES = {
    "mathx.py": SOURCE,
    "tests/test_clamp.py": (
        "from mathx import clamp\n\n"
        "def test_low():\n    assert clamp(-5, 0, 10) == 0\n\n"
        "def test_high():\n    assert clamp(50, 0, 10) == 10\n\n"
        "def test_inside():\n    assert clamp(5, 0, 10) == 5\n"
    ),
    "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
}


@pytest.fixture
def checker(make_repo):
    workspace = snapshot(make_repo(FILES))
    sandbox = LocalSandbox(workspace.path)
    runner = TestRunner(sandbox, "python -m pytest", timeout=60)
    baseline = runner.run()
    assert baseline.failing == {"tests/test_clamp.py::test_high"}
    fork = ForkChecker(runner, sorted(baseline.failing), {"mathx.py": SOURCE}, timeout=5)
    yield fork, workspace.path
    sandbox.close()
    workspace.cleanup()


@contextlib.contextmanager
def fork_checker(make_repo, files: dict[str, str], command: str = "python -m pytest",
                 timeout: float = 5) -> Iterator[ForkChecker]:
    """A fork checker (not calibrated yet) over a snapshot of ``files``, for the failing tests."""
    workspace = snapshot(make_repo(files))
    try:
        runner = TestRunner(LocalSandbox(workspace.path), command, timeout=60)
        yield ForkChecker(runner, sorted(runner.run().failing), {"mathx.py": SOURCE}, timeout=timeout)
    finally:
        workspace.cleanup()


def candidate(old: str, new: str) -> dict[str, str]:
    assert old in SOURCE
    return {"mathx.py": SOURCE.replace(old, new)}


def test_calibrates_on_the_unchanged_code(checker):
    fork, _ = checker
    assert fork.calibrate() is True


def test_answers_match_per_candidate_runs_and_files_are_restored(checker):
    fork, root = checker
    answers = fork.check([
        candidate("return low\n    return x", "return x\n    return x"),  # wrong
        candidate("x > high", "x >= high"),  # still wrong
        candidate("        return low\n    return x", "        return high\n    return x"),  # fix
        candidate("x < low", "x <= low"),  # never reached: the fix stops the batch
    ], budget=60)
    assert [a.passed for a in answers] == [frozenset(), frozenset(), frozenset({"tests/test_clamp.py::test_high"})]
    assert answers[-1].full_ok is True
    assert (root / "mathx.py").read_text() == SOURCE


def test_a_looping_candidate_is_killed_and_the_batch_goes_on(checker):
    fork, root = checker
    answers = fork.check([
        candidate("    return x\n", "    while True:\n        pass\n"),
        candidate("        return low\n    return x", "        return high\n    return x"),
    ], budget=60)
    assert [a.passed for a in answers] == [frozenset(), frozenset({"tests/test_clamp.py::test_high"})]
    assert (root / "mathx.py").read_text() == SOURCE


def test_a_crashing_candidate_counts_as_failing(checker):
    fork, _ = checker
    answers = fork.check([
        candidate("def clamp", "import os\nos._exit(3)\ndef clamp"),
        candidate("def clamp", "raise ImportError('boom')\ndef clamp"),
    ], budget=60)
    assert [a.passed for a in answers] == [frozenset(), frozenset()]


@pytest.mark.parametrize("command, expected", [
    ("python -m pytest -p xdist", (["python"], ["-p", "xdist"])),
    ("PYTHONPATH=src python3 -m pytest", (["PYTHONPATH=src", "python3"], [])),
    ("pytest -q", (["python3"], ["-q"])),
    ("make test", None),
])
def test_select_commands_it_understands(command, expected):
    assert _split_select_command(command) == expected


def test_not_used_when_calibration_disagrees(make_repo, tmp_path: Path):
    # The tests depend on state the forked children share with the server: the answers would be
    # wrong, and calibration must notice.
    files = dict(FILES)
    files["tests/conftest.py"] = (
        "import sys, pytest\n\n"
        "@pytest.fixture(autouse=True)\n"
        "def refuses_the_fork_server():\n"
        "    if sys.argv[0].endswith('swebot_forkserver.py'):\n"
        "        pytest.skip('refuses to run under the fork server')\n"
    )
    with fork_checker(make_repo, files) as fork:
        assert fork.calibrate() is False


def test_a_regressing_candidate_is_reported_and_the_batch_goes_on(checker):
    fork, _ = checker
    answers = fork.check([
        {"mathx.py": SOURCE.replace("return low", "return high")},  # fixes test_high, breaks test_low
        candidate("        return low\n    return x", "        return high\n    return x"),
    ], budget=60)
    assert [a.passed for a in answers] == [frozenset({"tests/test_clamp.py::test_high"})] * 2
    assert [a.full_ok for a in answers] == [False, True]


def test_modules_from_outside_the_project_are_imported_once_a_batch_and_the_project_fresh(
        make_repo, tmp_path: Path):
    # A slow third-party import (TensorFlow for keras) is paid by the server once per batch, not
    # by every candidate's child; the project's own modules still come fresh from each candidate.
    lib = tmp_path / "lib"
    lib.mkdir()
    imports = tmp_path / "imports.log"
    (lib / "slowlib.py").write_text(
        f"import time\nwith open({str(imports)!r}, 'a') as fh:\n    fh.write('imported\\n')\ntime.sleep(0.5)\n")
    files = dict(FILES)
    files["tests/test_clamp.py"] = "import slowlib\n" + FILES["tests/test_clamp.py"]
    with fork_checker(make_repo, files, f"PYTHONPATH={lib} python -m pytest", timeout=10) as fork:
        assert fork.calibrate() is True
        assert "slowlib" in fork.preload
        assert not {"mathx", "tests.test_clamp", "test_clamp", "conftest"} & set(fork.preload)
        # the project's module is compiled once by the server; each candidate's text afresh
        assert "mathx.py" in [Path(p).name for p in fork.precompile]
        # and the test module, which pytest rewrites, is rewritten by the server once a batch
        assert [Path(p).name for p in fork.rewritten] == ["test_clamp.py"]
        before = imports.read_text().count("imported")
        answers = fork.check([
            candidate("return low\n    return x", "return x\n    return x"),  # wrong
            candidate("x > high", "x >= high"),  # still wrong
            candidate("        return low\n    return x", "        return high\n    return x"),  # fix
        ], budget=60)
        assert [a.passed for a in answers] == [frozenset(), frozenset(), frozenset({"tests/test_clamp.py::test_high"})]
        assert imports.read_text().count("imported") - before == 1  # by the server, for the three


def test_no_preload_is_tried_when_the_tests_themselves_take_the_time(make_repo):
    # tornado-2's failing test waits out a timeout: a second calibration run would cost a whole
    # test run and save nothing
    files = dict(FILES)
    files["tests/test_clamp.py"] = "import time\n" + FILES["tests/test_clamp.py"].replace(
        "def test_high():\n", "def test_high():\n    time.sleep(1.5)\n")
    with fork_checker(make_repo, files, timeout=10) as fork:
        assert fork.calibrate() is True
        assert fork.preload == [] and fork.precompile == []
        answers = fork.check([candidate("        return low\n    return x", "        return high\n    return x")], budget=60)
        assert answers[0].passed == frozenset({"tests/test_clamp.py::test_high"})


PREPARED = """
import ast, inspect, json, sys
from pathlib import Path
sys.path.insert(0, {server_dir!r})
sys.path.insert(0, {tests!r})
import swebot_forkserver as server
from _pytest.assertion import rewrite

path = {path!r}
server._prepare_tests([path], {root!r})
import test_shapes
parses = []
original_parse = ast.parse
ast.parse = lambda *a, **k: parses.append(1) or original_parse(*a, **k)
lines = {{name: inspect.findsource(getattr(test_shapes, name))[1] for name in ("TestA", "Decorated")}}
lines["TestA.Inner"] = inspect.findsource(test_shapes.TestA.Inner)[1]
first = rewrite._rewrite_test(Path(path), None)
again = rewrite._rewrite_test(Path(path), None)
parsed = len(parses)
Path(path).write_text(Path(path).read_text() + "\\n# changed\\n")
changed = rewrite._rewrite_test(Path(path), None)
print(json.dumps({{"lines": lines, "parses": parsed, "same": first is again,
                  "changed_is_fresh": changed is not first,
                  "asserts_rewritten": "@pytest_ar" in first[1].co_names}}))
"""


def test_the_server_rewrites_test_modules_and_finds_their_classes_once_for_every_child(tmp_path: Path):
    # What pytest does to an unchanged test module in each child (assertion rewriting, and on
    # Python 3.9-3.12 a parse of the whole file per test class collected) is done once by the
    # server before the forks, with the same results; a changed file gets pytest's own treatment.
    import json
    import subprocess
    import sys

    import swebot.engines.quickcheck as quickcheck

    tests = tmp_path / "tests"
    tests.mkdir()
    module = tests / "test_shapes.py"
    module.write_text("import functools\n\n\nclass TestA:\n    class Inner:\n        pass\n\n"
                      "    def test_x(self):\n        assert 1 + 1 == 2\n\n\n"
                      "@functools.total_ordering\nclass Decorated:\n    def __lt__(self, other):\n        return True\n")
    script = PREPARED.format(server_dir=str(Path(quickcheck.__file__).parent.parent / "sandbox_files"),
                             tests=str(tests), path=str(module), root=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["lines"] == {"TestA": 3, "Decorated": 11, "TestA.Inner": 4}  # 0-based, as inspect's
    if (3, 9) <= sys.version_info[:2] <= (3, 12):
        assert result["parses"] == 0
    assert result["same"] and result["changed_is_fresh"] and result["asserts_rewritten"]


def test_the_server_leaves_pytest_alone_when_pytest_is_the_project_under_test(tmp_path: Path):
    # pytest's own repository: imported by the server, its unpatched modules would stand in every
    # child for the candidates' (pytest-8365 and -9359 then found no plausible patch)
    import subprocess
    import sys

    import swebot.engines.quickcheck as quickcheck

    (tmp_path / "src" / "_pytest").mkdir(parents=True)
    (tmp_path / "src" / "_pytest" / "__init__.py").write_text("raise RuntimeError('the project was imported')\n")
    server_dir = str(Path(quickcheck.__file__).parent.parent / "sandbox_files")
    script = (f"import sys; sys.path.insert(0, {server_dir!r}); sys.path.insert(0, {str(tmp_path / 'src')!r})\n"
              "import swebot_forkserver as server\n"
              f"server._prepare_tests([], {str(tmp_path)!r})\n"
              "print('_pytest' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
