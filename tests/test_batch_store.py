"""preds.jsonl: whole-line appends from many processes, repair of a crash-truncated line, redo."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from swebot.batch.store import PredictionStore, read_json, write_json_atomic


def record(instance_id: str, patch: str = "diff") -> dict[str, str]:
    return {"instance_id": instance_id, "model_name_or_path": "m", "model_patch": patch}


def _append_many(path: str, worker: int, count: int) -> None:
    store = PredictionStore(Path(path))
    for n in range(count):
        store.append(record(f"w{worker}-{n}", "x" * (5000 + n)))  # long lines: several pages each


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = path.read_text().splitlines()
    assert len(lines) == 100
    assert {json.loads(line)["instance_id"] for line in lines} == {f"w{w}-{n}" for w in range(4) for n in range(25)}


def test_truncated_last_line_is_ignored_then_repaired(tmp_path: Path) -> None:
    store = PredictionStore(tmp_path / "preds.jsonl")
    store.append(record("a"))
    store.append(record("b"))
    with open(store.path, "ab") as fh:  # what a kill -9 in the middle of a write leaves
        fh.write(b'{"instance_id": "c", "model_na')
    assert set(store.load()) == {"a", "b"}
    store.append(record("c"))
    lines = store.path.read_text().splitlines()
    assert [json.loads(line)["instance_id"] for line in lines] == ["a", "b", "c"]
    assert store.repair() == 0


def test_drop_rewrites_without_the_redone_instances(tmp_path: Path) -> None:
    store = PredictionStore(tmp_path / "preds.jsonl")
    for name in "abc":
        store.append(record(name, patch=f"patch {name}"))
    assert store.drop(["b", "zzz"]) == 1
    assert list(store.load()) == ["a", "c"]
    assert store.load()["c"]["model_patch"] == "patch c"
    assert PredictionStore(tmp_path / "none.jsonl").drop(["a"]) == 0


def test_json_documents_are_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "summary.json"
    write_json_atomic(target, {"n": 1})
    write_json_atomic(target, {"n": 2})
    assert read_json(target) == {"n": 2}
    assert [p.name for p in target.parent.iterdir()] == ["summary.json"]
    target.write_text("{broken")
    assert read_json(target) is None
