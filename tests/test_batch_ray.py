"""`--executor ray` on a local Ray cluster (started by the run): the driver alone writes outputs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI
from tests.swebench_fixtures import COST_PER_CALL, build_dataset, llm_responder
from tests.test_batch_llm import batch_args, env_for

pytest.importorskip("ray")
pytestmark = pytest.mark.slow


def test_ray_executor_runs_instances_as_tasks_and_ships_run_files_back(tmp_path: Path) -> None:
    dataset = build_dataset(tmp_path / "data")
    seen: list[str] = []
    with FakeOpenAI([llm_responder(dataset, seen=seen)] * 50) as server:
        args = batch_args(dataset, tmp_path, server, "--executor", "ray", "--workers", "2",
                          "--filter", "shop|geom-3", "--max-total-cost", "100")
        proc = subprocess.run(args, env={**env_for(tmp_path), "RAY_AUTH_MODE": "disabled"},
                              capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "out"
    ids = [json.loads(line)["instance_id"] for line in (out / "preds.jsonl").read_text().splitlines()]
    assert sorted(ids) == ["acme__geom-3", "acme__shop-1", "acme__shop-2"]
    assert sorted(set(seen)) == sorted(ids)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status_counts"]["fixed"] == 3
    assert summary["cost"] == pytest.approx(3 * 2 * COST_PER_CALL)  # the ledger actor's totals came back
    assert summary["settings"]["executor"] == "ray"
    for instance_id in ids:  # run folders were written on the worker side and shipped to the driver
        folder = out / "instances" / instance_id
        assert (folder / "report.json").exists() and (folder / "result.json").exists()
        assert json.loads((folder / "report.json").read_text())["status"] == "fixed"
    assert not (out / "work").exists() or not any((out / "work").iterdir())
