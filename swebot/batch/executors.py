"""Where instances run: in this process, in a local process pool (default), or as Ray tasks.

An executor takes the pending instances and yields each ``InstanceResult`` as it completes; the
driver consumes them and alone writes predictions and the summary.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from swebot.batch.dataset import Instance
from swebot.batch.ledger import EPSILON, FileLedger, Spend
from swebot.batch.runner import FixFunction, InstanceResult, run_instance
from swebot.batch.settings import BatchSettings
from swebot.errors import BadInput, EnvironmentProblem

_PR_SET_PDEATHSIG = 1


class Executor(Protocol):
    def run(self, instances: Sequence[Instance]) -> Iterator[InstanceResult]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """One instance after another in the driver's own process (``--workers 1``)."""

    def __init__(self, settings: BatchSettings, ledger: FileLedger, fix: FixFunction | None = None) -> None:
        self.settings, self.ledger, self.fix = settings, ledger, fix

    def run(self, instances: Sequence[Instance]) -> Iterator[InstanceResult]:
        for instance in instances:
            yield run_instance(instance, self.settings, self.ledger, fix=self.fix)

    def close(self) -> None:
        pass


def _worker_init(lanes: int) -> None:
    """Pool workers die with the driver (kill -9 included), so a rerun never races an orphan,
    and share the cores: the builtin engine in each checks candidates in ``lanes`` lanes."""
    from swebot.engines.validation import LANES_VARIABLE

    os.environ.setdefault(LANES_VARIABLE, str(lanes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass


class ProcessPoolExecutor:
    """``workers`` local processes sharing the file ledger. ``fix`` (tests) must be picklable."""

    def __init__(self, settings: BatchSettings, ledger: FileLedger, fix: FixFunction | None = None) -> None:
        self.settings, self.ledger, self.fix = settings, ledger, fix
        context = multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
        from swebot.engines.validation import lanes_per_worker

        self._pool = cf.ProcessPoolExecutor(max_workers=settings.workers, mp_context=context,
                                            initializer=_worker_init, initargs=(lanes_per_worker(settings.workers),))

    def run(self, instances: Sequence[Instance]) -> Iterator[InstanceResult]:
        futures = {self._pool.submit(run_instance, i, self.settings, self.ledger, fix=self.fix): i for i in instances}
        for future in cf.as_completed(futures):
            try:
                yield future.result()
            except cf.process.BrokenProcessPool as exc:
                raise EnvironmentProblem(
                    "a batch worker process died (out of memory?); finished instances are saved",
                    hint="rerun the same command to resume") from exc

    def close(self) -> None:
        """Stop at once: queued instances are dropped, running ones are terminated (SIGTERM lets
        run_fix remove its workspace and sandbox); a rerun redoes them."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(30)


class RayLedgerActor:
    """The shared ledger as a Ray actor (workers may be on other hosts than the output folder)."""

    def __init__(self, limit: float, spent: dict[str, dict[str, Any]]) -> None:
        self.limit = limit
        self.entries = {k: Spend.from_dict(v) for k, v in spent.items()}

    def exhausted(self) -> bool:
        return bool(self.limit) and sum(e.cost for e in self.entries.values()) >= self.limit - EPSILON

    def charge(self, instance_id: str, cost: float, tokens: int, calls: int = 1) -> None:
        self.entries[instance_id] = self.entries.get(instance_id, Spend()) + Spend(max(cost, 0.0), tokens, calls)

    def spent(self, instance_id: str | None = None) -> dict[str, Any]:
        if instance_id is not None:
            return self.entries.get(instance_id, Spend()).to_dict()
        return sum(self.entries.values(), Spend()).to_dict()


class RayLedger:
    """Ledger protocol on top of a RayLedgerActor handle (picklable; travels to Ray tasks)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def exhausted(self) -> bool:
        import ray

        return bool(ray.get(self.actor.exhausted.remote()))

    def charge(self, instance_id: str, cost: float, tokens: int, calls: int = 1) -> None:
        import ray

        ray.get(self.actor.charge.remote(instance_id, cost, tokens, calls))

    def spent(self, instance_id: str | None = None) -> Spend:
        import ray

        return Spend.from_dict(ray.get(self.actor.spent.remote(instance_id)))


def _ray_task(instance: Instance, settings: BatchSettings, ledger: RayLedger) -> InstanceResult:
    return run_instance(instance, settings, ledger, collect_files=True)


class RayExecutor:
    """Instances as Ray tasks (one CPU each) on ``settings.ray_address``, or a local Ray cluster.

    Each worker host needs Docker (for docker sandboxes) and swebot; it clones repositories into
    its own cache and ships the run-folder files back with the result.
    """

    def __init__(self, settings: BatchSettings, ledger: FileLedger) -> None:
        try:
            import ray
        except ImportError as exc:
            raise EnvironmentProblem("--executor ray needs Ray", hint="pip install 'swebot[ray]'") from exc
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            try:
                if settings.ray_address:
                    ray.init(address=settings.ray_address, log_to_driver=False)
                else:
                    ray.init(num_cpus=settings.workers, include_dashboard=False, log_to_driver=False)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise EnvironmentProblem(f"cannot connect to the Ray cluster: {exc}") from exc
        self.settings, self.file_ledger = settings, ledger
        actor_class = ray.remote(num_cpus=0)(RayLedgerActor)
        spent = {k: v.to_dict() for k, v in ledger.snapshot().items()}
        self.ledger = RayLedger(actor_class.remote(ledger.limit, spent))
        self._task = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        self._pending: list[Any] = []

    def run(self, instances: Sequence[Instance]) -> Iterator[InstanceResult]:
        ray = self._ray
        self._pending = [self._task.remote(i, self.settings, self.ledger) for i in instances]
        pending = list(self._pending)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                try:
                    result: InstanceResult = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    raise EnvironmentProblem(f"a Ray task failed: {exc}",
                                             hint="rerun the same command to resume") from exc
                self.file_ledger.set(result.instance_id, self.ledger.spent(result.instance_id))
                yield result

    def close(self) -> None:
        for ref in self._pending:
            try:
                self._ray.cancel(ref, force=True)
            except Exception:  # noqa: BLE001, S110 - already finished
                pass
        if self._started_here:
            self._ray.shutdown()


def make_executor(settings: BatchSettings, ledger: FileLedger, fix: FixFunction | None = None) -> Executor:
    """The executor ``settings`` ask for. ``fix`` replaces ``run_fix`` (a seam for tests; local only)."""
    if settings.executor == "ray":
        if fix is not None:
            raise BadInput("a custom fix function cannot run on Ray")
        return RayExecutor(settings, ledger)
    if settings.executor != "local":
        raise BadInput(f"unknown executor {settings.executor!r}")
    if settings.workers == 1:
        return InlineExecutor(settings, ledger, fix)
    return ProcessPoolExecutor(settings, ledger, fix)
