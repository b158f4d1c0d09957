"""`swebot batch evaluate`: real worktrees, real pytest in the local sandbox, known outcomes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from swebot.batch.dataset import load_instances
from swebot.batch.evaluate import EvaluateSettings, evaluate, load_predictions
from swebot.cli import main
from swebot.errors import BadInput
from tests.swebench_fixtures import build_dataset, wrong_patch


@pytest.fixture
def dataset(tmp_path: Path):
    return build_dataset(tmp_path / "data")


def write_preds(path: Path, patches: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"instance_id": k, "model_name_or_path": "m", "model_patch": v}) + "\n"
                            for k, v in patches.items()))
    return path


def test_known_outcomes_through_the_cli(dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SWEBOT_CACHE_DIR", str(tmp_path / "cache"))
    instances = dataset.write_jsonl(tmp_path / "instances.jsonl")
    garbage = "diff --git a/geom/shapes.py b/geom/shapes.py\n--- a/geom/shapes.py\n+++ b/geom/shapes.py\n" \
              "@@ -1,1 +1,1 @@\n-no such line\n+other\n"
    preds = write_preds(tmp_path / "preds.jsonl", {
        "acme__shop-1": dataset.gold["acme__shop-1"],
        "acme__shop-2": "",
        "acme__geom-3": dataset.gold["acme__geom-3"],
        "acme__geom-4": wrong_patch(dataset, "acme__geom-4"),
        "acme__geom-5": garbage,
    })
    report_path = tmp_path / "report.json"
    status = main(["batch", "evaluate", "--instances", str(instances), "--predictions", str(preds),
                   "--workers", "2", "--report", str(report_path), "--sandbox", "local",
                   "--repo-source", dataset.repo_source])
    out = capsys.readouterr().out
    assert status == 0
    report = json.loads(report_path.read_text())
    assert report["resolved"] == ["acme__shop-1", "acme__geom-3"]
    assert report["unresolved"] == ["acme__shop-2", "acme__geom-4"]
    assert report["error"] == ["acme__geom-5"]
    assert report["empty_patch"] == ["acme__shop-2"]
    assert report["instances"]["acme__geom-4"]["fail_to_pass_failing"] == [
        "tests/test_describe.py::test_describe_has_size"]
    assert "does not apply" in report["instances"]["acme__geom-5"]["error"]
    assert "resolved 2/5, unresolved 2, error 1" in out


@pytest.mark.slow
def test_gold_patches_resolve_everything_and_a_regression_is_unresolved(dataset, tmp_path: Path) -> None:
    instances = load_instances(dataset.write_jsonl(tmp_path / "instances.jsonl"))
    settings = EvaluateSettings(sandbox="local", repo_source=dataset.repo_source, cache_dir=tmp_path / "cache",
                                workers=2)
    report = evaluate(instances, dict(dataset.gold), settings)
    assert report["resolved"] == [i.instance_id for i in instances]
    # fixes the new test but breaks PASS_TO_PASS test_area and test_scale: unresolved
    breaking = dataset.gold["acme__geom-3"].replace(
        "+        return 2 * (self.width + self.height)",
        "+        return 2 * (self.width + self.height)\n+\n+    def area(self):\n+        return 0")
    breaking = breaking.replace("@@ -7,7 +7,7 @@", "@@ -7,7 +7,10 @@")
    only = [i for i in instances if i.instance_id == "acme__geom-3"]
    report = evaluate(only, {"acme__geom-3": breaking}, settings)
    assert report["unresolved"] == ["acme__geom-3"], report["instances"]
    assert report["instances"]["acme__geom-3"]["pass_to_pass_failing"] == [
        "tests/test_shapes.py::test_area", "tests/test_shapes.py::test_scale"]
    assert report["missing"] == []
    report = evaluate(instances[:2], {"acme__shop-1": dataset.gold["acme__shop-1"]}, settings)
    assert report["missing"] == ["acme__shop-2"] and report["total"] == 1


def test_prediction_files(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"instance_id": "a", "model_patch": "x"}\n{"instance_id": "b", "model_patch": null}\n'
                    '{"instance_id": "c", "mod')  # torn last line: ignored
    assert load_predictions(path) == {"a": "x", "b": ""}
    (tmp_path / "l.json").write_text(json.dumps([{"instance_id": "a", "model_patch": "y"}]))
    assert load_predictions(tmp_path / "l.json") == {"a": "y"}
    (tmp_path / "d.json").write_text(json.dumps({"a": {"model_patch": "z"}}, indent=2))
    assert load_predictions(tmp_path / "d.json") == {"a": "z"}
    (tmp_path / "bad.jsonl").write_text('{"model_patch": "x"}\n')
    with pytest.raises(BadInput, match="instance_id"):
        load_predictions(tmp_path / "bad.jsonl")
    (tmp_path / "bad2.jsonl").write_text('{"instance_id": "a", "model_patch": 3}\n')
    with pytest.raises(BadInput, match="'model_patch' must be a string"):
        load_predictions(tmp_path / "bad2.jsonl")


def test_skipped_tests_neither_pass_nor_fail_as_swebench_grades(dataset, tmp_path: Path) -> None:
    from swebot.types import TestCase, TestReport

    instances = load_instances(dataset.write_jsonl(tmp_path / "instances.jsonl"))
    geom = next(i for i in instances if i.instance_id == "acme__geom-3")
    settings = EvaluateSettings(sandbox="local", repo_source=dataset.repo_source, cache_dir=tmp_path / "cache")

    def tests_with(outcome: str):  # every listed test passes but the first PASS_TO_PASS one
        def run(sandbox, ids, timeout):  # type: ignore[no-untyped-def]
            return TestReport(cases=tuple(TestCase(i, outcome if i == geom.PASS_TO_PASS[0] else "passed")
                                          for i in ids), exit_code=0)
        return run

    progress = {outcome: io.StringIO() for outcome in ("skipped", "failed")}
    graded = {outcome: evaluate([geom], dict(dataset.gold), settings, run_tests=tests_with(outcome),
                                progress=progress[outcome])
              for outcome in ("skipped", "failed")}
    assert graded["skipped"]["resolved"] == ["acme__geom-3"]
    assert progress["skipped"].getvalue() == "[1/1] acme__geom-3: resolved\n"
    # the progress line says why, so a run cut short before its report still tells
    assert progress["failed"].getvalue() == (f"[1/1] acme__geom-3: unresolved (PASS_TO_PASS failing 1: "
                                             f"{geom.PASS_TO_PASS[0]})\n")
    assert graded["failed"]["unresolved"] == ["acme__geom-3"]
    assert graded["failed"]["instances"]["acme__geom-3"]["pass_to_pass_failing"] == [geom.PASS_TO_PASS[0]]


def test_a_verdict_says_why_in_one_line() -> None:
    from swebot.batch.evaluate import Verdict

    many = tuple(f"t.py::test_{n}" for n in range(5))
    assert Verdict("a", "unresolved", ("t.py::test_new",), many).why() == (
        "FAIL_TO_PASS failing 1: t.py::test_new; PASS_TO_PASS failing 5: t.py::test_0, t.py::test_1, t.py::test_2, ...")
    assert Verdict("a", "error", error="the environment build failed\nStep 3/9 ...").why() == \
        "the environment build failed"
    assert Verdict("a", "unresolved", ("t.py::test_new",), error="empty patch", empty_patch=True).why() == "empty patch"
    assert Verdict("a", "resolved").why() == ""
