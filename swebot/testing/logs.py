"""Reading the verbose logs of test runners that SWE-bench ids come from, other than pytest.

- Django's ``tests/runtests.py --verbosity 2`` (unittest's verbose stream): ids look like
  ``test_foo (admin_views.tests.AdminViewBasicTest)``; Python 3.11+ prints them as
  ``test_foo (admin_views.tests.AdminViewBasicTest.test_foo)``. A test with a docstring prints its id
  on a line of its own and the docstring's first line before `` ... ok``; SWE-bench records such a
  test under that docstring line, so both names are kept.
- SymPy's ``bin/test --verbose``: one line per test function, ``test_name <status>``.

Each parser returns the cases it found, keyed by ``django_key``/``sympy_key`` of their id, so a dataset id and a
log line agree however the Python version that wrote the log spelled the id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from swebot.types import TestCase, TestOutcome

# A worse outcome wins when one test is reported more than once (a failing subtest, the summary).
_SEVERITY: dict[str, int] = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


@dataclass(frozen=True)
class ParsedLog:
    cases: dict[str, TestCase]  # test_key(id) -> case
    collection_errors: tuple[str, ...] = ()  # test modules that failed to import


class _Collector:
    def __init__(self) -> None:
        self.cases: dict[str, TestCase] = {}
        self.collection_errors: list[str] = []

    def record(self, key: str, outcome: TestOutcome, message: str = "") -> None:
        known = self.cases.get(key)
        if known is None or _SEVERITY[outcome] > _SEVERITY[known.outcome]:
            self.cases[key] = TestCase(nodeid=key, outcome=outcome, message=message)

    def result(self) -> ParsedLog:
        return ParsedLog(self.cases, tuple(dict.fromkeys(self.collection_errors)))


# --- Django ----------------------------------------------------------------------------------

_DJANGO_ID = re.compile(r"(?P<name>\w+) \((?P<where>[\w.]+)\)(?P<rest>.*)")
_DJANGO_ID_AT_END = re.compile(r"\w+ \([\w.]+\)$")
_DJANGO_LINE = re.compile(r"(?P<description>.*?) \.\.\.(?: (?P<status>.*))?")
_DJANGO_SUMMARY = re.compile(r"(?P<kind>FAIL|ERROR|UNEXPECTED SUCCESS): (?P<id>.+)")
_FAILED_IMPORT = "unittest.loader._FailedTest"


def django_key(test_id: str) -> str:
    """One spelling for a Django test id: ``name (module.Class)``.

    Drops the ``.name`` suffix Python 3.11+ adds and a subtest's parameters, so a failing subtest
    counts against its test. Anything else (a docstring line) is its own key.
    """
    text = test_id.strip()
    match = _DJANGO_ID.fullmatch(text)
    if not match:
        return text
    name, where = match["name"], match["where"]
    if where.endswith("." + name):
        where = where[: -len(name) - 1]
    return f"{name} ({where})"


def django_test_module(test_id: str) -> str | None:
    """The module of a Django test's class (``admin_views.tests``), or None for a docstring line."""
    match = _DJANGO_ID.fullmatch(django_key(test_id))
    if not match or "." not in match["where"]:
        return None
    return match["where"].rpartition(".")[0]


def _django_status(text: str) -> tuple[TestOutcome, str] | None:
    text = text.strip()
    if text.lower() == "ok":
        return "passed", ""
    if text == "FAIL":
        return "failed", ""
    if text == "ERROR":
        return "error", ""
    if text.startswith("skipped"):
        return "skipped", text[len("skipped"):].strip().strip("'\"")
    # An expected failure is not a pass of the test's assertions (pytest's xfail is "skipped" too).
    if text == "expected failure":
        return "skipped", "expected failure"
    if text == "unexpected success":  # unittest counts it against the run
        return "failed", "unexpected success"
    return None


def parse_django_log(log: str) -> ParsedLog:
    found = _Collector()
    waiting: list[str] = []  # names whose status comes on a later line (the test printed output)
    bare_id: str | None = None  # the line before, when it was an id alone (a docstring follows)

    def record(names: list[str], status: tuple[TestOutcome, str]) -> None:
        for name in names:
            match = _DJANGO_ID.fullmatch(name)
            if match and match["where"].startswith(_FAILED_IMPORT):
                found.collection_errors.append(match["name"])
            found.record(django_key(name), *status)

    for raw in log.splitlines():
        text = raw.strip()
        previous_bare_id, bare_id = bare_id, None
        summary = _DJANGO_SUMMARY.fullmatch(text)
        if summary:
            outcome: TestOutcome = "error" if summary["kind"] == "ERROR" else "failed"
            record([summary["id"]], (outcome, summary["kind"].lower()))
            waiting = []
            continue
        line = _DJANGO_LINE.fullmatch(text)
        if line and line["description"]:
            description = line["description"]
            names = [description]
            if previous_bare_id:
                names.insert(0, previous_bare_id)
            elif not _DJANGO_ID.fullmatch(description):
                # Output without a newline can run into the id (migrations' "Applying x...").
                tail = _DJANGO_ID_AT_END.search(description)
                if tail:
                    names.append(tail.group())
            rest = line["status"] or ""
            # Output containing " ... " may sit between the id and the status.
            status = _django_status(rest) or _django_status(rest.rpartition(" ... ")[2])
            if status:
                record(names, status)
                waiting = []
            else:
                waiting = names
            continue
        alone = _DJANGO_ID.fullmatch(text)
        if alone and not alone["rest"]:
            bare_id = text
            continue
        status = _django_status(text) if waiting else None
        if status:
            record(waiting, status)
            waiting = []
    return found.result()


# --- SymPy -----------------------------------------------------------------------------------

_SYMPY_TEST = re.compile(r"(?P<name>test_\w+)(?:\s+(?P<rest>.*))?")
_SYMPY_FILE_VERDICT = re.compile(r"\s*\[(?:OK|FAIL)\]\s*$")  # right-aligned after a file's last test
_SYMPY_FAILED_IMPORT = re.compile(r"(?P<path>\S+\.py)\[\?\]\s+Failed to import")
_SYMPY_STATUS: dict[str, tuple[TestOutcome, str]] = {
    "ok": ("passed", ""),
    "F": ("failed", ""),
    "E": ("error", ""),
    "T": ("error", "timed out"),
    "f": ("skipped", "expected failure"),  # as pytest's xfail: not a pass of the test itself
    "X": ("passed", "expected to fail but passed"),
    "s": ("skipped", ""),
    "w": ("skipped", "slow"),
    "K": ("skipped", "interrupted"),
}


def sympy_key(test_id: str) -> str:
    return test_id.strip()


def parse_sympy_log(log: str) -> ParsedLog:
    found = _Collector()
    waiting: str | None = None  # a test that printed output before its status
    for raw in log.splitlines():
        text = _SYMPY_FILE_VERDICT.sub("", raw).strip()
        failed_import = _SYMPY_FAILED_IMPORT.match(text)
        if failed_import:
            found.collection_errors.append(failed_import["path"])
            continue
        test = _SYMPY_TEST.fullmatch(text)
        if test:
            words = (test["rest"] or "").split()
            status = _SYMPY_STATUS.get(words[-1]) if words else None
            if status:
                outcome, message = status
                reason = " ".join(words[:-1]).strip(" -")  # a skip's reason comes before its letter
                found.record(sympy_key(test["name"]), outcome, message or reason)
                waiting = None
            else:
                waiting = test["name"]
            continue
        if waiting and text in _SYMPY_STATUS:
            found.record(sympy_key(waiting), *_SYMPY_STATUS[text])
            waiting = None
    return found.result()

