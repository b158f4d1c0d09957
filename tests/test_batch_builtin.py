"""The real pipeline end to end: `batch run --oracle-tests` with the builtin engine, then
`batch evaluate` on its predictions, which must agree with the known resolved set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.swebench_fixtures import build_dataset
from tests.test_batch_llm import env_for

pytestmark = pytest.mark.slow


def test_builtin_oracle_run_then_evaluate_agrees(tmp_path: Path) -> None:
    dataset = build_dataset(tmp_path / "data")
    instances = dataset.write_jsonl(tmp_path / "instances.jsonl")
    common = ["--instances", str(instances), "--filter", "shop-1|geom-4", "--repo-source", dataset.repo_source]
    run = subprocess.run(
        [sys.executable, "-m", "swebot", "batch", "run", *common, "--output", str(tmp_path / "out"),
         "--oracle-tests", "--sandbox", "local", "--no-swebench-images", "--workers", "2",
         "--time-limit", "90"],
        env=env_for(tmp_path), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["resolved_oracle"] == ["acme__shop-1"]
    assert summary["instances"]["acme__geom-4"]["status"] == "not_fixed"
    preds = {json.loads(line)["instance_id"]: json.loads(line)["model_patch"]
             for line in (tmp_path / "out" / "preds.jsonl").read_text().splitlines()}
    assert "+    if is_member and total >= 100:" in preds["acme__shop-1"]
    assert "tests/test_issue1.py" not in preds["acme__shop-1"]  # the oracle test_patch is not predicted
    report_path = tmp_path / "report.json"
    evaluate = subprocess.run(
        [sys.executable, "-m", "swebot", "batch", "evaluate", *common,
         "--predictions", str(tmp_path / "out" / "preds.jsonl"), "--report", str(report_path),
         "--sandbox", "local"],
        env=env_for(tmp_path), capture_output=True, text=True, timeout=900)
    assert evaluate.returncode == 0, evaluate.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert report["resolved"] == summary["resolved_oracle"]
    assert report["unresolved"] + report["error"] == ["acme__geom-4"]
