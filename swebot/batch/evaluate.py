"""``swebot batch evaluate``: does each predicted patch resolve its instance?

Per prediction: a fresh worktree at ``base_commit``, the model patch, then the instance's
``test_patch``; FAIL_TO_PASS and PASS_TO_PASS run in a sandbox. Resolved means every one of them
passes (the SWE-bench definition). ``error`` means the evaluation itself could not conclude: the
patch does not apply, the test run timed out, the environment failed, or the test ids are in a
format swebot cannot run. How the tests run and are read depends on the repository (pytest, Django's
runtests.py, SymPy's bin/test): see ``swebot.batch.testspecs``. A test the run never reports
counts as failing, and the verdict lists it under ``no_result``.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field

from swebot.batch.dataset import Instance
from swebot.batch.environment import IMAGE_KINDS, Progress, environment_for, image_policy
from swebot.batch.repos import DEFAULT_SOURCE, RepoCache, apply_patch, check_template
from swebot.batch import harness
from swebot.batch.testspecs import PYTEST_COMMAND, HarnessLogSpec, spec_for, unreported
from swebot.errors import BadInput, SwebotError
from swebot.leftovers import owned_tempdir
from swebot.types import Sandbox, TestReport

EVAL_COMMAND = PYTEST_COMMAND


class EvaluateSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    workers: int = Field(1, ge=1, le=256)
    sandbox: str = "auto"
    repo_source: str = DEFAULT_SOURCE
    cache_dir: Path | None = None
    test_timeout: float = Field(1800.0, gt=0)
    # How pytest-style repositories run their tests; Django and SymPy use their harness commands.
    test_command: str = EVAL_COMMAND
    use_swebench_images: bool = True  # evaluate inside sweb.eval.* images: local, else pulled
    image_namespace: str | None = None  # where official images are pulled from (None: swebench; "": never pull)


@dataclass(frozen=True)
class Verdict:
    instance_id: str
    outcome: str  # resolved | unresolved | error
    fail_to_pass_failing: tuple[str, ...] = ()
    pass_to_pass_failing: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0
    empty_patch: bool = False
    no_result: tuple[str, ...] = ()  # ids the test run never reported (counted as failing)

    def why(self, shown: int = 3) -> str:
        """Why it did not resolve, in one line (the progress line's; a run cut short keeps it):
        the failing tests of each list, the first few named, or the error's first line."""
        if self.outcome == "resolved":
            return ""
        parts = [f"{name} failing {len(ids)}: {', '.join(ids[:shown])}{', ...' if len(ids) > shown else ''}"
                 for name, ids in (("FAIL_TO_PASS", self.fail_to_pass_failing),
                                   ("PASS_TO_PASS", self.pass_to_pass_failing)) if ids and not self.empty_patch]
        if self.error:
            parts.append(self.error.strip().splitlines()[0])
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "fail_to_pass_failing": list(self.fail_to_pass_failing),
                "pass_to_pass_failing": list(self.pass_to_pass_failing), "error": self.error,
                "seconds": round(self.seconds, 3), "empty_patch": self.empty_patch,
                "no_result": list(self.no_result)}


SandboxOpener = Callable[[str, Path], Sandbox]
TestRun = Callable[[Sandbox, Sequence[str], float], TestReport]


def load_predictions(path: Path) -> dict[str, str]:
    """instance_id -> model_patch from a JSONL (preds.jsonl) or JSON (list or id-keyed dict) file.

    A truncated last line (a run killed mid-write) is ignored; any other bad line is BadInput.
    """
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read the predictions file {path}: {exc.strerror or exc}") from exc
    records: list[tuple[str, Any]] = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = [(f"item {n}", r) for n, r in enumerate(json.loads(text), start=1)]
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}: not valid JSON ({exc.msg})") from exc
    else:
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                if number == len(lines) and not text.endswith("\n"):
                    continue  # a line cut by a crash
                if number == 1 and len(lines) > 1:  # maybe one pretty-printed JSON object keyed by id
                    try:
                        data = json.loads(text)
                    except json.JSONDecodeError:
                        data = None
                    if isinstance(data, dict):
                        records = [(f"key {k}", {"instance_id": k, **v}) for k, v in data.items()
                                   if isinstance(v, dict)]
                        break
                raise BadInput(f"{path} line {number}: not valid JSON ({exc.msg})") from exc
    found: dict[str, str] = {}
    for where, record in records:
        if not isinstance(record, dict) or not isinstance(record.get("instance_id"), str):
            raise BadInput(f"{path} {where}: a prediction needs a string 'instance_id'")
        patch = record.get("model_patch")
        if patch is not None and not isinstance(patch, str):
            raise BadInput(f"{path} {where}: prediction {record['instance_id']!r}: field 'model_patch' "
                           "must be a string")
        found[record["instance_id"]] = patch or ""
    return found


def _default_open(kind: str, workspace: Path) -> Sandbox:
    from swebot.sandbox.factory import open_sandbox

    # the eval script runs the instance setup itself (harness.eval_script), as the harness does
    return open_sandbox(kind, workspace, on_warning=lambda message: None)


def _unreported_note(report: TestReport, missing: Sequence[str], total: int) -> str:
    if not missing:
        return ""
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    note = f"{len(missing)} of {total} tests never appeared in the test run's output (counted as failing): {shown}"
    if len(missing) == total and report.output_tail.strip():
        note += "\nlast lines of the output:\n" + "\n".join(report.output_tail.strip().splitlines()[-5:])
    return note


def evaluate_one(instance: Instance, patch: str, settings: EvaluateSettings, *,
                 open_sandbox: SandboxOpener = _default_open, run_tests: TestRun | None = None,
                 on_progress: Progress | None = None) -> Verdict:
    started = time.monotonic()

    def failed(message: str) -> Verdict:
        return Verdict(instance.instance_id, "error", error=message, seconds=time.monotonic() - started)

    if not patch.strip():
        return Verdict(instance.instance_id, "unresolved", error="empty patch", empty_patch=True,
                       fail_to_pass_failing=instance.FAIL_TO_PASS)
    graded_by_harness: list[harness.Grade] = []
    scratch = owned_tempdir("swebot-eval-")
    try:
        cache = RepoCache(settings.cache_dir, settings.repo_source)
        kind, _ = environment_for(instance, settings.sandbox,
                                  image_policy(settings.use_swebench_images, settings.image_namespace), cache,
                                  on_progress=on_progress)
        if run_tests is None:
            # In an image of the instance's environment the harness's install steps run on the tree first.
            spec = spec_for(instance, settings.test_command, setup=kind.startswith(IMAGE_KINDS))
            run_tests = _graded_by_harness(spec, instance, graded_by_harness) if isinstance(spec, HarnessLogSpec) \
                else spec.run
        with cache.worktree(instance.repo, instance.base_commit, scratch / "repo") as tree:
            try:
                apply_patch(tree, patch, "model patch")
            except SwebotError as exc:
                return failed(str(exc))
            apply_patch(tree, instance.test_patch, "test_patch")
            sandbox = open_sandbox(kind, tree)
            try:
                ids = list(dict.fromkeys([*instance.FAIL_TO_PASS, *instance.PASS_TO_PASS]))
                report = run_tests(sandbox, ids, settings.test_timeout)
            finally:
                sandbox.close()
    except SwebotError as exc:  # ids no runner can select, an environment that cannot be built, ...
        return failed(str(exc))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if report.timed_out:
        return Verdict(instance.instance_id, "error", error="the test run timed out",
                       seconds=time.monotonic() - started)
    if graded_by_harness:
        grade = graded_by_harness[0]
        f2p, p2p = grade.fail_to_pass_failing, grade.pass_to_pass_failing
    else:
        # As SWE-bench grades: a passing or xfail test passes; a skipped one keeps a PASS_TO_PASS
        # test but does not resolve a FAIL_TO_PASS one; one the run never reported fails.
        outcomes = {c.nodeid: c.outcome for c in report.cases}
        f2p = tuple(t for t in instance.FAIL_TO_PASS if outcomes.get(t, "failed") != "passed")
        p2p = tuple(t for t in instance.PASS_TO_PASS if outcomes.get(t, "failed") not in ("passed", "skipped"))
    outcome = "resolved" if not f2p and not p2p else "unresolved"
    missing = unreported(report, ids)
    return Verdict(instance.instance_id, outcome, f2p, p2p, error=_unreported_note(report, missing, len(ids)),
                   seconds=time.monotonic() - started, no_result=missing)


def _graded_by_harness(spec: HarnessLogSpec, instance: Instance, into: list[harness.Grade]) -> TestRun:
    """The spec's run, which also grades its status map with the harness's grading into ``into``."""
    def run(sandbox: Sandbox, ids: Sequence[str], timeout: float) -> TestReport:
        report, status = spec.run_with_status(sandbox, ids, timeout)
        into.append(harness.grade(status, instance.FAIL_TO_PASS, instance.PASS_TO_PASS))
        return report

    return run


def evaluate(instances: Sequence[Instance], predictions: Mapping[str, str], settings: EvaluateSettings, *,
             progress: TextIO | None = None, open_sandbox: SandboxOpener = _default_open,
             run_tests: TestRun | None = None, notes: TextIO | None = None) -> dict[str, Any]:
    """Evaluate every selected instance that has a prediction; the report as a JSON-ready dict.
    ``progress`` gets a line per instance, ``notes`` (default: ``progress``) slow steps such as pulls."""
    check_template(settings.repo_source)
    by_id = {i.instance_id: i for i in instances}
    todo = [i for i in instances if i.instance_id in predictions]
    missing = [i.instance_id for i in instances if i.instance_id not in predictions]
    verdicts: dict[str, Verdict] = {}

    def note(message: str) -> None:
        stream = notes or progress
        if stream is not None:
            stream.write(f"swebot: {message}\n")
            stream.flush()

    def one(instance: Instance) -> Verdict:
        try:
            return evaluate_one(instance, predictions[instance.instance_id], settings,
                                open_sandbox=open_sandbox, run_tests=run_tests, on_progress=note)
        except Exception as exc:  # noqa: BLE001 - one instance's surprise must not end the evaluation
            return Verdict(instance.instance_id, "error", error=f"{type(exc).__name__}: {exc}")

    with cf.ThreadPoolExecutor(max_workers=settings.workers) as pool:
        for verdict in pool.map(one, todo):
            verdicts[verdict.instance_id] = verdict
            if progress is not None:
                why = verdict.why()
                progress.write(f"[{len(verdicts)}/{len(todo)}] {verdict.instance_id}: {verdict.outcome}"
                               f"{f' ({why})' if why else ''}\n")
                progress.flush()
    ordered = [by_id[i.instance_id].instance_id for i in todo]
    return {
        "total": len(todo),
        "resolved": [i for i in ordered if verdicts[i].outcome == "resolved"],
        "unresolved": [i for i in ordered if verdicts[i].outcome == "unresolved"],
        "error": [i for i in ordered if verdicts[i].outcome == "error"],
        "missing": missing,
        "empty_patch": [i for i in ordered if verdicts[i].empty_patch],
        "instances": {i: verdicts[i].to_json() for i in ordered},
    }
