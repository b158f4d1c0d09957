"""diagnose_baseline: baseline runs that give nothing to repair become clear user errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from swebot.errors import BadInput, EnvironmentProblem
from swebot.sandbox import LocalSandbox
from swebot.testing import TestRunner, diagnose_baseline
from swebot.types import TestCase as Case
from swebot.types import TestReport as Report


def baseline(tmp_path: Path, command: str, files: dict[str, str]) -> Report:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return TestRunner(LocalSandbox(tmp_path), command, timeout=120).run()


ONE_TEST = {"tests/test_a.py": "def test_a():\n    assert False\n"}


def test_command_not_found_is_bad_input(tmp_path: Path) -> None:
    report = baseline(tmp_path, "no-such-test-tool --all", ONE_TEST)
    with pytest.raises(BadInput) as caught:
        diagnose_baseline(report, "no-such-test-tool --all")
    assert "not found" in caught.value.message and "no-such-test-tool" in caught.value.message
    assert caught.value.hint


def test_pytest_missing_is_an_environment_problem(tmp_path: Path) -> None:
    # -S: no site-packages, so this interpreter has no pytest.
    report = baseline(tmp_path, "python3 -S -m pytest", ONE_TEST)
    with pytest.raises(EnvironmentProblem) as caught:
        diagnose_baseline(report, "python3 -S -m pytest")
    assert "pytest is not installed" in caught.value.message
    assert not isinstance(caught.value, BadInput)


def test_no_tests_collected_is_bad_input(tmp_path: Path) -> None:
    report = baseline(tmp_path, "python -m pytest", {"src/app.py": "X = 1\n"})
    with pytest.raises(BadInput, match="collected no tests"):
        diagnose_baseline(report, "python -m pytest")


def test_syntax_error_in_the_repository_names_the_file(tmp_path: Path) -> None:
    files = {
        "app.py": "def f(:\n    pass\n",
        "tests/test_app.py": "import app\n\ndef test_f():\n    pass\n",
        "pytest.ini": "[pytest]\npythonpath = .\n",
    }
    report = baseline(tmp_path, "python -m pytest", files)
    with pytest.raises(BadInput) as caught:
        diagnose_baseline(report, "python -m pytest")
    assert "tests/test_app.py" in caught.value.message
    assert "SyntaxError" in caught.value.message
    assert "app.py, line 1" in caught.value.message


def test_broken_conftest_names_the_file(tmp_path: Path) -> None:
    report = baseline(tmp_path, "python -m pytest", {"tests/conftest.py": "def f(:\n", **ONE_TEST})
    with pytest.raises(BadInput) as caught:
        diagnose_baseline(report, "python -m pytest")
    assert "tests/conftest.py" in caught.value.message and "SyntaxError" in caught.value.message


def test_test_path_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    report = baseline(tmp_path, "python -m pytest tests/nope", ONE_TEST)
    with pytest.raises(BadInput, match="rejected"):
        diagnose_baseline(report, "python -m pytest tests/nope")


def test_hung_command_names_the_timeout() -> None:
    report = Report(cases=(), exit_code=-9, timed_out=True, duration=30.2)
    with pytest.raises(BadInput, match="within the 30s test timeout"):
        diagnose_baseline(report, "pytest")
    with pytest.raises(BadInput, match="within the 45s test timeout"):
        diagnose_baseline(report, "pytest", timeout=45)


def test_failing_or_passing_tests_are_not_raised() -> None:
    failing = Report(cases=(Case("t.py::a", "failed"),), exit_code=1)
    passing = Report(cases=(Case("t.py::a", "passed"),), exit_code=0)
    assert diagnose_baseline(failing, "pytest") is None
    assert diagnose_baseline(passing, "pytest") is None


def test_a_command_that_runs_no_pytest_is_bad_input() -> None:
    report = Report(cases=(), exit_code=0, output_tail="all good")
    with pytest.raises(BadInput, match="no pytest results"):
        diagnose_baseline(report, "echo all good")
    crashed = Report(cases=(), exit_code=3, output_tail="INTERNALERROR> boom")
    with pytest.raises(EnvironmentProblem, match="internally"):
        diagnose_baseline(crashed, "pytest")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_reporting_a_missing_program_is_command_not_found(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("test:\n\tno-such-test-tool-xyz\n")
    report = TestRunner(LocalSandbox(tmp_path), "make test").run()
    assert report.exit_code == 2  # make's own status, not 127
    with pytest.raises(BadInput, match="not found"):
        diagnose_baseline(report, "make test")
