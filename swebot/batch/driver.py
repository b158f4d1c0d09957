"""``swebot batch run``'s driver: pick what is left to do, hand it to an executor, record results.

The driver is the only writer of ``preds.jsonl``, ``summary.json`` and each instance's
``result.json``. An instance is finished once its prediction line is written; a rerun skips
finished instances and redoes the rest (``--redo`` forces all). Instances cut by the total cost
budget get no prediction line, so a rerun with a larger budget completes them.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from swebot.batch.dataset import Instance
from swebot.batch.ledger import EPSILON, FileLedger, Spend
from swebot.batch.progress import BatchProgress
from swebot.batch.runner import STATUSES, FixFunction, InstanceResult, result_from_json
from swebot.batch.settings import BatchSettings
from swebot.batch.store import PredictionStore, read_json, write_json_atomic
from swebot.errors import EnvironmentProblem

PREDICTIONS = "preds.jsonl"
SUMMARY = "summary.json"


@dataclass(frozen=True)
class BatchOutcome:
    summary: dict[str, Any]
    complete: bool  # every selected instance finished, none cut and none in error


def output_paths(output: Path) -> dict[str, Path]:
    return {"preds": output / PREDICTIONS, "summary": output / SUMMARY, "ledger": output / "ledger.json",
            "instances": output / "instances", "runs": output / "runs.jsonl"}


def run_batch(instances: Sequence[Instance], settings: BatchSettings,
              progress_stream: TextIO | None = sys.stderr, *, fix: FixFunction | None = None) -> BatchOutcome:
    """Run what is left of ``instances``; ``fix`` replaces ``swebot.repair.run_fix`` (tests)."""
    output = Path(settings.output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot create the output folder {output}: {exc.strerror}") from exc
    paths = output_paths(output)
    store = PredictionStore(paths["preds"])
    store.repair()
    ledger = FileLedger(paths["ledger"], settings.max_total_cost)
    selected = [i.instance_id for i in instances]
    if settings.redo:
        store.drop(selected)
        ledger.forget(selected)
        for instance_id in selected:
            (paths["instances"] / instance_id / "result.json").unlink(missing_ok=True)
    finished = set(store.load())
    pending = [i for i in instances if i.instance_id not in finished]
    for instance in pending:  # stale results (cut, or killed before its prediction was written)
        (paths["instances"] / instance.instance_id / "result.json").unlink(missing_ok=True)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _record_run(paths["runs"], settings, started_at, len(instances), len(pending))
    progress = BatchProgress(progress_stream, len(instances), len(instances) - len(pending),
                             "resolved" if settings.oracle_tests else "fixed")
    started = time.monotonic()
    tally = Tally(instances, paths)
    summary = tally.summary(settings, started_at, 0.0)
    write_json_atomic(paths["summary"], summary)
    progress.start()
    if pending:
        from swebot.batch.executors import make_executor

        executor = make_executor(settings, ledger, fix)
        try:
            for result in executor.run(pending):
                record_result(result, settings, paths, store)
                tally.add(result)
                progress.update(result.instance_id, result.status, resolved=result.status == "fixed",
                                cost=result.cost, counted=result.status != "cut")
                summary = tally.summary(settings, started_at, time.monotonic() - started)
                write_json_atomic(paths["summary"], summary)
        finally:
            executor.close()
            progress.finish()
            summary = tally.summary(settings, started_at, time.monotonic() - started)
            write_json_atomic(paths["summary"], summary)
    counts = summary["status_counts"]
    complete = counts["pending"] == 0 and counts["cut"] == 0 and counts["error"] == 0
    return BatchOutcome(summary=summary, complete=complete)


def record_result(result: InstanceResult, settings: BatchSettings, paths: dict[str, Path],
                  store: PredictionStore) -> None:
    """result.json (and a remote worker's run files) first, then the prediction line."""
    folder = paths["instances"] / result.instance_id
    if result.files:
        shutil.rmtree(folder, ignore_errors=True)
        for name, data in result.files.items():
            target = folder / name
            if folder.resolve() not in target.resolve().parents:
                continue  # a name that would escape the instance folder
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    write_json_atomic(folder / "result.json", result.to_json())
    if result.status != "cut":
        store.append({"instance_id": result.instance_id, "model_name_or_path": settings.model_name,
                      "model_patch": result.patch})


def _record_run(path: Path, settings: BatchSettings, started_at: str, selected: int, pending: int) -> None:
    record = {"started": started_at, "selected": selected, "pending": pending,
              "settings": settings_record(settings)}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")


def settings_record(settings: BatchSettings) -> dict[str, Any]:
    data = settings.model_dump(mode="json", exclude={"llm"})
    llm = settings.llm
    if llm is not None and hasattr(llm, "public"):
        data["llm"] = llm.public()
    elif llm is not None:
        data["llm"] = str(llm)
    data["model_name_or_path"] = settings.model_name
    return data


class Tally:
    """What the driver knows of each selected instance: its last result and whether it finished.

    Loaded once from the output folder, then kept up to date in memory, so writing the summary
    after every instance stays linear in the batch size.
    """

    def __init__(self, instances: Sequence[Instance], paths: dict[str, Path]) -> None:
        self.instances = list(instances)
        self.paths = paths
        self.finished = set(PredictionStore(paths["preds"]).load())
        self.results: dict[str, InstanceResult] = {}
        for instance in self.instances:
            data = read_json(paths["instances"] / instance.instance_id / "result.json")
            if isinstance(data, dict):
                self.results[instance.instance_id] = result_from_json(data)

    def add(self, result: InstanceResult) -> None:
        self.results[result.instance_id] = result
        if result.status != "cut":
            self.finished.add(result.instance_id)

    def status(self, instance_id: str) -> str:
        result = self.results.get(instance_id)
        if result is None and instance_id in self.finished:
            return "unknown"  # a prediction line without its result.json (copied in by hand?)
        if result is None or (instance_id not in self.finished and result.status != "cut"):
            return "pending"
        return result.status if result.status in STATUSES else "error"

    def summary(self, settings: BatchSettings, started_at: str, wall_seconds: float) -> dict[str, Any]:
        return build_summary(self, settings, FileLedger(self.paths["ledger"]).snapshot(), started_at,
                             wall_seconds)


def build_summary(tally: Tally, settings: BatchSettings, spent: Mapping[str, Spend], started_at: str,
                  wall_seconds: float) -> dict[str, Any]:
    counts = {status: 0 for status in (*STATUSES, "unknown", "pending")}
    per_instance: dict[str, dict[str, Any]] = {}
    cut: list[str] = []
    errors: dict[str, str] = {}
    overheads: list[float] = []
    seconds_total = 0.0
    for instance in tally.instances:
        iid = instance.instance_id
        status = tally.status(iid)
        result = tally.results.get(iid)
        counts[status] += 1
        spend = spent.get(iid)
        entry: dict[str, Any] = {"status": status,
                                 "cost": round(spend.cost, 6) if spend else 0.0,
                                 "tokens": spend.tokens if spend else 0}
        if result is not None and status != "pending":
            entry.update(seconds=round(result.seconds, 3), limit_hit=result.limit_hit,
                         oracle_tests=result.oracle_tests, **({"note": result.note} if result.note else {}))
            seconds_total += result.seconds
            if result.overhead_seconds:
                overheads.append(result.overhead_seconds)
        if status == "cut":
            cut.append(iid)
        if status == "error" and result is not None:
            errors[iid] = result.error
        per_instance[iid] = entry
    chosen = [s for k, s in spent.items() if k in per_instance]
    cost = sum(s.cost for s in chosen)
    summary: dict[str, Any] = {
        "started": started_at,
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_name_or_path": settings.model_name,
        "oracle_tests": settings.oracle_tests,
        "total": len(tally.instances),
        "finished": sum(counts[s] for s in (*STATUSES, "unknown") if s != "cut"),
        "status_counts": counts,
        "cost": round(cost, 6),
        "max_total_cost": settings.max_total_cost,
        "budget_spent": bool(settings.max_total_cost) and cost >= settings.max_total_cost - EPSILON,
        "tokens": sum(s.tokens for s in chosen),
        "model_calls": sum(s.calls for s in chosen),
        "time": {"wall_seconds_this_run": round(wall_seconds, 3),
                 "instance_seconds_total": round(seconds_total, 3),
                 "overhead_seconds_mean": round(sum(overheads) / len(overheads), 3) if overheads else None},
        "cut": cut,
        "errors": errors,
        "settings": settings_record(settings),
        "instances": per_instance,
    }
    if settings.oracle_tests:
        # with the instance's own FAIL_TO_PASS + PASS_TO_PASS as the test command, "fixed" is "resolved"
        summary["resolved_oracle"] = [i for i, e in per_instance.items()
                                      if e["status"] == "fixed" and e.get("oracle_tests", True)]
    return summary
