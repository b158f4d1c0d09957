"""--instances beyond JSON/JSONL: a parquet file, or a dataset by name (a local dataset folder
here, loaded by the datasets library offline), with --split."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from swebot.batch.dataset import load_instances
from swebot.errors import BadInput, EnvironmentProblem
from tests.swebench_fixtures import build_dataset

pq = pytest.importorskip("pyarrow.parquet", reason="pip install 'swebot[datasets]'")
import pyarrow as pa  # noqa: E402


def _write_parquet(rows: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # As on the Hub: the test lists are JSON strings; a field may be missing (null) in a row.
    table = [{**r, "FAIL_TO_PASS": json.dumps(list(json.loads(r["FAIL_TO_PASS"]) if isinstance(r["FAIL_TO_PASS"], str)
                                                    else r["FAIL_TO_PASS"])),
              "PASS_TO_PASS": json.dumps(list(json.loads(r["PASS_TO_PASS"]) if isinstance(r["PASS_TO_PASS"], str)
                                              else r["PASS_TO_PASS"])),
              "hints_text": r.get("hints_text") or None} for r in rows]
    pq.write_table(pa.Table.from_pylist(table), path)
    return path


def test_a_parquet_file_loads_like_the_jsonl(tmp_path: Path) -> None:
    dataset = build_dataset(tmp_path / "data")
    from_jsonl = load_instances(dataset.write_jsonl(tmp_path / "i.jsonl"))
    from_parquet = load_instances(_write_parquet(dataset.instances, tmp_path / "i.parquet"))
    assert from_parquet == from_jsonl
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(BadInput, match="not a readable parquet file"):
        load_instances(tmp_path / "bad.parquet")


def test_a_dataset_by_name_with_its_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    dataset = build_dataset(tmp_path / "data")
    folder = tmp_path / "acme" / "SWE-bench_Mini"
    _write_parquet(dataset.instances[:3], folder / "data" / "test-00000-of-00001.parquet")
    _write_parquet(dataset.instances[3:], folder / "data" / "dev-00000-of-00001.parquet")
    monkeypatch.chdir(tmp_path)
    test = load_instances("acme/SWE-bench_Mini")
    assert [i.instance_id for i in test] == [i["instance_id"] for i in dataset.instances[:3]]
    assert test[0].FAIL_TO_PASS == tuple(json.loads(dataset.instances[0]["FAIL_TO_PASS"])
                                         if isinstance(dataset.instances[0]["FAIL_TO_PASS"], str)
                                         else dataset.instances[0]["FAIL_TO_PASS"])
    dev = load_instances("acme/SWE-bench_Mini", split="dev")
    assert [i.instance_id for i in dev] == [i["instance_id"] for i in dataset.instances[3:]]
    with pytest.raises(BadInput, match="dataset acme/SWE-bench_Mini: .*nope"):
        load_instances("acme/SWE-bench_Mini", split="nope")
    with pytest.raises(EnvironmentProblem, match="cannot load dataset nobody-here/no-such-dataset"):
        load_instances("nobody-here/no-such-dataset")


def test_the_cli_reads_parquet(tmp_path: Path) -> None:
    dataset = build_dataset(tmp_path / "data")
    instances = _write_parquet(dataset.instances, tmp_path / "i.parquet")
    preds = tmp_path / "preds.jsonl"
    preds.write_text(json.dumps({"instance_id": "acme__shop-1", "model_patch": ""}) + "\n")
    proc = subprocess.run([sys.executable, "-m", "swebot", "batch", "evaluate", "--instances", str(instances),
                           "--predictions", str(preds), "--sandbox", "local", "--repo-source", dataset.repo_source,
                           "--cache-dir", str(tmp_path / "cache"), "--json"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["empty_patch"] == ["acme__shop-1"] and len(report["missing"]) == len(dataset.instances) - 1
    missing = subprocess.run([sys.executable, "-m", "swebot", "batch", "evaluate", "--instances",
                              str(tmp_path / "absent.parquet"), "--predictions", str(preds)],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
