"""One repair, end to end: snapshot -> sandbox -> baseline -> engine -> saved results.

The user's tree is only read here. Whatever happens (success, failure, Ctrl-C, SIGTERM, a crash),
the private workspace and the sandbox are removed before ``run_fix`` returns or raises.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from swebot.engines.factory import make_engine
from swebot.errors import EnvironmentProblem
from swebot.agent.config import LLMSettings
from swebot.paths import runs_home
from swebot.leftovers import describe, remove_stale_folders
from swebot.runlog import RunLog
from swebot.sandbox.deadline import DeadlineSandbox
from swebot.sandbox.factory import open_sandbox as open_any_sandbox
from swebot.testing import TestRunner, diagnose_baseline
from swebot.testing.command import DEFAULT_TEST_COMMAND
from swebot.types import Budget, EngineResult, ProgressCallback, Sandbox, Task
from swebot.diffs import changed_paths
from swebot.workspace import find_repo_root, patch_bytes, snapshot



@dataclass(frozen=True)
class FixRequest:
    path: Path
    test_command: str | None = None
    issue: str | None = None
    engine: str = "builtin"  # builtin | llm | auto
    sandbox: str = "auto"  # auto | docker | local
    budget: Budget = Budget()
    output_dir: Path | None = None
    engine_settings: LLMSettings | None = None  # the model for --engine llm/auto
    test_timeout: float = 300.0
    attempts: int = 1  # independent attempts to choose among (test-time scaling)
    keep_tests: bool = False  # keep reproduction tests the engine wrote in the final patch
    # shell steps run on the workspace in an image sandbox before anything else (batch: the
    # instance setup of an environment built from a harness spec)
    sandbox_setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixReport:
    status: str  # fixed | nothing_to_fix | not_fixed
    patch: str
    files_changed: tuple[str, ...]
    failing_before: tuple[str, ...]
    failing_after: tuple[str, ...]
    candidates_tried: int
    seconds: float
    run_dir: Path
    limit_hit: str | None = None
    cost: float = 0.0
    description: str = ""
    engine: str = "builtin"
    details: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["run_dir"] = str(self.run_dir)
        data["files_changed"] = list(self.files_changed)
        data["failing_before"] = list(self.failing_before)
        data["failing_after"] = list(self.failing_after)
        data["seconds"] = round(self.seconds, 3)
        data["details"] = dict(self.details)
        return data


def new_run_dir(repo: Path, output_dir: Path | None) -> Path:
    if output_dir is not None:
        run_dir = Path(output_dir)
    else:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", repo.name) or "repo"
        run_dir = runs_home() / f"{stamp}-{name}-{os.getpid()}"
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot create the run folder {run_dir}: {exc.strerror}",
                                 hint="pass --output DIR with a writable folder") from exc
    return run_dir


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so cleanup runs as it does for Ctrl-C."""
    def raise_interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def open_sandbox(kind: str, workspace: Path, warn: Callable[[str], None], *, setup: Sequence[str] = ()) -> Sandbox:
    return open_any_sandbox(kind, workspace, on_warning=warn, setup=setup)


def run_fix(request: FixRequest, progress: ProgressCallback | None = None) -> FixReport:
    started = time.monotonic()
    path = Path(request.path).expanduser()
    repo = find_repo_root(path)
    test_cwd = os.path.relpath(path.resolve(), repo)
    run_dir = new_run_dir(repo, request.output_dir)
    log = RunLog(run_dir / "run.log", forward=progress)
    settings = request.engine_settings
    if settings is not None:
        settings.hold_secrets()  # before the sandbox runs the baseline
    if settings is not None and settings.trajectory_path is None:  # LLM sessions record into the run folder
        request = replace(request, engine_settings=settings.model_copy(
            update={"trajectory_path": run_dir / "trajectory.json"}))
    leftovers = remove_stale_folders()  # of swebot runs killed outright (kill -9): never a live one's
    if leftovers:
        log("warning", {"message": describe(len(leftovers), 0), "folders": [str(f) for f in leftovers]})
    log("stage", {"name": "snapshot", "detail": str(repo)})
    try:
        with _sigterm_as_interrupt():
            workspace = snapshot(repo)
            try:
                sandbox = open_sandbox(request.sandbox, workspace.path,
                                       lambda message: log("warning", {"message": message}),
                                       setup=request.sandbox_setup)
                if request.budget.time_limit:
                    sandbox = DeadlineSandbox(sandbox, started + request.budget.time_limit)
                try:
                    result = _run_engine(request, workspace.path, test_cwd, sandbox, log, started)
                finally:
                    sandbox.close()
            finally:
                workspace.cleanup()
    except BaseException as exc:
        log("error", {"type": type(exc).__name__, "message": str(exc)})
        log.close()
        raise
    report = FixReport(
        status=result.status,
        patch=result.patch,
        files_changed=changed_paths(result.patch),
        failing_before=result.failing_before,
        failing_after=result.failing_after,
        candidates_tried=result.candidates_tried,
        seconds=time.monotonic() - started,
        run_dir=run_dir,
        limit_hit=result.limit_hit,
        cost=float(result.details.get("cost", 0.0) or 0.0),  # type: ignore[arg-type]  # details values are objects; "cost" is a number when present
        description=result.description,
        engine=str(result.details.get("engine", request.engine)),
        details=result.details,
    )
    save_report(report)
    log("done", {"status": report.status, "seconds": round(report.seconds, 1)})
    log.close()
    return report


def _run_engine(request: FixRequest, workspace: Path, test_cwd: str, sandbox: Sandbox,
                log: RunLog, started: float) -> EngineResult:

    command = request.test_command or DEFAULT_TEST_COMMAND
    has_issue = bool(request.issue and request.issue.strip())
    baseline_failing: tuple[str, ...] = ()
    baseline = coverage = None
    if request.test_command or not has_issue:
        if isinstance(sandbox, DeadlineSandbox) and sandbox.expired():
            return _out_of_time(request, "before the baseline test run could start")
        log("stage", {"name": "baseline", "detail": f"{command} (with coverage)"})
        runner = TestRunner(sandbox, command, cwd=test_cwd, timeout=request.test_timeout)
        baseline, coverage = runner.run_with_coverage()
        log("baseline", {"failing": len(baseline.failing), "passing": len(baseline.passing),
                         "exit_code": baseline.exit_code})
        if baseline.timed_out and isinstance(sandbox, DeadlineSandbox) and sandbox.cut_short:
            return _out_of_time(request, f"during the baseline test run: `{command}` had not finished "
                                f"after {baseline.duration:.0f}s")
        diagnose_baseline(baseline, command)
        if baseline.all_passed and not has_issue:
            return EngineResult(status="nothing_to_fix",
                                description="all tests already pass: nothing to fix")
        baseline_failing = tuple(sorted(baseline.failing))
    engine = make_engine(request.engine, request.engine_settings, has_failing_tests=bool(baseline_failing),
                         attempts=request.attempts, keep_tests=request.keep_tests)
    remaining = request.budget.time_limit - (time.monotonic() - started) if request.budget.time_limit else 0.0
    if request.budget.time_limit and remaining <= 0:
        return _out_of_time(request, "right after the baseline test run", baseline_failing)
    budget = replace(request.budget, time_limit=max(remaining, 0.001) if request.budget.time_limit else 0.0)
    task = Task(workspace=workspace, test_command=command if baseline_failing or request.test_command else None,
                test_cwd=test_cwd, issue=request.issue, test_timeout=request.test_timeout,
                baseline=baseline, coverage=coverage)
    log("stage", {"name": "engine", "detail": engine.name})
    result = engine.repair(task, sandbox, budget, log)
    if not result.failing_before and baseline_failing:
        result = replace(result, failing_before=baseline_failing)
    return result


def _out_of_time(request: FixRequest, when: str, failing: tuple[str, ...] = ()) -> EngineResult:
    """The result of a run whose time limit ran out before any repair could start."""
    return EngineResult(
        status="not_fixed", failing_before=failing, failing_after=failing, limit_hit="time_limit",
        description=f"the time limit ({request.budget.time_limit:g}s) ran out {when}; nothing was repaired "
        "(raise --time-limit, or point the test command at fewer or faster tests)",
        details={"stopped_during": "baseline"})


def save_report(report: FixReport) -> None:
    (report.run_dir / "patch.diff").write_bytes(patch_bytes(report.patch))
    tmp = report.run_dir / "report.json.tmp"
    tmp.write_text(json.dumps(report.to_json(), indent=2, default=str))
    tmp.replace(report.run_dir / "report.json")
