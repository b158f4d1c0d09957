"""Run a project's tests in a sandbox and turn the outcome into a TestReport.

Everything goes through the Sandbox protocol (execute/read_file/write_file) so the same code
serves a local process and a Docker container. Our files live under ``<root>/.swebot/``,
which the workspace keeps out of diffs; every run gets its own file names so a stale file
can never pass for this run's output.
"""

from __future__ import annotations

import functools
import itertools
import json
import posixpath
import re
import shlex
import time
import uuid
from pathlib import Path
from typing import Sequence

from swebot.errors import EnvironmentProblem
from swebot.testing.command import DEFAULT_TEST_COMMAND, named_node_ids, select_command_for, with_pythonpath
from swebot.testing.frames import tail_lines
from swebot.testing.junit import JUnitError, JUnitResult, anchor_nodeid, parse_junit
from swebot.testing.partial import parse_partial_results
from swebot.testing.logrun import CoverageMap, run_log
from swebot.testing.readers import LogReader, reader_for
from swebot.testing.selection import chunks, merge_reports, with_missing
from swebot.types import Sandbox, Task, TestCase, TestReport

OUTPUT_TAIL_LINES = 40
PLUGIN_NAME = "swebot_pytest_plugin"
PLUGIN_DIR = ".swebot/plugin"
RUNS_DIR = ".swebot/runs"
COMMAND_LINE_BUDGET = 100_000  # characters of node ids per command when they go on the command line
# pytest's exit codes of a run that went to its end: tests passed (0), some failed (1), usage
# error (4), no tests (5). Others (interrupted 2, internal error 3, a signal) may leave tests unrun.
_FINISHED_EXIT_CODES = frozenset({0, 1, 4, 5})

_ROOTDIR_HEADER = re.compile(r"^rootdir: (?P<path>.+?)(?:, (?:configfile|inifile|testpaths): .*)?$", re.M)
# pytest >= 7 prints "configfile: X" on its own line; older ones append ", inifile: X" to rootdir.
_CONFIG_HEADER = re.compile(r"^(?:rootdir: .+?, )?(?:configfile|inifile): (?P<path>[^,\n]+?)\s*(?:,|$)", re.M)
_COLLECT_ERROR = re.compile(r"^_* ERROR collecting (?P<path>\S+) _*$", re.M)


class TestRunner:
    """Runs a test command in a sandbox: pytest, or a runner a ``LogReader`` knows (Django's
    ``runtests.py``, SymPy's ``bin/test``), whose verbose log is read instead of JUnit XML.

    ``command`` runs in ``cwd`` (relative to the sandbox root). Selected runs use
    ``select_command`` (default: derived from ``command`` when it is a plain pytest call,
    else ``python3 -m pytest``); a log runner has no pytest to fall back on and selects by
    narrowing its own command, so ``select_command`` is refused beside it unless it is ``command``.

    A selected id with no result (the run timed out, crashed, or the id matched nothing)
    appears in the report as an ``error`` case with a "no result" message, so
    ``report.failing`` is the set the caller must treat as failing.
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        sandbox: Sandbox,
        command: str = DEFAULT_TEST_COMMAND,
        *,
        cwd: str = ".",
        timeout: float = 300.0,
        select_command: str | None = None,
        reader: LogReader | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.command = command
        self.cwd = posixpath.normpath(cwd.strip() or ".")
        self.timeout = timeout
        self.reader = reader or reader_for(command)
        if self.reader and select_command not in (None, command):
            raise ValueError(f"{command!r} is run by its own log runner, which selects tests itself; "
                             f"select_command {select_command!r} cannot be used with it")
        # A log runner has no pytest to fall back on: its selected runs narrow its own command.
        self.select_command = command if self.reader else select_command or select_command_for(command)
        # (rootdir, config file) of the last full run: selected runs reuse them, since
        # without the command's own paths pytest could find another (or no) config file.
        self._setup: tuple[str, str] | None = None
        self._plugin_hidden = False  # the command could not load our plugin once
        self._token = uuid.uuid4().hex[:10]
        self._counter = itertools.count(1)

    @classmethod
    def for_task(cls, task: Task, sandbox: Sandbox) -> "TestRunner":
        """The runner of a task's test command (the default one when it names none)."""
        return cls(sandbox, task.test_command or DEFAULT_TEST_COMMAND, cwd=task.test_cwd, timeout=task.test_timeout)

    def run(self, select: Sequence[str] | None = None, *, timeout: float | None = None) -> TestReport:
        """Run the test command (or only the given pytest node ids) and parse pytest's JUnit XML."""
        return self._run(select, timeout=timeout, coverage=False)[0]

    def run_with_coverage(
        self, select: Sequence[str] | None = None, *, timeout: float | None = None
    ) -> tuple[TestReport, CoverageMap]:
        """Same, recording per-test line coverage.

        The map is empty when the run was killed or crashed before pytest finished. Raises
        EnvironmentProblem when coverage.py is missing from the interpreter running the tests.
        """
        report, coverage = self._run(select, timeout=timeout, coverage=True)
        return report, coverage or {}

    def _run(
        self, select: Sequence[str] | None, *, timeout: float | None, coverage: bool
    ) -> tuple[TestReport, CoverageMap | None]:
        ids = None if select is None else list(dict.fromkeys(select))
        if ids == []:
            return TestReport(cases=(), exit_code=0), {}
        limit = timeout if timeout is not None else self.timeout
        if self.reader is not None:
            return run_log(self.sandbox, self.reader, self.command, ids, cwd=self.cwd, timeout=limit,
                           coverage=coverage, stem=f"{RUNS_DIR}/{self._token}-{next(self._counter)}")
        if self._plugin_hidden:
            return self._without_plugin(ids, limit), ({} if coverage else None)
        # Whole runs load the plugin too: it keeps the project's coverage plugin out of them.
        report, cov, plugin_failed = self._attempt(
            self.command if ids is None else self.select_command, ids, limit, plugin=True, coverage=coverage
        )
        if plugin_failed:
            # The command hid our plugin (it resets PYTHONPATH, say). Run without it from now
            # on: no coverage, and ids go on the command line.
            self._plugin_hidden = True
            report = self._without_plugin(ids, limit)
            cov = {} if coverage else None
        return report, cov

    def _attempt(
        self, command: str, ids: list[str] | None, timeout: float, *, plugin: bool, coverage: bool
    ) -> tuple[TestReport, CoverageMap | None, bool]:
        """One execution; the flag says our plugin could not be loaded."""
        files = _RunFiles(self.sandbox.root, f"{RUNS_DIR}/{self._token}-{next(self._counter)}")
        addopts = [f"--junitxml={files.abs('xml')}", "-p", "no:cacheprovider",
                   "-o", "junit_family=xunit1", "-o", "junit_logging=no"]
        env = {"PYTHONDONTWRITEBYTECODE": "1"}
        if ids is not None and self._setup is not None:
            known_rootdir, known_inifile = (posixpath.join(self.sandbox.root, p) for p in self._setup)
            addopts += ["-c", known_inifile, f"--rootdir={known_rootdir}"]
        if plugin:
            self.install_plugin()
            addopts += ["-p", PLUGIN_NAME]
            env.update(
                SWEBOT_NO_PROJECT_COVERAGE="1",
                SWEBOT_ROOT=self.sandbox.root,
                SWEBOT_META=files.abs("meta.json"),
                SWEBOT_RESULTS=files.abs("results.jsonl"),
            )
            if ids is not None:
                self.sandbox.write_file(files.rel("select"), "\n".join(ids).encode() + b"\n")
                env["SWEBOT_SELECT"] = files.abs("select")
            if coverage:
                env["SWEBOT_COVERAGE"] = files.abs("coverage.json")
            command = with_pythonpath(command, posixpath.join(self.sandbox.root, PLUGIN_DIR))
        env["PYTEST_ADDOPTS"] = shlex.join(addopts)
        result = self.sandbox.execute(command, timeout=timeout, cwd=self.cwd, env=env)
        output = result.stdout + ("\n" if result.stdout and result.stderr else "") + result.stderr
        rootdir, inifile = self._pytest_setup(files, plugin, result.stdout)
        if ids is None and rootdir is not None and inifile is not None:
            self._setup = (rootdir, inifile)
        cases, collection_errors = self._results(files, rootdir, plugin, output)
        # No meta file: the plugin never started, and pytest says why.
        plugin_failed = plugin and not cases and PLUGIN_NAME in output and not self._read(files.rel("meta.json"))
        if ids is not None:
            cases = with_missing(cases, ids)
        elif result.exit_code not in _FINISHED_EXIT_CODES and not result.timed_out:
            # A whole run that pytest broke off (an INTERNALERROR raised by the code under test,
            # pytest-7168) reports only the tests before the break: the ids the command names and
            # nothing answered for did not pass.
            cases = with_missing(cases, [self._root_relative(i) for i in named_node_ids(self.command)])
        report = TestReport(
            cases=tuple(cases),
            exit_code=result.exit_code,
            timed_out=result.timed_out,
            duration=result.duration,
            output_tail=tail_lines(output, OUTPUT_TAIL_LINES),
            collection_errors=tuple(collection_errors),
            oom_killed=result.oom_killed,
        )
        if plugin_failed:
            return report, None, True
        return report, self._coverage(files) if coverage else None, False

    def _without_plugin(self, ids: list[str] | None, timeout: float) -> TestReport:
        if ids is None:
            return self._attempt(self.command, None, timeout, plugin=False, coverage=False)[0]
        # ``sh -c`` takes the command as one argument, which Linux caps at 128 KiB.
        reports: list[TestReport] = []
        deadline = time.monotonic() + timeout
        for chunk in chunks([self._cwd_relative(i) for i in ids], ids, COMMAND_LINE_BUDGET):
            args, wanted = zip(*chunk, strict=True)
            left = deadline - time.monotonic() if timeout > 0 else 0.0  # 0: no limit
            if timeout > 0 and left <= 0:
                reports.append(TestReport(tuple(with_missing([], wanted)), exit_code=-9, timed_out=True))
                continue
            command = self.select_command + " " + shlex.join(args)
            reports.append(self._attempt(command, list(wanted), left, plugin=False, coverage=False)[0])
        return merge_reports(reports)

    def _root_relative(self, nodeid: str) -> str:
        path, sep, rest = nodeid.partition("::")
        return posixpath.normpath(posixpath.join(self.cwd, path)) + sep + rest

    def _cwd_relative(self, nodeid: str) -> str:
        path, sep, rest = nodeid.partition("::")
        return posixpath.relpath(posixpath.join("/", path), posixpath.join("/", self.cwd)) + sep + rest

    def install_plugin(self) -> None:
        # Written before every run that needs it: a workspace reset may have removed .swebot/.
        self.sandbox.write_file(f"{PLUGIN_DIR}/{PLUGIN_NAME}.py", _plugin_source())

    def _read(self, path: str) -> bytes | None:
        # A missing file is an outcome (the run died first); a lost sandbox is not, so
        # SandboxError propagates.
        try:
            return self.sandbox.read_file(path)
        except OSError:
            return None

    def _pytest_setup(self, files: "_RunFiles", use_plugin: bool, stdout: str) -> tuple[str | None, str | None]:
        """pytest's rootdir and config file, relative to the sandbox root; None when unknown."""
        if use_plugin:
            meta = self._read(files.rel("meta.json"))
            if meta:
                try:
                    data = json.loads(meta)
                    return str(data["rootdir"]), data.get("inifile")
                except (ValueError, KeyError, TypeError, AttributeError):
                    pass
        header = _ROOTDIR_HEADER.search(stdout)
        if not header:
            return None, None
        rootdir = posixpath.relpath(header["path"].strip(), self.sandbox.root)
        config = _CONFIG_HEADER.search(stdout)
        inifile = posixpath.normpath(posixpath.join(rootdir, config["path"])) if config else None
        return rootdir, inifile

    def _results(
        self, files: "_RunFiles", rootdir: str | None, use_plugin: bool, output: str
    ) -> tuple[list[TestCase], list[str]]:
        xml = self._read(files.rel("xml"))
        if xml:
            try:
                parsed = self._parse(xml, rootdir)
                return list(parsed.cases), list(parsed.collection_errors)
            except JUnitError:
                pass
        # No JUnit: the run was killed or crashed. Recover what we can.
        partial = self._read(files.rel("results.jsonl")) if use_plugin else None
        cases = parse_partial_results(partial or b"", root=self.sandbox.root, cwd=self.cwd)
        errors = [
            anchor_nodeid(m["path"], self.sandbox.root, rootdir or self.cwd)
            for m in _COLLECT_ERROR.finditer(output)
        ]
        return cases, list(dict.fromkeys(errors))

    def _parse(self, xml: bytes, rootdir: str | None) -> JUnitResult:
        root = self.sandbox.root
        if rootdir is not None:
            return parse_junit(xml, root=root, cwd=self.cwd, rootdir=rootdir)
        # Unknown rootdir (quiet output, no plugin): it is the run directory or one of its
        # parents; pick the first under which the reported test files exist.
        candidates = [self.cwd]
        while candidates[-1] not in (".", ""):
            candidates.append(posixpath.dirname(candidates[-1]) or ".")
        first: JUnitResult | None = None
        for candidate in candidates:
            parsed = parse_junit(xml, root=root, cwd=self.cwd, rootdir=candidate)
            first = first or parsed
            probes = [c.nodeid for c in parsed.cases[:1]] + list(parsed.collection_errors[:1])
            if not probes or len(candidates) == 1:
                return parsed
            probe = probes[0]
            path = probe.split("::")[0]
            if not path.startswith("../") and self._read(path) is not None:
                return parsed
        assert first is not None
        return first

    def _coverage(self, files: "_RunFiles") -> CoverageMap:
        data = self._read(files.rel("coverage.json"))
        if not data:
            return {}
        try:
            payload = json.loads(data)
        except ValueError:
            return {}
        if payload.get("error"):
            raise EnvironmentProblem(
                f"cannot record per-test coverage: {payload['error']}",
                hint="install coverage (pip install coverage) in the environment that runs the tests",
            )
        return {
            nodeid: {path: frozenset(lines) for path, lines in per_file.items()}
            for nodeid, per_file in payload.get("files", {}).items()
        }


@functools.cache
def _plugin_source() -> bytes:
    return Path(__file__).parent.parent.joinpath("sandbox_files", f"{PLUGIN_NAME}.py").read_bytes()


class _RunFiles:
    """Names of one run's files under .swebot/runs/, relative and absolute."""

    def __init__(self, root: str, stem: str) -> None:
        self._root = root
        self._stem = stem

    def rel(self, suffix: str) -> str:
        return f"{self._stem}.{suffix}"

    def abs(self, suffix: str) -> str:
        return posixpath.join(self._root, self.rel(suffix))
