"""How to run and read the tests of one SWE-bench instance.

When the instance names a (repository, version) the SWE-bench harness has a spec for and the
``swebench`` package is installed, the harness decides everything (``HarnessLogSpec``): its test
command with the test_patch's files as directives, run after the spec's eval_commands, its log
parser, and (in ``evaluate``) its grading. Otherwise swebot reads the tests itself, by repository:
most repositories name their tests by pytest node id and run under pytest (``TestRunner``). Two
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
from typing import ClassVar, Protocol

from swebot.batch import harness
from swebot.batch.dataset import Instance
from swebot.diffs import patch_files
from swebot.testing.logs import (ParsedLog, django_key, django_test_module, parse_django_log, parse_sympy_log,
                                   sympy_key)
from swebot.errors import BadInput
from swebot.testing.command import DEFAULT_TEST_COMMAND
from swebot.testing.frames import tail_lines
from swebot.testing.selection import NO_RESULT
from swebot.types import Sandbox, TestCase, TestReport

PYTEST_COMMAND = DEFAULT_TEST_COMMAND
OUTPUT_TAIL_LINES = 40


class UnsupportedTests(BadInput):
    """The instance's test ids are in a format no spec can run."""


class TestSpec(Protocol):
    __test__: ClassVar[bool] = False  # not a pytest test class, despite the name

    @property
    def name(self) -> str: ...

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport: ...


@dataclass(frozen=True)
class PytestSpec:
    """The default: pytest selects the node ids and reports through JUnit XML."""

    __test__: ClassVar[bool] = False
    command: str = PYTEST_COMMAND
    name: str = "pytest"

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport:
        from swebot.testing import TestRunner

        return TestRunner(sandbox, self.command, cwd=".", timeout=timeout).run(select=list(ids))


@dataclass(frozen=True)
class LogSpec:
    """A runner whose verbose log names each test: run ``command``, parse, answer per id."""

    __test__: ClassVar[bool] = False
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


_HARNESS_OUTCOMES: dict[str, tuple[str, str]] = {
    "PASSED": ("passed", ""),
    "XFAIL": ("passed", "expected failure (the harness counts it as passing)"),
    "SKIPPED": ("skipped", ""),
    "FAILED": ("failed", ""),
    "ERROR": ("error", ""),
}


@dataclass(frozen=True)
class HarnessLogSpec:
    """The SWE-bench harness's way: its eval commands and test command, its log parser."""

    __test__: ClassVar[bool] = False
    instance: Instance
    command: str
    name: str = "swebench"

    def run(self, sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport:
        return self.run_with_status(sandbox, ids, timeout)[0]

    def run_with_status(self, sandbox: Sandbox, ids: Sequence[str],
                        timeout: float) -> tuple[TestReport, harness.StatusMap]:
        """The per-id report, and the harness's status map (what its grading reads)."""
        parse = harness.harness_parser(self.instance.repo, self.instance.log_parser)
        if parse is None:
            raise UnsupportedTests(f"{self.instance.instance_id}: the swebench package has no log parser for "
                                   f"{self.instance.repo}")
        result = sandbox.execute(f"{{ {self.command}\n}} 2>&1", timeout=timeout, cwd=".",
                                 env={"PYTHONDONTWRITEBYTECODE": "1"})
        log = result.stdout + ("\n" if result.stdout and result.stderr else "") + result.stderr
        status = parse(log, self.instance)
        if self.instance.repo == "django/django":
            status = _with_old_django_spellings(status)
        status = _filled_from_own_reader(status, self.instance, ids, log)
        cases = []
        for test_id in dict.fromkeys(ids):
            found = harness.status_of(status, test_id)
            if found is None:
                cases.append(TestCase(nodeid=test_id, outcome="error", message=NO_RESULT))
            else:
                outcome, message = _HARNESS_OUTCOMES.get(found, ("error", found))
                cases.append(TestCase(nodeid=test_id, outcome=outcome, message=message))  # type: ignore[arg-type]  # outcome is one of TestOutcome (mapped above)
        report = TestReport(cases=tuple(cases), exit_code=result.exit_code, timed_out=result.timed_out,
                            duration=result.duration, output_tail=tail_lines(log, OUTPUT_TAIL_LINES))
        return report, status


def _with_old_django_spellings(status: harness.StatusMap) -> harness.StatusMap:
    """Python 3.11+ prints ``test_x (app.tests.Class.test_x)`` where SWE-bench's ids (recorded on
    older Pythons) say ``test_x (app.tests.Class)``; the harness's parser keeps the printed form.
    Both spellings are kept, so a newer interpreter than the harness's grades the same."""
    aliases = {django_key(name): outcome for name, outcome in status.items() if django_key(name) not in status}
    return {**status, **aliases}


_OWN_READERS: dict[str, tuple[Callable[[str], ParsedLog], Callable[[str], str]]] = {
    "django/django": (parse_django_log, django_key),
    "sympy/sympy": (parse_sympy_log, sympy_key),
}
_AS_HARNESS_STATUS = {"passed": "PASSED", "failed": "FAILED", "error": "ERROR", "skipped": "SKIPPED"}


def _filled_from_own_reader(status: harness.StatusMap, instance: Instance, ids: Sequence[str],
                            log: str) -> harness.StatusMap:
    """Where the harness's parser has nothing on an id, swebot's own reader of that runner may:
    SymPy's last test of a file shares its line with the file's ``[OK]``, and a test that prints
    output has its status on a later line; the harness's parser reads neither."""
    reader = _OWN_READERS.get(instance.repo)
    missing = [t for t in ids if harness.status_of(status, t) is None]
    if reader is None or not missing:
        return status
    parse, key = reader
    own = parse(log).cases
    filled = dict(status)
    for test_id in missing:
        case = own.get(key(test_id))
        if case is not None:
            filled[test_id] = _AS_HARNESS_STATUS[case.outcome]
    return filled


def harness_spec(instance: Instance, setup: bool = False) -> HarnessLogSpec | None:
    """The harness's spec when it can decide (package installed, (repo, version) known), else None.
    ``setup``: the sandbox is an image of the instance's environment, where the harness's install
    steps must run on the fresh tree first (never on the host, where they would install into it)."""
    if not instance.version or not harness.harness_available():
        return None
    try:
        spec = harness.instance_spec(instance)
    except harness.MissingSpec:
        return None
    if harness.harness_parser(instance.repo, instance.log_parser) is None:
        return None
    return HarnessLogSpec(instance, harness.eval_script(instance, spec, setup=setup))


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
    return match is not None and (int(match[1]), int(match[2])) < (1, 9)


def django_spec(instance: Instance, setup: bool = False) -> LogSpec:
    labels = django_labels(instance.test_patch) or _django_modules_of(
        [*instance.FAIL_TO_PASS, *instance.PASS_TO_PASS])
    if not labels:
        raise UnsupportedTests(f"{instance.instance_id}: cannot tell which Django test modules to run: the "
                               "test_patch touches no tests/*.py file and the test ids name no module")
    recorded = _recorded_command(instance, setup)
    if recorded:
        return LogSpec("django", recorded, parse_django_log, django_key)
    options = "--verbosity 2" if _django_predates_parallel(instance.version) else \
        "--verbosity 2 --settings=test_sqlite --parallel 1"
    return LogSpec("django", f"python tests/runtests.py {options} {shlex.join(labels)}",
                   parse_django_log, django_key)


def _recorded_command(instance: Instance, setup: bool = False) -> str:
    """The harness's eval commands and test command when it has a spec for the instance, else ""."""
    try:
        return harness.eval_script(instance, setup=setup)
    except harness.MissingSpec:
        return ""


def sympy_test_files(test_patch: str) -> tuple[str, ...]:
    return tuple(p for p in sorted(patch_files(test_patch)) if p.endswith(".py"))


def sympy_spec(instance: Instance, setup: bool = False) -> LogSpec:
    files = sympy_test_files(instance.test_patch)
    if not files:
        raise UnsupportedTests(f"{instance.instance_id}: cannot tell which SymPy test files to run: the "
                               "test_patch touches no .py file")
    recorded = _recorded_command(instance, setup)
    if recorded:  # the harness's command sets PYTHONWARNINGS itself
        return LogSpec("sympy", recorded, parse_sympy_log, sympy_key)
    return LogSpec("sympy", f"python bin/test -C --verbose {shlex.join(files)}", parse_sympy_log, sympy_key,
                   # the harness's setting: warnings printed mid-line would split a test's status line
                   env={"PYTHONWARNINGS": "ignore::UserWarning,ignore::SyntaxWarning"})


SPECS_BY_REPO: dict[str, Callable[[Instance, bool], LogSpec]] = {
    "django/django": django_spec,
    "sympy/sympy": sympy_spec,
}


def looks_like_pytest_id(test_id: str) -> bool:
    """A node id pytest can select: a path, optionally with ``::`` parts. A Django-style
    ``name (module.Class)`` or a bare function name is not one."""
    path = test_id.partition("::")[0]
    return " (" not in path and ("::" in test_id or "/" in path or path.endswith(".py"))


def log_fragment(test_id: str) -> bool:
    """A "test id" of SWE-bench's lists that is a piece of pytest's progress output, no test:
    pytest-5227's PASS_TO_PASS holds ``[``, ``[100%]`` and ``[100%]------------------------------``."""
    return test_id.startswith("[")


def spec_for(instance: Instance, pytest_command: str = PYTEST_COMMAND, *, use_harness: bool = True,
             setup: bool = False) -> TestSpec:
    """The harness's spec when it can decide (see ``harness_spec``); else the spec for
    ``instance``'s repository: pytest (with ``pytest_command``) unless it is one of
    ``SPECS_BY_REPO``. Raises ``UnsupportedTests`` rather than let pytest silently select nothing."""
    if use_harness:
        decided = harness_spec(instance, setup)
        if decided is not None:
            return decided
    known = SPECS_BY_REPO.get(instance.repo.lower())
    if known is not None:
        return known(instance, setup)
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

