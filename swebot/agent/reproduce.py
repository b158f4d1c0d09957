"""Reproduction tests: when an issue comes without a failing test, the model writes one and
registers it with the ``reproduce`` tool. The harness runs it on the original code (the model's
other edits set aside) and accepts it only when it fails, and fails for a reason that fits the
issue: not on an import error, a syntax error, a missing name or fixture, nor with an exception
other than the ones the issue names. Accepted tests become the targets the repair is verified
against."""

from __future__ import annotations

import posixpath
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from swebot.agent.files import Files
from swebot.agent.toolbox import Observation, error
from swebot.agent.verify import format_report
from swebot.testing import TestRunner
from swebot.types import Sandbox, TestCase, TestReport

# Failures that say the test is broken, not that it found the bug.
BROKEN = ("ImportError", "ModuleNotFoundError", "SyntaxError", "IndentationError", "NameError")
_EXCEPTION = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:Error|Exception))\b")
_LEADING_EXCEPTION = re.compile(r"^\s*(?:E\s+)?([A-Za-z_][\w.]*(?:Error|Exception))\b")


@dataclass(frozen=True)
class Reproduction:
    path: str
    content: str
    tests: tuple[str, ...]  # node ids that fail on the original code
    reason: str  # what the first of them failed with


def is_test_file(path: str) -> bool:
    name = posixpath.basename(path)
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def judge(report: TestReport, path: str, issue: str) -> tuple[tuple[str, ...], str]:
    """(accepted node ids, why not) for a run of the test file on the original code."""
    if report.collection_errors:
        return (), (f"{path} could not even be collected (an import or syntax error?), so it shows nothing "
                    "about the issue:\n" + format_report(report))
    mine = [c for c in report.cases if c.nodeid.split("::")[0] == path or c.nodeid.startswith(path + "::")]
    mine = mine or list(report.cases)
    if not mine or all(c.message.startswith("no result") for c in mine):
        return (), f"no test in {path} ran: name the test functions test_* \n" + format_report(report)
    failing = [c for c in mine if c.failing]
    if not failing:
        return (), (f"every test in {path} passes on the original code, so it does not reproduce the issue; "
                    "assert the behaviour the issue asks for")
    named = set(_EXCEPTION.findall(issue or ""))
    good, why = [], ""
    for case in failing:
        problem = _broken(case, named)
        if problem:
            why = why or f"{case.nodeid} fails {problem}, not for the reason the issue describes:\n  {case.message[:400]}"
        else:
            good.append(case.nodeid)
    return tuple(good), ("" if good else why)


def _broken(case: TestCase, named: set[str]) -> str:
    head = _LEADING_EXCEPTION.match(case.message or "")
    exc = head.group(1).rsplit(".", 1)[-1] if head else ""
    if exc in BROKEN or "fixture '" in case.message:
        return f"on {exc or 'a missing fixture'}"
    if exc and named and exc not in named and exc != "AssertionError":
        return f"with {exc} while the issue speaks of {', '.join(sorted(named))}"
    return ""


@contextmanager
def original_code(sandbox: Sandbox, keep: Sequence[str]) -> Iterator[None]:
    """The tracked files as the baseline commit has them, ``keep`` excepted; put back afterwards."""
    # Modified, deleted or retyped tracked files (new files, even intent-to-add ones, stay as they are).
    res = sandbox.execute(["git", "diff", "-z", "--name-only", "--diff-filter=MDT", "HEAD"], timeout=60)
    changed = [p for p in res.stdout.split("\0") if p and p not in keep] if res.exit_code == 0 else []
    saved: dict[str, bytes | None] = {}
    for p in changed:
        try:
            saved[p] = sandbox.read_file(p)
        except Exception:
            saved[p] = None
    if changed:
        sandbox.execute(["git", "checkout", "-q", "HEAD", "--", *changed], timeout=60)
    try:
        yield
    finally:
        for p, data in saved.items():
            if data is None:
                sandbox.execute(["rm", "-f", "--", p], timeout=60)
            else:
                sandbox.write_file(p, data)


class ReproductionGate:
    """The ``reproduce`` tool, and the rule that the reproduction comes first.

    ``on_accept`` hears of each accepted test (the engine retargets verification). Until a test
    is accepted, edits to files other than tests and ``submit`` are refused (``outstanding``);
    after ``tries`` rejections and refusals in all the requirement is waived, so a model that
    cannot reproduce the issue can still hand in a patch, reported as not verified.
    """

    def __init__(self, sandbox: Sandbox, files: Files, runner: TestRunner, issue: str,
                 on_accept: Callable[[Reproduction], None], *, tries: int = 4) -> None:
        self.sandbox, self.files, self.runner, self.issue = sandbox, files, runner, issue
        self.on_accept = on_accept
        self.tries = tries
        self.accepted: list[Reproduction] = []
        self.rejected: list[str] = []
        self.refusals: list[str] = []  # edits and submits refused while no reproduction was accepted

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.accepted]

    @property
    def waived(self) -> bool:
        return not self.accepted and len(self.rejected) + len(self.refusals) >= self.tries

    def guard_edit(self, path: str) -> Observation | None:
        """A refusal for an edit of ``path`` while the reproduction is outstanding, else None."""
        if is_test_file(path) or posixpath.basename(path) == "conftest.py":
            return None
        return self._outstanding(f"editing {path}")

    def guard_submit(self) -> Observation | None:
        return self._outstanding("submitting")

    def _outstanding(self, action: str) -> Observation | None:
        if self.accepted or self.waived:
            return None
        self.refusals.append(action)
        if self.waived:
            note = ("swebot stops insisting: go on without a reproduction test, but your patch will be "
                    "reported as not verified against the issue.")
        else:
            left = self.tries - len(self.rejected) - len(self.refusals)
            note = (f"({left} more refusal(s) or rejected reproduction(s) before swebot lets you go on "
                    "without one, and reports the patch as not verified)")
        return error(f"refused: reproduce the issue before {action}. Create a new test file (for example "
                     "tests/test_issue_reproduction.py) whose test fails on the current code because of the "
                     f"issue, and register it with `reproduce`. {note}")

    def __call__(self, path: str) -> Observation:
        rel = self.files.path(path)
        text = self.files.read_text(rel)
        if text is None:
            return self._reject(f"{rel} does not exist; write the test with create_file first")
        if not is_test_file(rel):
            return self._reject(f"name the file test_*.py so pytest collects it ({rel} is not)")
        tracked = self.sandbox.execute(["git", "cat-file", "-e", f"HEAD:{rel}"], timeout=30)
        if tracked.exit_code == 0:
            return self._reject(f"{rel} is one of the repository's files; put the reproduction in a new "
                                "file (create_file) so it can be told apart from the existing tests")
        with original_code(self.sandbox, keep=[rel]):
            report = self.runner.run([rel])
        tests, why = judge(report, rel, self.issue)
        if not tests:
            return self._reject(why)
        repro = Reproduction(rel, text, tests, next((c.message for c in report.cases if c.nodeid == tests[0]), ""))
        self.accepted = [r for r in self.accepted if r.path != rel] + [repro]
        self.on_accept(repro)
        return Observation(
            f"reproduction accepted: on the original code {len(tests)} test(s) in {rel} fail as the issue "
            f"describes ({', '.join(tests)}):\n  {repro.reason[:300]}\nNow fix the code; `submit` checks your "
            "change against these tests and the repository's tests.",
            data={"reproduction": rel, "tests": list(tests)})

    def _reject(self, why: str) -> Observation:
        self.rejected.append(why)
        return error(f"reproduction rejected: {why}")
