"""Turn a baseline run that cannot be worked with into an error a user can act on."""

from __future__ import annotations

import re

from swebot.errors import BadInput, EnvironmentProblem
from swebot.types import TestReport

_NO_PYTEST = re.compile(r"No module named '?pytest'?\s*$", re.M)
_NOT_FOUND = re.compile(r"(?:command )?not found|Error 127|No such file or directory", re.I)
_CONFTEST = re.compile(r"ImportError while loading conftest '(?P<path>[^']+)'")
_SOURCE_LOCATION = re.compile(r'^E\s+File "(?P<path>[^"]+)", line (?P<line>\d+)', re.M)
_ERROR_LINE = re.compile(r"^(?:E\s+)?(?:ERROR: .+|\w*(?:Error|Exception)\b.*)$", re.M)

_OOM_NOTE = re.compile(r"^swebot: the sandbox's memory limit \((?P<limit>[^)]+)\) killed", re.M)

PYTEST_USAGE_ERROR = 4
PYTEST_INTERNAL_ERROR = 3
PYTEST_NO_TESTS = 5


def diagnose_baseline(report: TestReport, command: str, *, timeout: float | None = None) -> None:
    """Raise BadInput/EnvironmentProblem when the baseline run gives nothing to repair against.

    Checked, in order: the sandbox's memory limit killed it; the command hung; pytest is not installed; the command does not
    exist; a conftest.py does not import; pytest rejected its arguments; modules failed to
    import/collect and no test ran; no tests were collected; the command ran but no pytest
    results came back. Returns
    quietly otherwise, including when every test passed (the caller says "nothing to fix").
    Collection errors next to tests that did run are left to the caller: those tests
    still give a signal.
    """
    tail = report.output_tail
    if report.oom_killed:
        # Before anything else: a killed run may still have left some results, or none at all,
        # and either reading (failing tests, "no pytest results") would blame the wrong thing.
        note = _OOM_NOTE.search(tail)
        limit = f" ({note['limit']})" if note else ""
        raise EnvironmentProblem(
            f"the sandbox's memory limit{limit} killed the test command `{command}` (out of memory)",
            hint="raise the container's memory limit with SWEBOT_SANDBOX_MEMORY (default 2g), "
            "e.g. `SWEBOT_SANDBOX_MEMORY=8g swebot fix ...`, or point the command at tests that need less",
        )
    if report.timed_out:
        seconds = timeout if timeout is not None else report.duration
        raise BadInput(
            f"the test command `{command}` did not finish within the {seconds:.0f}s test timeout",
            hint="a test may hang: raise the test timeout, or point the command at fewer tests",
        )
    if report.cases:
        return
    if _NO_PYTEST.search(tail):
        raise EnvironmentProblem(
            "pytest is not installed for the interpreter that runs the tests",
            hint="install pytest in the project's environment (pip install pytest)",
        )
    if report.exit_code == 127:
        raise _not_found(command, tail)
    conftest = _CONFTEST.search(tail)
    if conftest:
        source = _SOURCE_LOCATION.search(tail)
        where = f" (error in {source['path']}, line {source['line']})" if source else ""
        raise BadInput(
            f"pytest could not load {conftest['path']}{where}" + _excerpt(tail),
            hint="fix the import or syntax error first: no test can run while a conftest.py fails",
        )
    if report.exit_code == PYTEST_USAGE_ERROR:
        raise BadInput(
            f"pytest rejected the test command `{command}`" + _excerpt(tail),
            hint="check the test paths and options in the command (and the directory it runs in)",
        )
    if report.collection_errors:
        files = ", ".join(report.collection_errors)
        # The module that fails to import is often not the test module pytest names.
        source = _SOURCE_LOCATION.search(tail)
        where = f" (error in {source['path']}, line {source['line']})" if source else ""
        raise BadInput(
            f"pytest could not import/collect {files}{where}" + _excerpt(tail),
            hint="fix the import or syntax error first: no test can run while collection fails",
        )
    if report.exit_code == PYTEST_NO_TESTS:
        raise BadInput(
            f"the test command `{command}` collected no tests",
            hint="check the directory the command runs in and pytest's testpaths/python_files settings",
        )
    if report.exit_code != 0 and _NOT_FOUND.search(tail):  # e.g. make's "Error 127"
        raise _not_found(command, tail)
    if report.exit_code == PYTEST_INTERNAL_ERROR:
        raise EnvironmentProblem(
            f"pytest failed internally running `{command}`" + _excerpt(tail),
            hint="a pytest plugin or conftest.py may be broken in this environment",
        )
    raise BadInput(
        f"the test command `{command}` exited with status {report.exit_code} and reported no "
        "pytest results" + _excerpt(tail),
        hint="swebot reads pytest's JUnit XML through PYTEST_ADDOPTS: the command must run pytest "
        "and pass that variable through (tox needs `passenv = PYTEST_ADDOPTS`)",
    )


def _not_found(command: str, tail: str) -> BadInput:
    program = command.split()[0] if command.split() else command
    return BadInput(
        f"the test command was not found: `{command}`" + _excerpt(tail),
        hint=f"check that `{program}` exists in the sandbox and the test command's directory is right"
        + ("; is pytest installed?" if "pytest" in program else ""),
    )


def _excerpt(tail: str, lines: int = 8) -> str:
    """The error lines of the output if any, else its last lines, as a message suffix."""
    errors = [m.group(0).strip() for m in _ERROR_LINE.finditer(tail)]
    chosen = errors[-3:] if errors else [line for line in tail.splitlines() if line.strip()][-lines:]
    return (":\n    " + "\n    ".join(chosen)) if chosen else ""
