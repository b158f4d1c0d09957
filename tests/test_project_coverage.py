"""Projects that run their own coverage (pytest-cov, ``--cov`` in addopts): swebot switches it
off in its runs, so per-test coverage, the fork server and whole runs keep working and no
``.coverage`` file or phantom test appears. pytest-cov comes with the ``test`` extra."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from swebot.engines.quickcheck import ForkChecker
from swebot.sandbox import LocalSandbox
from swebot.testing import TestRunner
from tests.conftest import write_files

# The repro of issue 15, as a user hits it.
COVERED = {
    "setup.cfg": "[tool:pytest]\naddopts = --cov=mod --cov-fail-under=100\n",
    "mod.py": "def add(a, b):\n    return a - b\n",
    "test_mod.py": "from mod import add\n\ndef test_add():\n    assert add(2, 3) == 5\n",
}
FIXED_MOD = "def add(a, b):\n    return a + b\n"
# The interpreter running these tests: the one with pytest-cov installed.
PYTEST = f"{shlex.quote(sys.executable)} -m pytest"
COMMAND = f"{PYTEST} -q test_mod.py"


def covered(tmp_path: Path) -> LocalSandbox:
    write_files(tmp_path, COVERED)
    return LocalSandbox(tmp_path)


def test_baseline_coverage_works_beside_pytest_cov_and_names_only_real_tests(tmp_path: Path) -> None:
    sandbox = covered(tmp_path)
    report, coverage = TestRunner(sandbox, COMMAND).run_with_coverage()
    assert report.failing == {"test_mod.py::test_add"}
    assert report.exit_code == 1  # a test failed; pytest did not crash (3)
    assert coverage["test_mod.py::test_add"]["mod.py"] == frozenset({2})
    assert not (tmp_path / ".coverage").exists()


def test_whole_and_selected_runs_pass_once_fixed_despite_the_projects_coverage_settings(tmp_path: Path) -> None:
    sandbox = covered(tmp_path)
    (tmp_path / "mod.py").write_text(FIXED_MOD)
    runner = TestRunner(sandbox, COMMAND)
    whole = runner.run()
    # --cov-fail-under=100 would fail a run that measured only part of the code: it is off.
    assert whole.all_passed, whole.output_tail
    assert runner.run(["test_mod.py::test_add"]).all_passed
    assert not (tmp_path / ".coverage").exists()


def test_fork_server_checks_candidates_with_pytest_cov_configured(tmp_path: Path) -> None:
    sandbox = covered(tmp_path)
    runner = TestRunner(sandbox, COMMAND)
    runner.run()
    checker = ForkChecker(runner, ["test_mod.py::test_add"], {"mod.py": COVERED["mod.py"]}, 30.0)
    assert checker.calibrate()
    answers = checker.check([{"mod.py": "def add(a, b):\n    return a * b\n"}, {"mod.py": FIXED_MOD}], budget=60)
    assert [a.passed for a in answers] == [frozenset(), frozenset({"test_mod.py::test_add"})]
    assert answers[1].full_ok is True
    assert not (tmp_path / ".coverage").exists()


def test_projects_without_pytest_cov_are_unaffected(tmp_path: Path) -> None:
    # `-p no:cov` stands in for an environment without pytest-cov: its options do not exist.
    write_files(tmp_path, {k: v for k, v in COVERED.items() if k != "setup.cfg"})
    runner = TestRunner(LocalSandbox(tmp_path), f"{PYTEST} -p no:cov -q test_mod.py")
    report, coverage = runner.run_with_coverage()
    assert report.failing == {"test_mod.py::test_add"} and report.exit_code == 1
    assert coverage["test_mod.py::test_add"]["mod.py"] == frozenset({2})
    assert runner.run(["test_mod.py::test_add"]).failing == {"test_mod.py::test_add"}


def test_fix_repairs_a_project_that_configures_pytest_cov(make_repo, swebot_cli, tmp_path: Path) -> None:
    repo = make_repo(COVERED)
    result = swebot_cli("fix", str(repo), "--sandbox", "local", "--engine", "builtin", "--json",
                        "--test", COMMAND, "--output", str(tmp_path / "run"))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "fixed"
    assert report["failing_before"] == ["test_mod.py::test_add"]
    assert report["files_changed"] == ["mod.py"]
    assert "+    return a + b" in report["patch"]
