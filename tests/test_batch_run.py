"""The batch driver with a fake ``run_fix`` at the seam: outputs, resume, redo, errors, the total budget.

The fake stands in for the engine pipeline only; worktrees, the repository cache, the worker
processes, the ledger and the output files are all real.
"""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from swebot.agent.config import LLMSettings
from swebot.batch.dataset import load_instances, select
from swebot.batch.driver import run_batch
from swebot.batch.ledger import FileLedger
from swebot.batch.settings import BatchSettings
from swebot.batch.store import PredictionStore
from swebot.cli import main
from swebot.models import Message, ModelReply, ScriptedModel, Usage
from swebot.repair import FixReport
from tests.swebench_fixtures import build_dataset, git

CALL_COST = 0.10


def fake_fix(gold: dict[str, str], test_patches: dict[str, str], request: Any, *,
             fail: str = "", calls_needed: int = 0) -> FixReport:
    """Record what the engine would see, then answer with the gold patch plus the test files."""
    run_dir = Path(request.output_dir)
    instance_id = run_dir.name if run_dir.name != "run" else run_dir.parent.name
    tree = Path(request.path)
    seen = {
        "test_command": request.test_command,
        "issue": request.issue,
        "head": git(tree, "rev-parse", "HEAD").strip(),
        "files": sorted(str(p.relative_to(tree)) for p in tree.rglob("*.py")),
        "sandbox": request.sandbox,
        "pid": os.getpid(),
    }
    (run_dir / "seen.json").write_text(json.dumps(seen))
    with open(run_dir.parent.parent / "fix-calls.log", "a") as log:
        log.write(instance_id + "\n")
    if instance_id == fail:
        raise RuntimeError("engine crashed")
    if calls_needed:
        model = request.engine_settings.model_wrapper(ScriptedModel(
            [ModelReply(Message("assistant", "ok"), Usage(900, 100), cost=CALL_COST)] * calls_needed))
        for _ in range(calls_needed):
            model.complete([Message("user", "fix it")], [])  # LimitReached propagates: the instance is cut
    patch = gold[instance_id] + test_patches[instance_id]
    return FixReport(status="fixed", patch=patch, files_changed=(), failing_before=("t",), failing_after=(),
                     candidates_tried=1, seconds=0.1, run_dir=run_dir)


@pytest.fixture
def data(tmp_path: Path):
    dataset = build_dataset(tmp_path / "data")
    path = dataset.write_jsonl(tmp_path / "instances.jsonl")
    return dataset, load_instances(path), path


def settings(tmp_path: Path, dataset, **kw: Any) -> BatchSettings:
    base = dict(output=tmp_path / "out", sandbox="local", repo_source=dataset.repo_source,
                cache_dir=tmp_path / "cache", use_swebench_images=False)
    return BatchSettings(**{**base, **kw})


def fix_for(dataset, **kw: Any):
    return partial(fake_fix, dataset.gold, {i["instance_id"]: i["test_patch"] for i in dataset.instances}, **kw)


def fix_calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "out" / "fix-calls.log"
    return path.read_text().split() if path.exists() else []


def test_oracle_run_writes_predictions_summary_and_instance_folders(data, tmp_path: Path) -> None:
    dataset, instances, _ = data
    outcome = run_batch(instances, settings(tmp_path, dataset, oracle_tests=True, hints=True), None,
                        fix=fix_for(dataset))
    assert outcome.complete
    preds = [json.loads(line) for line in (tmp_path / "out" / "preds.jsonl").read_text().splitlines()]
    assert [p["instance_id"] for p in preds] == [i.instance_id for i in instances]
    for pred in preds:
        assert set(pred) == {"instance_id", "model_name_or_path", "model_patch"}
        assert pred["model_name_or_path"] == "swebot-builtin"
        assert pred["model_patch"] == dataset.gold[pred["instance_id"]]  # the test_patch files are stripped
    seen = json.loads((tmp_path / "out" / "instances" / "acme__shop-1" / "seen.json").read_text())
    first = dataset.by_id("acme__shop-1")
    assert seen["head"] == first["base_commit"]
    assert "tests/test_issue1.py" in seen["files"]  # the oracle test_patch was applied
    assert "tests/test_issue1.py::test_member_exactly_100" in seen["test_command"]
    assert "tests/test_pricing.py::test_non_member" in seen["test_command"]
    assert seen["issue"].startswith(first["problem_statement"]) and "Look at the comparison." in seen["issue"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status_counts"]["fixed"] == 5 and summary["finished"] == 5
    assert summary["oracle_tests"] is True and summary["settings"]["oracle_tests"] is True
    assert summary["resolved_oracle"] == [i.instance_id for i in instances]
    assert summary["time"]["overhead_seconds_mean"] is not None
    result = json.loads((tmp_path / "out" / "instances" / "acme__geom-4" / "result.json").read_text())
    assert result["status"] == "fixed" and result["sandbox"] == "sandbox local"
    assert not any((tmp_path / "out" / "work").iterdir())  # worktrees removed


def test_without_oracle_the_engine_never_sees_the_hidden_tests(data, tmp_path: Path) -> None:
    dataset, instances, _ = data
    run_batch(select(instances, "shop-1"), settings(tmp_path, dataset), None, fix=fix_for(dataset))
    seen = json.loads((tmp_path / "out" / "instances" / "acme__shop-1" / "seen.json").read_text())
    assert seen["test_command"] is None
    assert "tests/test_issue1.py" not in seen["files"]
    assert seen["issue"] == dataset.by_id("acme__shop-1")["problem_statement"]  # no hints without --hints
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "resolved_oracle" not in summary and summary["status_counts"]["pending"] == 0


def test_rerun_skips_finished_instances_and_redo_forces(data, tmp_path: Path) -> None:
    dataset, instances, _ = data
    fix = fix_for(dataset)
    run_batch(instances[:2], settings(tmp_path, dataset), None, fix=fix)
    run_batch(instances, settings(tmp_path, dataset), None, fix=fix)
    assert fix_calls(tmp_path) == [i.instance_id for i in instances]  # the first two were not redone
    run_batch(instances, settings(tmp_path, dataset, redo=True), None, fix=fix)
    assert len(fix_calls(tmp_path)) == 10
    run_batch(select(instances, "geom-4"), settings(tmp_path, dataset, redo=True), None, fix=fix)
    lines = (tmp_path / "out" / "preds.jsonl").read_text().splitlines()
    ids = [json.loads(line)["instance_id"] for line in lines]
    assert sorted(ids) == sorted(i.instance_id for i in instances)  # nothing duplicated
    assert ids[-1] == "acme__geom-4"


def test_an_instance_that_crashes_is_recorded_and_the_batch_goes_on(data, tmp_path: Path) -> None:
    dataset, instances, _ = data
    outcome = run_batch(instances, settings(tmp_path, dataset, workers=2), None,
                        fix=fix_for(dataset, fail="acme__shop-2"))
    assert not outcome.complete
    summary = outcome.summary
    assert summary["status_counts"]["error"] == 1 and summary["status_counts"]["fixed"] == 4
    assert "engine crashed" in summary["errors"]["acme__shop-2"]
    assert "RuntimeError" in (tmp_path / "out" / "instances" / "acme__shop-2" / "error.txt").read_text()
    pids = {json.loads((tmp_path / "out" / "instances" / i.instance_id / "seen.json").read_text())["pid"]
            for i in instances}
    assert os.getpid() not in pids  # ran in worker processes
    preds = PredictionStore(tmp_path / "out" / "preds.jsonl").load()
    assert preds["acme__shop-2"]["model_patch"] == ""


def test_total_cost_cap_holds_across_workers_and_a_bigger_budget_finishes_the_rest(data, tmp_path: Path) -> None:
    dataset, instances, _ = data
    workers, limit = 2, 0.45
    fix = fix_for(dataset, calls_needed=3)  # each instance needs 3 calls of 0.10
    llm = LLMSettings(model="fake-model")
    outcome = run_batch(instances, settings(tmp_path, dataset, workers=workers, engine="auto", llm=llm,
                                            max_total_cost=limit), None, fix=fix)
    summary = outcome.summary
    ledger = FileLedger(tmp_path / "out" / "ledger.json")
    assert ledger.spent().cost < limit + workers * CALL_COST  # at most one call per worker beyond the limit
    assert summary["budget_spent"] is True and not outcome.complete
    assert summary["cut"], "some instances must have been cut"
    preds = PredictionStore(tmp_path / "out" / "preds.jsonl").load()
    assert set(preds) | set(summary["cut"]) == {i.instance_id for i in instances}
    assert not set(preds) & set(summary["cut"])
    assert summary["cost"] == pytest.approx(ledger.spent().cost)
    assert summary["model_name_or_path"] == "swebot-auto__fake-model"
    outcome = run_batch(instances, settings(tmp_path, dataset, workers=workers, engine="auto", llm=llm,
                                            max_total_cost=100.0), None, fix=fix)
    assert outcome.complete and outcome.summary["cut"] == []
    assert set(PredictionStore(tmp_path / "out" / "preds.jsonl").load()) == {i.instance_id for i in instances}


def test_cli_rejects_malformed_instances_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"instance_id": "x__y-1", "repo": "x/y", "base_commit": "abcdef1",
                               "problem_statement": "p", "PASS_TO_PASS": "not json"}) + "\n")
    status = main(["batch", "run", "--instances", str(bad), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert "x__y-1" in err and "'PASS_TO_PASS'" in err
    assert not (tmp_path / "out").exists()
    assert main(["batch", "run", "--instances", str(bad), "--output", str(tmp_path / "o"),
                 "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_oracle_command_selects_ids_swebench_cut_at_a_space(make_repo) -> None:
    """flask-5063 lists `tests/test_cli.py::test_locate_app[cliapp.factory-` (its parameter had a
    space), pylint-7080 `test_stdin[/n/fs/p-swe-bench/temp/...]` (a path of the recording machine):
    selected as is, pytest rejects the whole command; their test functions run instead."""
    from swebot.batch.dataset import Instance
    from swebot.batch.runner import oracle_test_command
    from swebot.sandbox.local import LocalSandbox
    from swebot.testing import TestRunner

    repo = make_repo({"tests/test_cli.py": '''
        import pytest


        @pytest.mark.parametrize("name", ["cliapp.factory-create_app2('foo', 'bar')", "plain"])
        def test_locate_app(name):
            assert name


        def test_other():
            assert True


        @pytest.mark.parametrize("path", [os.path.abspath("mymodule.py"), "mymodule.py"])
        def test_stdin(path):
            assert path
        '''})
    (repo / "tests" / "test_cli.py").write_text("import os\n" + (repo / "tests" / "test_cli.py").read_text())
    instance = Instance.model_validate({
        "instance_id": "acme__cli-1", "repo": "acme/cli", "base_commit": "abcd1234", "problem_statement": "x",
        "FAIL_TO_PASS": ["tests/test_cli.py::test_other"],
        "PASS_TO_PASS": ["tests/test_cli.py::test_locate_app[cliapp.factory-create_app2('foo',",
                         "tests/test_cli.py::test_locate_app[plain]",
                         "tests/test_cli.py::test_stdin[/n/fs/elsewhere/mymodule.py]",
                         "tests/test_cli.py::test_stdin[mymodule.py]",
                         # pieces of pytest's progress column SWE-bench read as tests (pytest-5227)
                         "[", "[100%]", "[100%]------------------------------"]})
    command = oracle_test_command(instance)
    assert command is not None and "test_locate_app[cliapp" not in command and "/n/fs" not in command
    assert "100%" not in command
    with LocalSandbox(repo) as sandbox:
        report = TestRunner(sandbox, command, timeout=120).run()
    assert report.exit_code == 0, report.output_tail
    assert len(report.passing) == 5, report.passing
    assert {"tests/test_cli.py::test_locate_app[plain]", "tests/test_cli.py::test_stdin[mymodule.py]"} <= report.passing


def test_a_local_service_started_for_the_tests_runs_before_every_run_selected_ones_too(make_repo) -> None:
    """requests' tests call httpbin, which the harness's eval script starts before the tests; the
    sandbox kills what a command leaves running, so the engines' runs (the whole oracle command and
    the selected ids alike) must each start it and see what it exports."""
    from swebot.batch.harness import LOCAL_SERVICES
    from swebot.batch.runner import after_service_start
    from swebot.sandbox.local import LocalSandbox
    from swebot.testing import TestRunner

    repo = make_repo({"tests/test_service.py": '''
        import os
        import urllib.request


        def test_reaches_the_service():
            url = os.environ["SERVICE_URL"]
            assert urllib.request.urlopen(url, timeout=10).read() == b"up"


        def test_other():
            assert True
        '''})
    # a stand-in service: a loopback HTTP server answering "up", its address exported once it answers
    start = (
        "(python3 -c 'import http.server as h, socket\n"
        "class H(h.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers(); self.wfile.write(b\"up\")\n"
        "s = h.HTTPServer((\"127.0.0.1\", 0), H)\n"
        "open(\"port\", \"w\").write(str(s.server_address[1]))\n"
        "s.serve_forever()' &); "
        "for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done; "
        "export SERVICE_URL=http://127.0.0.1:$(cat port)/; rm -f port"
    )
    command = after_service_start(start, "python -m pytest -q tests/test_service.py")
    with LocalSandbox(repo) as sandbox:
        runner = TestRunner(sandbox, command, timeout=120)
        whole = runner.run()
        selected = runner.run(["tests/test_service.py::test_reaches_the_service"])
    assert whole.exit_code == 0, whole.output_tail
    assert len(whole.passing) == 2
    assert selected.passing == {"tests/test_service.py::test_reaches_the_service"}, selected.output_tail
    # the oracle command of a requests instance starts the harness's httpbin the same way
    from swebot.batch.dataset import Instance
    from swebot.batch.runner import oracle_test_command

    instance = Instance.model_validate({
        "instance_id": "psf__requests-863", "repo": "psf/requests", "base_commit": "abcd1234",
        "problem_statement": "x", "FAIL_TO_PASS": ["tests/test_requests.py::RequestsTestSuite::test_x"]})
    oracle = oracle_test_command(instance)
    assert oracle == after_service_start(LOCAL_SERVICES["psf/requests"].start,
                                         "python -m pytest -q tests/test_requests.py::RequestsTestSuite::test_x")
