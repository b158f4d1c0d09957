"""One run of a test command whose verbose log names each test (see ``readers``).

Selected ids narrow the command when its runner can select them; otherwise the whole command
runs and the report answers for the ids alone. An id the log never mentions is an ``error`` case
with the ``NO_RESULT`` message, as in pytest runs.

Per-test coverage comes from coverage.py itself, started in every Python process of the run by a
``sitecustomize`` on PYTHONPATH (``COVERAGE_PROCESS_START``; SymPy's bin/test re-executes itself
for hash randomization, and coverage 7 may start itself from its own ``.pth``), with a dynamic
context plugin: each line is filed under the test function running when it executed, which the
reader turns back into a test id. coverage.py's own ``test_function`` contexts open at the
outermost function named test*, and SymPy's runner drives every test from one named ``test``
(``sympy/utilities/runtests.py``), which then claimed every line: the plugin opens a context only
at a test function defined in a test file.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import replace

from swebot.errors import EnvironmentProblem
from swebot.testing.command import with_pythonpath
from swebot.testing.frames import tail_lines
from swebot.testing.readers import LogReader, narrowed_command
from swebot.testing.selection import NO_RESULT
from swebot.types import Sandbox, TestCase, TestReport

CoverageMap = dict[str, dict[str, frozenset[int]]]
"""Per-test line coverage: node id -> repository-relative path -> covered line numbers."""
OUTPUT_TAIL_LINES = 40
STARTUP_DIR = ".swebot/logcov"  # holds the sitecustomize that starts coverage in each process

SITECUSTOMIZE = b'''\
# Written by swebot: starts coverage.py in every Python process of a test run.
import os
import sys

if os.environ.get("COVERAGE_PROCESS_START"):
    try:
        import coverage
    except ImportError as exc:
        with open(os.environ["SWEBOT_COVERAGE_ERROR"], "w") as fh:
            fh.write("coverage.py is not installed for %s: %s" % (sys.executable, exc))
    else:
        with open(os.environ["SWEBOT_COVERAGE_PYTHON"], "w") as fh:
            fh.write(sys.executable)
        coverage.process_startup()
'''
CONTEXT_PLUGIN = "swebot_test_contexts"
CONTEXT_PLUGIN_SOURCE = b'''\
# Written by swebot: coverage.py dynamic contexts, one per test function defined in a test file.
import os

from coverage import CoveragePlugin
from coverage.context import qualname_from_frame


def _in_test_file(path):
    path = path.replace(os.sep, "/")
    name = path.rsplit("/", 1)[-1]
    return name.startswith("test") or name.endswith("_test.py") or "/tests/" in path


class TestFunctionContexts(CoveragePlugin):
    def dynamic_context(self, frame):
        code = frame.f_code
        if (code.co_name.startswith("test") or code.co_name == "runTest") and _in_test_file(code.co_filename):
            return qualname_from_frame(frame)
        return None


def coverage_init(reg, options):
    reg.add_dynamic_context(TestFunctionContexts())
'''


def run_log(sandbox: Sandbox, reader: LogReader, command: str, ids: Sequence[str] | None, *, cwd: str,
            timeout: float, coverage: bool, stem: str) -> tuple[TestReport, CoverageMap | None]:
    wanted = None if ids is None else list(dict.fromkeys(ids))
    run = command if wanted is None else (narrowed_command(reader, command, wanted) or command)
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    root = sandbox.root
    if coverage:
        sandbox.write_file(f"{STARTUP_DIR}/sitecustomize.py", SITECUSTOMIZE)
        sandbox.write_file(f"{STARTUP_DIR}/{CONTEXT_PLUGIN}.py", CONTEXT_PLUGIN_SOURCE)
        sandbox.write_file(f"{stem}.coveragerc", _rcfile(root, stem).encode())
        env.update(COVERAGE_PROCESS_START=f"{root}/{stem}.coveragerc", SWEBOT_COVERAGE_ERROR=f"{root}/{stem}.coverr",
                   SWEBOT_COVERAGE_PYTHON=f"{root}/{stem}.python")
        run = with_pythonpath(run, posixpath.join(root, STARTUP_DIR))
    # One stream, in order: unittest writes its verbose lines to stderr, tests print to stdout.
    result = sandbox.execute(f"{{ {run}\n}} 2>&1", timeout=timeout, cwd=cwd, env=env)
    log = result.stdout + ("\n" if result.stdout and result.stderr else "") + result.stderr
    parsed = reader.parse(log)
    if wanted is None:
        cases = list(parsed.cases.values())
    else:
        cases = [_case(parsed.cases, reader, test_id) for test_id in wanted]
    report = TestReport(cases=tuple(cases), exit_code=result.exit_code, timed_out=result.timed_out,
                        duration=result.duration, output_tail=tail_lines(log, OUTPUT_TAIL_LINES),
                        collection_errors=parsed.collection_errors, oom_killed=result.oom_killed)
    if not coverage:
        return report, None
    per_key = _coverage(sandbox, reader, stem, cwd)
    # Filed under the ids asked for, however the runner spelled them.
    named = {reader.key(i): i for i in wanted or ()}
    return report, {named.get(key, key): lines for key, lines in per_key.items()}


def _case(cases: dict[str, TestCase], reader: LogReader, test_id: str) -> TestCase:
    case = cases.get(reader.key(test_id))
    if case is None:
        return TestCase(nodeid=test_id, outcome="error", message=NO_RESULT)
    return replace(case, nodeid=test_id)


def _rcfile(root: str, stem: str) -> str:
    return "\n".join([
        "[run]",
        f"plugins = {CONTEXT_PLUGIN}",
        "parallel = True",
        f"data_file = {root}/{stem}.coverage",
        f"source = {root}",
        f"omit = {root}/.swebot/*",
        "",
    ])


def _read(sandbox: Sandbox, path: str) -> bytes | None:
    try:
        return sandbox.read_file(path)
    except OSError:
        return None


def _coverage(sandbox: Sandbox, reader: LogReader, stem: str, cwd: str) -> CoverageMap:
    """The run's coverage per test key ({} when no process recorded any)."""
    error = _read(sandbox, f"{stem}.coverr")
    python = _read(sandbox, f"{stem}.python")
    if python is None:
        if error:
            raise EnvironmentProblem(f"cannot record per-test coverage: {error.decode(errors='replace')}",
                                     hint="install coverage (pip install coverage) in the environment that runs "
                                          "the tests")
        return {}  # no Python process started (the command failed first)
    root = sandbox.root
    rc, out = f"{root}/{stem}.coveragerc", f"{root}/{stem}.json"
    interpreter = shlex.quote(python.decode().strip())
    combined = sandbox.execute(
        f"{interpreter} -m coverage combine -q --rcfile={shlex.quote(rc)} && "
        f"{interpreter} -m coverage json -q --show-contexts --rcfile={shlex.quote(rc)} -o {shlex.quote(out)}",
        timeout=600, cwd=cwd, env={"PYTHONPATH": posixpath.join(root, STARTUP_DIR)})  # the rcfile names the plugin
    data = _read(sandbox, f"{stem}.json")
    if combined.exit_code != 0 or not data:
        return {}
    try:
        files = json.loads(data).get("files", {})
    except ValueError:
        return {}
    found: dict[str, dict[str, set[int]]] = {}
    for path, entry in files.items():
        absolute = path if posixpath.isabs(path) else posixpath.join(root, cwd, path)
        relative = posixpath.relpath(absolute, root)
        if relative.startswith("../"):
            continue
        for line, contexts in (entry.get("contexts") or {}).items():
            for context in contexts:
                key = reader.context_key(context) if context else None
                if key:
                    found.setdefault(key, {}).setdefault(relative, set()).add(int(line))
    return {key: {path: frozenset(lines) for path, lines in per_file.items()} for key, per_file in found.items()}
