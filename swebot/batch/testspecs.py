"""How to run and read the tests of one SWE-bench instance, chosen by its repository.

Most repositories name their tests by pytest node id and run under pytest (``TestRunner``). Two
large ones do not: Django (``tests/runtests.py``, ids like ``test_x (app.tests.Class)``) and SymPy
(``bin/test``, bare function names). For those the command is the SWE-bench harness's: its test
labels come from the files the instance's ``test_patch`` touches, and the verbose log is parsed
into per-id cases. Every spec answers with a ``TestReport`` whose cases carry the dataset's ids,
and an id the log never mentions is an ``error`` case with the ``NO_RESULT`` message.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from swebot.batch.dataset import Instance
from swebot.batch.patches import patch_files
from swebot.batch.testlogs import (ParsedLog, django_key, django_test_module, parse_django_log, parse_sympy_log,
                                   sympy_key)
from swebot.errors import BadInput
from swebot.testing.frames import tail_lines
from swebot.testing.selection import NO_RESULT
from swebot.types import Sandbox, TestCase, TestReport

PYTEST_COMMAND = "python -m pytest"
OUTPUT_TAIL_LINES = 40


class UnsupportedTests(BadInput):
    """The instance's test ids are in a format no spec can run."""


class TestSpec(Protocol):
    __test__ = False
    name: str

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport: ...


@dataclass(frozen=True)
class PytestSpec:
    """The default: pytest selects the node ids and reports through JUnit XML."""

    __test__ = False
    command: str = PYTEST_COMMAND
    name: str = "pytest"

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport:
        from swebot.testing import TestRunner

        return TestRunner(sandbox, self.command, cwd=".", timeout=timeout).run(select=list(ids))


@dataclass(frozen=True)
class LogSpec:
    """A runner whose verbose log names each test: run ``command``, parse, answer per id."""

    __test__ = False
    name: str
    command: str
    parse: Callable[[str], ParsedLog]
    key: Callable[[str], str]  # the spelling under which ``parse`` files an id
    env: Mapping[str, str] = field(default_factory=dict)

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return TestReport(cases=(), exit_code=0)
        # One stream, in order: unittest writes its verbose lines to stderr, tests print to stdout.
        result = sandbox.execute(f"{self.command} 2>&1", timeout=timeout, cwd=".",
                                 env={"PYTHONDONTWRITEBYTECODE": "1", **self.env})
        log = result.stdout + ("\n" if result.stdout and result.stderr else "") + result.stderr
        parsed = self.parse(log)
        return TestReport(
            cases=tuple(self._case(parsed, test_id) for test_id in wanted),
            exit_code=result.exit_code,
            timed_out=result.timed_out,
            duration=result.duration,
            output_tail=tail_lines(log, OUTPUT_TAIL_LINES),
            collection_errors=parsed.collection_errors,
        )

    def _case(self, parsed: ParsedLog, test_id: str) -> TestCase:
        case = parsed.cases.get(self.key(test_id))
        if case is None:
            return TestCase(nodeid=test_id, outcome="error", message=NO_RESULT)
        return replace(case, nodeid=test_id)


def django_labels(test_patch: str) -> tuple[str, ...]:
    """runtests.py labels for the Python files under ``tests/`` the patch touches
    (``tests/admin_views/tests.py`` -> ``admin_views.tests``), as the SWE-bench harness passes them.

    A package's ``__init__.py`` gives no label: as a package label runtests.py would run every test
    of the app, far more than the instance's ids.
    """
    labels: list[str] = []
    for path in sorted(patch_files(test_patch)):
        if not path.startswith("tests/") or not path.endswith(".py") or path == "tests/runtests.py":
            continue
        if posixpath.basename(path) == "__init__.py":
            continue
        labels.append(path[len("tests/"):-len(".py")].replace("/", "."))
    return tuple(labels)


def _django_modules_of(ids: Sequence[str]) -> tuple[str, ...]:
    """Fallback labels when the test_patch names no test module: each id's module."""
    return tuple(dict.fromkeys(m for m in map(django_test_module, ids) if m))


def _django_predates_parallel(version: str) -> bool:
    """runtests.py learned --parallel in Django 1.9; the harness runs older ones without it."""
    match = re.match(r"(\d+)\.(\d+)", version)
    return bool(match) and (int(match[1]), int(match[2])) < (1, 9)


def django_spec(instance: Instance) -> LogSpec:
    labels = django_labels(instance.test_patch) or _django_modules_of(
        [*instance.FAIL_TO_PASS, *instance.PASS_TO_PASS])
    if not labels:
        raise UnsupportedTests(f"{instance.instance_id}: cannot tell which Django test modules to run: the "
                               "test_patch touches no tests/*.py file and the test ids name no module")
    options = "--verbosity 2" if _django_predates_parallel(instance.version) else \
        "--verbosity 2 --settings=test_sqlite --parallel 1"
    return LogSpec("django", f"python tests/runtests.py {options} {shlex.join(labels)}",
                   parse_django_log, django_key)


def sympy_test_files(test_patch: str) -> tuple[str, ...]:
    return tuple(p for p in sorted(patch_files(test_patch)) if p.endswith(".py"))


def sympy_spec(instance: Instance) -> LogSpec:
    files = sympy_test_files(instance.test_patch)
    if not files:
        raise UnsupportedTests(f"{instance.instance_id}: cannot tell which SymPy test files to run: the "
                               "test_patch touches no .py file")
    return LogSpec("sympy", f"python bin/test -C --verbose {shlex.join(files)}", parse_sympy_log, sympy_key,
                   # the harness's setting: warnings printed mid-line would split a test's status line
                   env={"PYTHONWARNINGS": "ignore::UserWarning,ignore::SyntaxWarning"})


SPECS_BY_REPO: dict[str, Callable[[Instance], LogSpec]] = {
    "django/django": django_spec,
    "sympy/sympy": sympy_spec,
}


def looks_like_pytest_id(test_id: str) -> bool:
    """A node id pytest can select: a path, optionally with ``::`` parts. A Django-style
    ``name (module.Class)`` or a bare function name is not one."""
    path = test_id.partition("::")[0]
    return " (" not in path and ("::" in test_id or "/" in path or path.endswith(".py"))


def spec_for(instance: Instance, pytest_command: str = PYTEST_COMMAND) -> TestSpec:
    """The spec for ``instance``'s repository; pytest (with ``pytest_command``) unless it is one
    of ``SPECS_BY_REPO``. Raises ``UnsupportedTests`` rather than let pytest silently select nothing."""
    known = SPECS_BY_REPO.get(instance.repo.lower())
    if known is not None:
        return known(instance)
    foreign = [t for t in (*instance.FAIL_TO_PASS, *instance.PASS_TO_PASS) if not looks_like_pytest_id(t)]
    if foreign:
        raise UnsupportedTests(
            f"{instance.instance_id}: test ids like {foreign[0]!r} are not pytest node ids, and swebot knows "
            f"no other test runner for {instance.repo} (it reads pytest, Django's runtests.py and SymPy's "
            "bin/test)")
    return PytestSpec(pytest_command)


def unreported(report: TestReport, ids: Sequence[str]) -> tuple[str, ...]:
    """The ids the run gave no result for (never mentioned in its log or JUnit XML)."""
    return tuple(t for t in ids if (case := report.case(t)) is None or case.message == NO_RESULT)

