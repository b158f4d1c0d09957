"""Small value types shared across swebot, and the protocols at its seams (sandbox, engine).

Everything here is a frozen dataclass or a Protocol; no behaviour beyond derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Mapping, Protocol, Sequence, runtime_checkable

TestOutcome = Literal["passed", "failed", "error", "skipped"]
RunStatus = Literal["fixed", "nothing_to_fix", "not_fixed"]


@dataclass(frozen=True)
class ExecResult:
    """What one command run in a sandbox gave back."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool
    duration: float
    truncated: bool = False  # stdout/stderr were cut to the capture bound
    oom_killed: bool = False  # the sandbox's memory limit killed (part of) the command

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


@dataclass(frozen=True)
class Frame:
    """One traceback frame, path relative to the repository root."""

    path: str
    line: int
    function: str = ""


@dataclass(frozen=True)
class TestCase:
    """One test's result, parsed from pytest's JUnit XML."""

    __test__ = False  # a result type, not a pytest test class
    nodeid: str  # pytest node id, e.g. "tests/test_x.py::TestA::test_b[1]"
    outcome: TestOutcome
    message: str = ""
    traceback: str = ""  # short traceback text (bounded)
    duration: float = 0.0
    frames: tuple[Frame, ...] = ()  # frames inside the repository, innermost last

    @property
    def failing(self) -> bool:
        return self.outcome in ("failed", "error")


@dataclass(frozen=True)
class TestReport:
    """A whole test run: per-test cases plus how the command itself ended."""

    __test__ = False
    cases: tuple[TestCase, ...]
    exit_code: int
    timed_out: bool = False
    duration: float = 0.0
    output_tail: str = ""  # last lines of the command's output, for messages
    collection_errors: tuple[str, ...] = ()  # modules that failed to import/collect
    oom_killed: bool = False  # the sandbox's memory limit killed (part of) the run

    @property
    def failing(self) -> frozenset[str]:
        return frozenset(c.nodeid for c in self.cases if c.failing)

    @property
    def passing(self) -> frozenset[str]:
        return frozenset(c.nodeid for c in self.cases if c.outcome == "passed")

    @property
    def all_passed(self) -> bool:
        """True when the command succeeded and nothing failed (the bar a fix must clear)."""
        return (
            not self.timed_out
            and self.exit_code == 0
            and not self.failing
            and not self.collection_errors
        )

    def case(self, nodeid: str) -> TestCase | None:
        return next((c for c in self.cases if c.nodeid == nodeid), None)


@runtime_checkable
class Sandbox(Protocol):
    """Where commands and tests run. ``root`` is the workspace root as commands inside see it.

    Paths given to ``read_file``/``write_file`` are relative to ``root``.
    """

    root: str

    def execute(
        self,
        command: str | Sequence[str],
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult: ...

    def read_file(self, path: str) -> bytes: ...

    def write_file(self, path: str, data: bytes) -> None: ...

    def copy_in(self, source: Path) -> None: ...

    def copy_out(self, dest: Path) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class CloneableSandbox(Sandbox, Protocol):
    """A sandbox that can make an independent copy of itself (its workspace as it is now), closed
    by the caller. Several attempts at one repair then run side by side."""

    def clone(self) -> "CloneableSandbox": ...


@dataclass(frozen=True)
class Budget:
    """Limits for one repair. 0 means unlimited for every field."""

    time_limit: float = 0.0  # seconds of wall time
    max_candidates: int = 0
    max_steps: int = 0
    max_cost: float = 0.0  # USD
    max_tokens: int = 0


@dataclass(frozen=True)
class Task:
    """What to repair, as an engine sees it."""

    workspace: Path  # the private copy (host path)
    test_command: str | None  # None: no failing-test signal (issue-only)
    test_cwd: str = "."  # directory, relative to the workspace root, the test command runs in
    issue: str | None = None
    test_timeout: float = 300.0
    # The orchestrator's baseline run of the test command, when it made one, with per-test line
    # coverage (nodeid -> path -> lines); engines reuse them instead of running the suite again.
    baseline: TestReport | None = None
    coverage: Mapping[str, Mapping[str, frozenset[int]]] | None = None


ProgressCallback = Callable[[str, Mapping[str, object]], None]
"""Called by engines with (event, fields): e.g. ("stage", {"name": "localize"}),
("candidate", {"tried": 12, "best": "..."})."""


@dataclass(frozen=True)
class EngineResult:
    """What an engine hands back. ``patch`` is a unified diff against the workspace baseline."""

    status: RunStatus
    patch: str = ""
    failing_before: tuple[str, ...] = ()
    failing_after: tuple[str, ...] = ()
    candidates_tried: int = 0
    limit_hit: str | None = None  # name of the budget that ended the run, if any
    description: str = ""  # human summary of the change (e.g. template + location)
    details: Mapping[str, object] = field(default_factory=dict)


class Engine(Protocol):
    """A brain: given a task, a sandbox and a budget, produce an EngineResult."""

    name: str

    def repair(
        self, task: Task, sandbox: Sandbox, budget: Budget, progress: ProgressCallback
    ) -> EngineResult: ...
