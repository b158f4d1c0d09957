"""One instance of a batch, as a worker runs it: worktree -> (oracle tests) -> run_fix -> result.

``run_instance`` never raises for a problem of the instance itself: it returns an
``InstanceResult`` with status ``error`` (or ``cut`` when the total budget ran out), so a batch
goes on with the next instance. The driver alone writes predictions and the summary.
"""

from __future__ import annotations

import shlex
import shutil
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from swebot.agent.config import LLMSettings
from swebot.batch.dataset import Instance
from swebot.batch.environment import Progress, environment_for, image_policy, sandbox_setup
from swebot.batch.ledger import LIMIT_NAME, Ledger
from swebot.batch.repos import RepoCache, apply_patch
from swebot.batch.settings import BatchSettings
from swebot.diffs import patch_files, without_files
from swebot.errors import LimitReached, SwebotError
from swebot.leftovers import owned_tempdir
from swebot.testing.command import DEFAULT_TEST_COMMAND

if TYPE_CHECKING:
    from swebot.batch.testspecs import LogSpec

STATUSES = ("fixed", "not_fixed", "nothing_to_fix", "error", "cut")
MAX_COLLECTED_BYTES = 20_000_000  # run-folder files shipped back from a remote worker


@dataclass
class InstanceResult:
    instance_id: str
    status: str  # one of STATUSES
    patch: str = ""
    seconds: float = 0.0  # wall time of the whole instance
    overhead_seconds: float = 0.0  # clone/fetch + worktree + oracle setup, outside run_fix
    cost: float = 0.0
    tokens: int = 0
    limit_hit: str | None = None
    error: str = ""
    note: str = ""  # something the user should know about how the instance was run
    sandbox: str = ""
    oracle_tests: bool = False
    failing_before: list[str] = field(default_factory=list)
    failing_after: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # run-folder files from a remote worker

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("files")
        data["seconds"] = round(self.seconds, 3)
        data["overhead_seconds"] = round(self.overhead_seconds, 3)
        return data


def oracle_test_command(instance: Instance) -> str | None:
    """The engines' test command made of the instance's tests (None when it lists no
    FAIL_TO_PASS, or names its tests for no runner swebot knows): pytest on the FAIL_TO_PASS and
    PASS_TO_PASS ids, or the repository's own runner on the test_patch's files (Django's
    runtests.py, SymPy's bin/test, as the SWE-bench harness runs them), whose log the engines read.
    Where the harness's eval script starts a local service for the tests (httpbin for requests),
    pytest runs after the same start."""
    from swebot.batch.testspecs import LogSpec, UnsupportedTests, spec_for

    if not instance.FAIL_TO_PASS:
        return None
    instance = without_log_fragments(instance)
    try:
        spec = spec_for(instance, use_harness=False)
    except UnsupportedTests:
        return None
    if isinstance(spec, LogSpec):
        return runner_command(instance, spec)
    from swebot.batch.harness import LOCAL_SERVICES

    ids = list(dict.fromkeys(selectable(i) for i in [*instance.FAIL_TO_PASS, *instance.PASS_TO_PASS]))
    command = f"{DEFAULT_TEST_COMMAND} -q " + " ".join(shlex.quote(i) for i in ids)
    service = LOCAL_SERVICES.get(instance.repo)
    return after_service_start(service.start, command) if service else command


def after_service_start(start: str, command: str) -> str:
    """``command`` run by a shell that first runs ``start`` (a local service the tests call, as the
    harness's eval script starts it, and the variables it exports). The sandbox kills what a
    command leaves running, so every test run starts the service again, selected runs too: the
    shell execs the rest of its arguments, which keeps the pytest call plain for
    ``select_command_for``, whose selected runs then keep the start."""
    return shlex.join(["bash", "-c", f'{start}\nexec "$@"', "local-service"]) + " " + command


def without_log_fragments(instance: Instance) -> Instance:
    """``instance`` without the "test ids" that are pieces of pytest's progress output (the engines'
    tests are selected by id, and pytest rejects a command naming ``[100%]``)."""
    from swebot.batch.testspecs import log_fragment

    return instance.model_copy(update={
        "FAIL_TO_PASS": [t for t in instance.FAIL_TO_PASS if not log_fragment(t)],
        "PASS_TO_PASS": [t for t in instance.PASS_TO_PASS if not log_fragment(t)]})


def selectable(test_id: str) -> str:
    """A node id pytest can select. SWE-bench cut ids at their first space when it read its logs
    (``test_locate_app[cliapp.factory-``), and some parameters hold a path of the machine that
    recorded them (pylint-7080: ``test_stdin[/n/fs/p-swe-bench/temp/...]``): pytest finds no such
    test and rejects the whole command, so such a parametrization selects its test function,
    every parameter of it."""
    name, bracket, parameters = test_id.partition("[")
    return name if bracket and (not test_id.endswith("]") or "/" in parameters) else test_id


def runner_command(instance: Instance, spec: LogSpec) -> str:
    """The harness's test command with the environment its eval script exports; its other eval
    steps (``locale-gen`` as root) belong to the environment, not to every test run."""
    from swebot.batch import harness

    try:
        hspec = harness.instance_spec(instance)
    except harness.MissingSpec:
        exports = [f"export {k}={shlex.quote(v)}" for k, v in spec.env.items()]
        return "\n".join([*exports, spec.command])
    exports = [c for c in hspec.eval_commands if c.lstrip().startswith("export ")]
    return "\n".join([*exports, harness.test_command(instance, hspec)])


def oracle_unavailable(instance: Instance) -> str:
    """Why the instance's tests cannot be the engine's test command ("" when they can)."""
    from swebot.batch.testspecs import UnsupportedTests, spec_for

    if not instance.FAIL_TO_PASS:
        return "no oracle tests: the instance lists no FAIL_TO_PASS test"
    try:
        spec_for(without_log_fragments(instance), use_harness=False)
    except UnsupportedTests as exc:
        return f"no oracle tests: {exc}"
    return ""


def issue_text(instance: Instance, hints: bool) -> str:
    text = instance.problem_statement
    if hints and instance.hints_text.strip():
        text += "\n\nHints:\n" + instance.hints_text
    return text


FixFunction = Callable[..., Any]  # (FixRequest) -> FixReport; swebot.repair.run_fix by default


def run_instance(
    instance: Instance,
    settings: BatchSettings,
    ledger: Ledger,
    *,
    fix: FixFunction | None = None,
    collect_files: bool = False,
) -> InstanceResult:
    """Run one instance end to end; the worktree is removed whatever happens."""
    started = time.monotonic()
    result = InstanceResult(instance.instance_id, "error", oracle_tests=settings.oracle_tests)
    if ledger.exhausted():
        result.status, result.limit_hit = "cut", LIMIT_NAME
        return result
    scratch = owned_tempdir("swebot-batch-") if collect_files else None
    run_dir = (scratch / "run") if scratch else settings.output / "instances" / instance.instance_id
    work = (scratch / "work") if scratch else settings.output / "work" / instance.instance_id
    shutil.rmtree(run_dir, ignore_errors=True)  # a previous, unfinished attempt
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(instance, settings, ledger, fix, run_dir, work, result, started)
    except LimitReached as exc:
        result.status, result.limit_hit = ("cut" if exc.limit == LIMIT_NAME else "not_fixed"), exc.limit
    except SwebotError as exc:
        result.status, result.error = "error", str(exc)
    except Exception as exc:  # noqa: BLE001 - a surprise in one instance must not end the batch
        result.status = "error"
        result.error = f"{type(exc).__name__}: {exc}"
        (run_dir / "error.txt").write_text(traceback.format_exc())
    finally:
        spend = ledger.spent(instance.instance_id)
        result.cost, result.tokens = spend.cost, spend.tokens
        result.seconds = time.monotonic() - started
        if scratch is not None:
            result.files = _collect(run_dir)
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return result


def _run(instance: Instance, settings: BatchSettings, ledger: Ledger, fix: FixFunction | None,
         run_dir: Path, work: Path, result: InstanceResult, started: float) -> None:
    from swebot.repair import FixRequest
    from swebot.types import Budget

    cache = RepoCache(settings.cache_dir, settings.repo_source)
    with cache.worktree(instance.repo, instance.base_commit, work / "repo") as tree:
        test_command = None
        if settings.oracle_tests:
            apply_patch(tree, instance.test_patch, "test_patch")
            test_command, why_not = oracle_test_command(instance), oracle_unavailable(instance)
            if why_not:  # the tests are in the tree, but the engine gets the issue alone
                test_command, result.oracle_tests, result.note = None, False, why_not
        kind, note = environment_for(instance, settings.sandbox,
                                     image_policy(settings.use_swebench_images, settings.image_namespace), cache,
                                     on_progress=_to_stderr(instance.instance_id))
        result.sandbox = note
        result.overhead_seconds = time.monotonic() - started
        request = FixRequest(
            path=tree,
            test_command=test_command,
            issue=issue_text(instance, settings.hints),
            engine=settings.engine,
            sandbox=kind,
            sandbox_setup=sandbox_setup(instance, kind),
            budget=Budget(time_limit=settings.time_limit, max_candidates=settings.max_candidates,
                          max_steps=settings.max_steps, max_cost=settings.max_cost,
                          max_tokens=settings.max_tokens),
            output_dir=run_dir,
            engine_settings=engine_settings(settings, ledger, instance.instance_id, run_dir),
            test_timeout=settings.test_timeout,
            attempts=settings.attempts,
        )
        report = (fix or _run_fix)(request)
    charge_afterwards(ledger, instance.instance_id, report)
    result.patch = without_files(report.patch, patch_files(instance.test_patch))
    result.limit_hit = report.limit_hit
    result.failing_before = list(report.failing_before)
    result.failing_after = list(report.failing_after)
    if report.limit_hit == LIMIT_NAME:
        result.status = "cut"
    else:
        result.status = report.status


def _to_stderr(instance_id: str) -> Progress:
    """Progress of slow environment steps (an image pull, a build) on stderr, named by instance."""
    import sys

    def write(message: str) -> None:
        print(f"swebot: {instance_id}: {message}", file=sys.stderr, flush=True)

    return write


def charge_afterwards(ledger: Ledger, instance_id: str, report: Any) -> None:
    """Charge a run's cost in one go when its engine did not draw on the ledger call by call
    (an engine without the model-wrapper hook): the budget then holds per instance."""
    details = getattr(report, "details", {}) or {}
    cost = float(getattr(report, "cost", 0.0) or 0.0)
    usage = details.get("usage") if isinstance(details, Mapping) else None
    tokens = 0
    if isinstance(usage, Mapping):
        tokens = int(usage.get("prompt_tokens", 0) or 0) + int(usage.get("completion_tokens", 0) or 0)
    if (cost > 0 or tokens > 0) and ledger.spent(instance_id).calls == 0:
        steps = details.get("steps") if isinstance(details, Mapping) else None
        ledger.charge(instance_id, cost, tokens, int(steps) if isinstance(steps, int) and steps > 0 else 1)


def _run_fix(request: Any) -> Any:
    from swebot.repair import run_fix

    return run_fix(request)


def engine_settings(settings: BatchSettings, ledger: Ledger, instance_id: str, run_dir: Path) -> LLMSettings | None:
    """The LLM settings for one instance: its own trajectory file, and every model call drawn
    on the shared ledger through ``BudgetedModel``."""
    llm = settings.llm
    if llm is None or settings.engine == "builtin":
        return None
    from functools import partial

    from swebot.batch.ledger import BudgetedModel

    return llm.model_copy(update={"trajectory_path": run_dir / "trajectory.json",
                                  "model_wrapper": partial(BudgetedModel, ledger=ledger, instance_id=instance_id)})


def _collect(run_dir: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        total += len(data)
        if total > MAX_COLLECTED_BYTES:
            break
        files[str(path.relative_to(run_dir))] = data
    return files


def result_from_json(data: Mapping[str, Any]) -> InstanceResult:
    known = {k: data[k] for k in InstanceResult.__dataclass_fields__ if k in data and k != "files"}
    return InstanceResult(**known)
