"""Quick checks of many candidates per sandbox command, through the fork server.

The builtin engine's first question about a candidate is cheap: do the originally failing tests
pass now? Asking it with one pytest process per candidate spends most of the time starting
interpreters. ``ForkChecker`` sends a batch of candidates to ``swebot_forkserver.py`` in the
sandbox, which imports pytest once and forks per candidate. It calibrates itself on the
unchanged code first and is not used when its answer differs from the real test run.

Calibration also asks the child which modules it loaded from outside the project and which
project files; from then on the server imports the former and compiles the latter once per job
(``preload``, ``precompile``; the test modules' assertion rewriting and class lookups too,
``rewritten``), when a second calibration run with them gives the same answer sooner. Keras' failing tests spent most of a candidate's check importing
TensorFlow in every child.
"""

from __future__ import annotations

import functools
import itertools
import json
import shlex
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from swebot.testing import TestRunner
from swebot.testing.command import with_pythonpath
from swebot.testing.partial import parse_partial_results
from swebot.types import TestCase

SERVER_NAME = "swebot_forkserver.py"
PLUGIN_DIR = ".swebot/plugin"
JOBS_DIR = ".swebot/forkjobs"
MIN_TIMEOUT = 1.0  # seconds for the selected tests of one candidate, whatever calibration says
PRELOAD_MIN_SHARE = 0.25  # of a child's time, start-up and collection worth trying the preload for

Files = Mapping[str, str]  # path relative to the root -> whole file text


@functools.cache
def _server_source() -> bytes:
    return Path(__file__).parent.parent.joinpath("sandbox_files", SERVER_NAME).read_bytes()


def _split_select_command(command: str) -> tuple[list[str], list[str]] | None:
    """(interpreter prefix, pytest options) of a ``[ENV=..] python -m pytest [opts]`` or
    ``pytest [opts]`` command; None for anything else."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return None
    for i, token in enumerate(tokens):
        if token == "-m" and tokens[i + 1: i + 2] == ["pytest"]:
            return tokens[:i], tokens[i + 2:]
        if token.rsplit("/", 1)[-1] in ("pytest", "py.test"):
            return [*tokens[:i], "python3"], tokens[i + 1:]
    return None


class ForkChecker:
    """Runs the selected tests for a batch of candidates in one sandbox command."""

    def __init__(self, runner: TestRunner, selected: Sequence[str], originals: Files,
                 timeout: float, encodings: Mapping[str, str] | None = None) -> None:
        self.runner = runner
        self.sandbox = runner.sandbox
        self.selected = tuple(selected)
        self.originals = dict(originals)
        self.encodings = dict(encodings or {})  # path -> codec its text is written in (default UTF-8)
        self.timeout = timeout  # for the selected tests; calibration may lower it
        self.full_timeout = 2 * timeout
        self.preload: list[str] = []  # modules from outside the project the server imports once a job
        self.precompile: list[str] = []  # project files it compiles once a job
        self.rewritten: list[str] = []  # of those, the test modules it assertion-rewrites once a job
        self._token = uuid.uuid4().hex[:8]
        self._jobs = itertools.count(1)
        split = _split_select_command(runner.select_command)
        self.usable = split is not None
        self._prefix, self._pytest_args = split or ([], [])
        # When the test command itself is a plain pytest call, the server can run the whole
        # suite for a candidate that passes the selected tests, without a new interpreter.
        full = _split_select_command(runner.command)
        self._full_args = full[1] if full is not None and full[0] == self._prefix else None

    def calibrate(self) -> bool:
        """Check on the unchanged code that the server runs every selected test and sees each
        fail, as the real run did; otherwise stop using the server."""
        if self.usable:
            first = self._calibration(list_modules=True)
            self.usable = first is not None
            if first is not None:
                seconds = self._try_preload(first)
                # A mutant that loops must cost a few times the selected tests, not the timeout
                # of the whole suite.
                self.timeout = min(self.timeout, max(MIN_TIMEOUT, 5 * seconds))
        return self.usable

    def _calibration(self, *, list_modules: bool = False) -> "QuickAnswer | None":
        """The answer on the unchanged code when it is the real run's: every selected test ran
        and failed (None otherwise)."""
        answers = self._run([{}], budget=self.timeout * 2, stop_on_pass=False, list_modules=list_modules)
        answer = answers[0] if len(answers) == 1 else None
        if answer is None or answer.timed_out or not answer.failed >= set(self.selected):
            return None
        return answer

    def _try_preload(self, first: "QuickAnswer") -> float:
        """Keep ``first.modules`` as the preload when the server, with them imported, still gives
        the calibration's answer, and sooner. The seconds the selected tests take from now on."""
        if not first.modules and not first.project_files:
            return first.seconds
        if first.setup_seconds is not None and first.setup_seconds < PRELOAD_MIN_SHARE * first.seconds:
            # The tests themselves take the time (tornado-2's wait out a 5 s timeout): a second
            # calibration run would cost more than the imports it could save.
            return first.seconds
        self.preload, self.precompile = list(first.modules), list(first.project_files)
        self.rewritten = list(first.rewritten)
        again = self._calibration()
        if again is None or again.seconds >= first.seconds:
            self.preload, self.precompile, self.rewritten = [], [], []
            return first.seconds
        return again.seconds

    def check(self, candidates: Sequence[Files], *, budget: float) -> list["QuickAnswer"]:
        """For each candidate evaluated, in order: the selected tests that passed, and whether
        the whole suite passed (None: not run by the server). Stops after the first candidate
        that passes everything the server can run, or when ``budget`` seconds are spent."""
        return [a if a is not None else QuickAnswer(frozenset(), frozenset(self.selected))
                for a in self._run(candidates, budget=budget, stop_on_pass=True)]

    def _run(self, candidates: Sequence[Files], *, budget: float,
             stop_on_pass: bool, list_modules: bool = False) -> list["QuickAnswer | None"]:
        job_id = f"{JOBS_DIR}/{self._token}-{next(self._jobs)}"
        self.sandbox.write_file(f"{PLUGIN_DIR}/{SERVER_NAME}", _server_source())
        self.runner.install_plugin()  # the server's children load swebot's pytest plugin
        root = self.sandbox.root
        self.sandbox.write_file(f"{job_id}.select", ("\n".join(self.selected) + "\n").encode())
        touched = sorted({path for files in candidates for path in files})
        job = {
            "root": root,
            "select_file": f"{root}/{job_id}.select",
            "results_prefix": f"{root}/{job_id}",
            "timeout": self.timeout,
            "full_timeout": self.full_timeout,
            "budget": budget,
            "stop_on_pass": stop_on_pass,
            "pytest_args": self._pytest_args,
            "full_args": self._full_args,
            "originals": {path: self.originals[path] for path in touched},
            "encodings": {path: self.encodings[path] for path in touched if path in self.encodings},
            "candidates": [dict(files) for files in candidates],
            "preload": self.preload,
            "precompile": self.precompile,
            "rewritten": self.rewritten,
            "list_modules": list_modules,
        }
        self.sandbox.write_file(f"{job_id}.json", json.dumps(job).encode())
        command = shlex.join([*self._prefix, f"{root}/{PLUGIN_DIR}/{SERVER_NAME}", f"{root}/{job_id}.json"])
        command = with_pythonpath(command, f"{root}/{PLUGIN_DIR}")
        result = self.sandbox.execute(command, timeout=budget + self.timeout + 30, cwd=self.runner.cwd,
                                      env={"PYTHONDONTWRITEBYTECODE": "1"})
        answers: list[QuickAnswer | None] = []
        for line in result.stdout.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict) or entry.get("index") != len(answers):
                continue
            answers.append(self._answer(entry))
        if result.exit_code != 0 and not answers:
            self.usable = False
        return answers

    def _answer(self, entry: Mapping[str, object]) -> "QuickAnswer | None":
        seconds = float(entry.get("seconds") or 0.0)  # type: ignore[arg-type]  # JSON from the fork server: "seconds" is a number
        if entry.get("timed_out"):
            return QuickAnswer(frozenset(), frozenset(self.selected), seconds=seconds, timed_out=True)
        path = str(entry["results"])
        relative = path[len(self.sandbox.root) + 1:] if path.startswith(self.sandbox.root) else path
        cases = self._cases_in(relative)
        if cases is None:
            return None
        failed = {c.nodeid for c in cases if c.failing}
        passed = {c.nodeid for c in cases if c.outcome == "passed"} - failed
        full_ok = None
        full_failed: frozenset[str] = frozenset()
        if "full_exit_code" in entry:
            full_ok = entry["full_exit_code"] == 0 and not entry.get("full_timed_out")
            if not full_ok:
                full_failed = frozenset(c.nodeid for c in self._cases_in(relative + ".full") or () if c.failing)
        loaded = entry.get("modules")
        loaded = loaded if isinstance(loaded, dict) else {}
        setup = loaded.get("setup_seconds")
        return QuickAnswer(frozenset(t for t in self.selected if t in passed), frozenset(failed),
                           full_ok, seconds, full_failed=full_failed,
                           modules=tuple(map(str, loaded.get("outside") or ())),
                           project_files=tuple(map(str, loaded.get("inside") or ())),
                           rewritten=tuple(map(str, loaded.get("rewritten") or ())),
                           setup_seconds=float(setup) if isinstance(setup, (int, float)) else None)

    def _cases_in(self, relative: str) -> list[TestCase] | None:
        """The results a child wrote to ``relative`` (None when it wrote none)."""
        try:
            data = self.sandbox.read_file(relative)
        except OSError:
            return None
        return parse_partial_results(data, root=self.sandbox.root, cwd=self.runner.cwd)


@dataclass(frozen=True)
class QuickAnswer:
    passed: frozenset[str]  # selected tests that passed
    failed: frozenset[str]  # tests that failed or errored
    full_ok: bool | None = None  # the whole suite passed (None: the server did not run it)
    seconds: float = 0.0  # how long the selected tests took
    full_failed: frozenset[str] = frozenset()  # the tests that failed in the whole suite's run, when it failed
    timed_out: bool = False
    modules: tuple[str, ...] = ()  # what the child loaded from outside the project (when asked)
    project_files: tuple[str, ...] = ()  # the project's files it loaded (when asked)
    rewritten: tuple[str, ...] = ()  # of those, the ones pytest assertion-rewrote (test modules, conftests)
    setup_seconds: float | None = None  # of ``seconds``, before the first test started (when asked)
