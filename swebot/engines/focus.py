"""Where the builtin engine looks first, for big suites as for small ones.

Two things sharpen spectrum-based ranking when the test command names only the failing tests
(as a bug report's reproduction does) and the project is big:

- ``widen_spectrum``: without passing tests, Ochiai gives every line the failing tests ran the same
  score (1,913 lines alike for one failing tornado test). The other tests of the failing tests'
  files are run once with coverage, so lines they also run (set-up, shared machinery) drop.
- ``focus_ranking``: lines inside the functions the failing tests call by name rank above the
  machinery around them (see localize/own_calls.py); traceback frames already rank first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from swebot.localize.own_calls import called_lines
from swebot.localize.sbfl import SuspiciousLine, boost_lines
from swebot.testing import TestRunner
from swebot.testing.selection import files_of
from swebot.types import Sandbox, TestReport

CALL_BOOST = 0.25  # added to a line in a function the failing test calls (frames add up to 0.3)
MAX_FOCUS_FILES = 60  # suspicious files read to find the called functions


@dataclass(frozen=True)
class Spectrum:
    passing: frozenset[str]
    coverage: Mapping[str, Mapping[str, frozenset[int]]]
    files_report: TestReport | None = None  # the run of the failing tests' files, when made
    seconds: float = 0.0


def widen_spectrum(runner: TestRunner, report: TestReport, coverage: Mapping[str, Mapping[str, frozenset[int]]],
                   failing: Sequence[str], timeout: float) -> Spectrum:
    """The baseline's passing tests and coverage, plus those of the failing tests' files when the
    baseline ran none of their passing tests."""
    files = set(files_of(failing))
    if not files:  # ids that name no file cannot select a file's other tests
        return Spectrum(report.passing, coverage)
    if any(c.outcome == "passed" and c.nodeid.split("::", 1)[0] in files for c in report.cases):
        return Spectrum(report.passing, coverage)
    started = time.monotonic()
    wider, more = runner.run_with_coverage(sorted(files), timeout=timeout)
    seconds = time.monotonic() - started
    if wider.timed_out:
        return Spectrum(report.passing, coverage)
    known = {c.nodeid for c in report.cases}
    extra = wider.passing - known - set(failing)
    merged: dict[str, Mapping[str, frozenset[int]]] = dict(coverage)
    merged.update({nodeid: more[nodeid] for nodeid in extra if nodeid in more})
    return Spectrum(report.passing | extra, merged, wider, seconds)


def focus_ranking(sandbox: Sandbox, ranking: Sequence[SuspiciousLine],
                  failing: Sequence[str]) -> tuple[list[SuspiciousLine], int]:
    """``ranking`` with the lines of functions the failing tests call raised by CALL_BOOST, and
    how many lines that raised."""
    by_file: dict[str, list[int]] = {}
    for item in ranking:
        if item.path in by_file or len(by_file) < MAX_FOCUS_FILES:
            by_file.setdefault(item.path, []).append(item.line)
    sources = {path: text for path in by_file if (text := _read(sandbox, path)) is not None}
    tests = {path: text for path in files_of(failing) if (text := _read(sandbox, path)) is not None}
    called = called_lines(sources, tests, failing, by_file)
    return boost_lines(ranking, called, CALL_BOOST), len(called)


def _read(sandbox: Sandbox, path: str) -> str | None:
    try:
        return sandbox.read_file(path).decode("utf-8", errors="replace")
    except OSError:
        return None
