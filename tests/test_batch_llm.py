"""`swebot batch run` with the LLM engine against a scripted fake OpenAI server on 127.0.0.1:
predictions and cost, the total cost cap, and resuming after a real kill -9 of the driver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.fake_openai import FakeOpenAI
from tests.swebench_fixtures import (
    COST_PER_CALL,
    LLM_EDITS,
    build_dataset,
    llm_responder,
)


@pytest.fixture
def dataset(tmp_path: Path):
    return build_dataset(tmp_path / "data")


def batch_args(dataset, tmp_path: Path, server: FakeOpenAI, *extra: str) -> list[str]:
    instances = dataset.write_jsonl(tmp_path / "instances.jsonl")
    return [sys.executable, "-m", "swebot", "batch", "run", "--instances", str(instances),
            "--output", str(tmp_path / "out"), "--engine", "llm", "--model", "gpt-4o-mini",
            "--base-url", server.base_url, "--sandbox", "local", "--repo-source", dataset.repo_source,
            "--no-swebench-images", "--no-reproduction", *extra]  # the scripted model edits straight away


def env_for(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SWEBOT_CACHE_DIR": str(tmp_path / "cache"),
            "SWEBOT_HOME": str(tmp_path / "home")}


def preds(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "out" / "preds.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_llm_batch_predictions_cost_and_tokens(dataset, tmp_path: Path) -> None:
    with FakeOpenAI([llm_responder(dataset)] * 50) as server:
        proc = subprocess.run(batch_args(dataset, tmp_path, server, "--workers", "2", "--json"),
                              env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["status_counts"]["fixed"] == 5
    assert summary["cost"] == pytest.approx(5 * 2 * COST_PER_CALL)
    assert summary["tokens"] == 5 * 2 * 1_000_000
    assert summary["model_name_or_path"] == "swebot-llm__gpt-4o-mini"
    by_id = {p["instance_id"]: p for p in preds(tmp_path)}
    assert set(by_id) == set(LLM_EDITS)
    path, old, new = LLM_EDITS["acme__geom-3"]
    patch = by_id["acme__geom-3"]["model_patch"]
    assert f"diff --git a/{path} b/{path}" in patch and f"-        return 2 * ({old})" in patch
    assert f"+        return 2 * ({new})" in patch
    assert (tmp_path / "out" / "instances" / "acme__geom-3" / "report.json").exists()


def test_total_cost_cap_stops_new_calls_and_names_the_cut_instances(dataset, tmp_path: Path) -> None:
    seen: list[str] = []
    with FakeOpenAI([llm_responder(dataset, seen=seen)] * 50) as server:
        # one call costs 0.15: the first instance's second call starts under 0.2 and ends over it
        proc = subprocess.run(batch_args(dataset, tmp_path, server, "--max-total-cost", "0.2"),
                              env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    assert seen == ["acme__shop-1", "acme__shop-1"]  # no model call once the budget was spent
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["cost"] == pytest.approx(2 * COST_PER_CALL)
    assert summary["cut"] == ["acme__shop-2", "acme__geom-3", "acme__geom-4", "acme__geom-5"]
    assert summary["budget_spent"] is True
    assert [p["instance_id"] for p in preds(tmp_path)] == ["acme__shop-1"]
    assert "cut by --max-total-cost: acme__shop-2" in proc.stdout


@pytest.mark.slow
def test_cost_cap_is_checked_before_every_model_call_across_workers(dataset, tmp_path: Path) -> None:
    from swebot.agent.config import LLMSettings

    if "model_wrapper" not in LLMSettings.model_fields:
        pytest.skip("this LLM engine has no model_wrapper hook")
    seen: list[str] = []
    workers, limit = 2, 0.2
    with FakeOpenAI([llm_responder(dataset, delay=0.3, seen=seen)] * 50) as server:
        proc = subprocess.run(batch_args(dataset, tmp_path, server, "--max-total-cost", str(limit),
                                         "--workers", str(workers)),
                              env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    # two calls reach the limit; each other worker may have had one call in flight
    assert 2 <= len(seen) <= 2 + workers - 1
    assert summary["cost"] == pytest.approx(len(seen) * COST_PER_CALL)
    assert summary["model_calls"] == len(seen)
    finished = {p["instance_id"] for p in preds(tmp_path)} if (tmp_path / "out" / "preds.jsonl").exists() else set()
    assert finished | set(summary["cut"]) == set(LLM_EDITS) and not finished & set(summary["cut"])
    assert len(summary["cut"]) >= 3
    for instance_id in summary["cut"]:  # an instance stopped mid-run names the limit
        result = json.loads((tmp_path / "out" / "instances" / instance_id / "result.json").read_text())
        assert result["limit_hit"] == "max_total_cost"


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_loses_nothing_and_duplicates_nothing(dataset, tmp_path: Path) -> None:
    seen: list[str] = []
    with FakeOpenAI([llm_responder(dataset, delay=0.7, seen=seen)] * 100) as server:
        args = batch_args(dataset, tmp_path, server)
        proc = subprocess.Popen(args, env=env_for(tmp_path), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        preds_path = tmp_path / "out" / "preds.jsonl"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = preds_path.read_text().count("\n") if preds_path.exists() else 0
            if done >= 2:
                break
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        before = preds_path.read_bytes()
        finished_before = [json.loads(line)["instance_id"] for line in before.decode().splitlines()]
        assert 2 <= len(finished_before) < 5
        summary = json.loads((tmp_path / "out" / "summary.json").read_text())
        # The prediction line is the record; summary.json follows it, so a kill between the two
        # leaves the summary one instance behind (never ahead). The rerun recomputes it.
        assert summary["status_counts"]["pending"] in (5 - len(finished_before), 6 - len(finished_before))
        with open(preds_path, "ab") as fh:  # a torn last line, as a kill inside write() leaves it
            fh.write(b'{"instance_id": "acme__geom-5", "model_name_or_path": "swe')
        seen.clear()
        rerun = subprocess.run(args, env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert not set(seen) & set(finished_before)  # finished instances were not run again
    text = preds_path.read_text()
    assert text.encode().startswith(before)  # what was there is kept byte for byte
    ids = [json.loads(line)["instance_id"] for line in text.splitlines()]  # every line parses
    assert sorted(ids) == sorted(LLM_EDITS)  # each instance exactly once
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status_counts"]["fixed"] == 5 and summary["status_counts"]["pending"] == 0
    assert not any((tmp_path / "out" / "work").iterdir())


@pytest.mark.slow
def test_attempts_per_instance_are_chosen_among_and_charged_to_the_batch(dataset, tmp_path: Path) -> None:
    seen: list[str] = []
    with FakeOpenAI([llm_responder(dataset, seen=seen)] * 20) as server:
        proc = subprocess.run(batch_args(dataset, tmp_path, server, "--filter", "shop-1", "--attempts", "2", "--json"),
                              env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["status_counts"]["fixed"] == 1 and summary["settings"]["attempts"] == 2
    assert seen == ["acme__shop-1"] * 4  # two attempts, two calls each
    assert summary["cost"] == pytest.approx(4 * COST_PER_CALL) and summary["model_calls"] == 4
    folder = tmp_path / "out" / "instances" / "acme__shop-1"
    details = json.loads((folder / "report.json").read_text())["details"]
    assert [a["id"] for a in details["attempts"]] == ["a1", "a2"]
    assert details["selection"]["winner"] == "a1" and len(details["selection"]["groups"]) == 1
    assert (folder / "trajectory-a1.json").exists() and (folder / "trajectory-a2.json").exists()
    assert "total >= 100" in preds(tmp_path)[0]["model_patch"]
