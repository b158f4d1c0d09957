"""Several attempts through the real LLM engine (scripted models), real pytest, local sandboxes:
reproduction tests are cross-checked, candidates grouped by AST and the choice made by evidence."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Callable, Iterator

import pytest

from swebot.agent.config import AgentSettings, LLMSettings
from swebot.models.base import Message, ModelReply, ToolCall, Usage
from swebot.models.scripted import ScriptedModel
from swebot.sandbox.local import LocalSandbox
from swebot.engines.factory import builtin_plan, llm_plans
from swebot.scaling import ScalingEngine
from swebot.types import Budget, Task
from swebot.workspace import sandbox_diff, snapshot

FILES = {
    "calc/__init__.py": "",
    "calc/stats.py": '''
        def mean(values):
            """Average of values."""
            return sum(values) / len(values)


        def total(values):
            return sum(values)
        ''',
    "tests/test_stats.py": '''
        from calc.stats import mean, total


        def test_mean():
            assert mean([1, 2, 3]) == 2


        def test_total():
            assert total([1, 2]) == 3
        ''',
}
ISSUE = "mean([]) raises ZeroDivisionError; the mean of an empty list should be 0.0"
CORRECT_A = 'def mean(values):\n    """Average of values."""\n    if not values:\n        return 0.0\n    return sum(values) / len(values)\n'
CORRECT_B = 'def mean(values):\n    # nothing to divide by\n    if not values:  return 0.0\n    return (sum(values) / len(values))\n'
OVERFIT = 'def mean(values):\n    return 0.0\n'
WRONG = 'def mean(values):\n    if not values:\n        return None\n    return sum(values) / len(values)\n'
REPRO = "from calc.stats import mean\n\n\ndef test_empty_mean():\n    assert mean([]) == 0.0\n"
ids = itertools.count(1)


def call(name: str, cost: float = 0.0, **arguments: object) -> ModelReply:
    message = Message("assistant", tool_calls=(ToolCall(f"c{next(ids)}", name, json.dumps(arguments)),))
    return ModelReply(message, Usage(100, 10), cost=cost)


def attempt(code: str, repro: str = REPRO, path: str = "tests/test_repro.py", submits: int = 1) -> ScriptedModel:
    return ScriptedModel([
        call("create_file", path=path, content=repro),
        call("reproduce", path=path),
        call("edit_symbol", path="calc/stats.py", symbol="mean", code=code),
        *[call("submit", summary="mean of [] is 0.0")] * submits,
    ])


@pytest.fixture
def workspace(make_repo: Callable[..., Path]) -> Iterator[Path]:
    ws = snapshot(make_repo(FILES))
    yield ws.path
    ws.cleanup()


def settings(tmp_path: Path) -> LLMSettings:
    return LLMSettings(model="scripted", provider="custom", trajectory_path=tmp_path / "run" / "trajectory.json",
                       agent=AgentSettings(max_submit_rejections=1))


def run(engine: ScalingEngine, workspace: Path, budget: Budget = Budget(max_steps=10)) -> tuple[object, str]:
    task = Task(workspace=workspace, test_command=None, issue=ISSUE, test_timeout=120)
    with LocalSandbox(workspace) as sandbox:
        result = engine.repair(task, sandbox, budget, lambda e, f: None)
        return result, sandbox_diff(sandbox)


def test_selection_picks_the_correct_group_among_wrong_overfitting_and_equivalent_patches(
        workspace: Path, tmp_path: Path) -> None:
    models = [
        attempt(WRONG, repro="from calc.stats import mean\n\n\ndef test_empty():\n    assert mean([]) is None\n"),
        attempt(OVERFIT, submits=2),  # its submit is refused: test_mean regresses
        attempt(CORRECT_B, repro=REPRO.replace("test_empty_mean", "test_mean_of_nothing")),
        attempt(CORRECT_A),
    ]
    plans = llm_plans(settings(tmp_path), 4, models=models)
    result, diff = run(ScalingEngine(plans, early_stop=False, workers=2), workspace)

    sel = result.details["selection"]
    by_id = {c["id"]: c for c in sel["candidates"]}
    assert sel["winner"] == "a4"  # the correct group, its smallest diff
    assert by_id["a3"]["group"] == by_id["a4"]["group"] != by_id["a1"]["group"]
    assert by_id["a2"]["evidence"]["regressions"] == ["tests/test_stats.py::test_mean"]
    assert by_id["a1"]["evidence"]["reproduction"] == "1/4" and by_id["a4"]["evidence"]["reproduction"] == "3/4"
    assert not by_id["a2"]["evidence"]["plausible"] and by_id["a4"]["evidence"]["plausible"]
    assert sel["groups"][0]["candidates"] == ["a4", "a3"]
    assert "better evidence" in sel["reason"] and "smallest diff" in sel["reason"]
    assert result.status == "fixed" and result.details["verified_by_tests"]
    # the final patch is the winner's, applied in the sandbox; reproduction tests left out
    assert result.patch == diff and "+    if not values:\n+        return 0.0" in result.patch
    assert "test_repro" not in result.patch
    # every attempt's trajectory records the selection
    traj = json.loads((tmp_path / "run" / "trajectory-a2.json").read_text())
    assert traj["attempt"] == "a2" and traj["selection"]["winner"] == "a4"


def test_a_candidate_passing_every_check_stops_the_other_attempts(workspace: Path, tmp_path: Path) -> None:
    models = [attempt(CORRECT_A), attempt(WRONG), attempt(OVERFIT)]
    plans = llm_plans(settings(tmp_path), 3, models=models)
    result, diff = run(ScalingEngine(plans, workers=1, keep_tests=True), workspace)
    attempts = {a["id"]: a for a in result.details["attempts"]}
    assert attempts["a1"]["passed_every_check"]
    assert attempts["a2"]["status"] == attempts["a3"]["status"] == "skipped"
    assert models[1].calls == models[2].calls == []
    assert result.status == "fixed" and result.details["selection"]["winner"] == "a1"
    # --keep-tests: the winner's reproduction test stays in the final patch
    assert result.patch == diff and "b/tests/test_repro.py" in result.patch and "+    if not values:" in result.patch


def test_cost_limit_holds_across_attempts(workspace: Path, tmp_path: Path) -> None:
    def costly() -> ScriptedModel:
        return ScriptedModel([call("view", cost=1.0, path="calc/stats.py")] * 6)

    models = [costly() for _ in range(3)]
    plans = llm_plans(settings(tmp_path), 3, models=models)
    result, _ = run(ScalingEngine(plans, workers=2), workspace, Budget(max_steps=6, max_cost=2.5))
    spent = [a["cost"] for a in result.details["attempts"] if "cost" in a]
    assert sum(spent) <= 2.5 and result.details["cost"] == pytest.approx(sum(spent))
    assert result.details["ledger"]["calls"] == sum(len(m.calls) for m in models) == 2
    assert {a.get("limit_hit") for a in result.details["attempts"]} == {"max_cost"}
    assert result.status == "not_fixed"


def test_builtin_engine_is_one_candidate_and_failing_tests_are_the_targets(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:

    ws = snapshot(make_repo({
        "calc/__init__.py": "",
        "calc/ops.py": "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n",
        "tests/test_ops.py": "from calc.ops import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
                             "def test_mul():\n    assert mul(2, 3) == 6\n",
    }))
    overfit = ScriptedModel([  # fixes add, and "simplifies" mul on the way: test_mul regresses
        call("str_replace", path="calc/ops.py", old_str="a - b", new_str="a + b"),
        call("str_replace", path="calc/ops.py", old_str="a * b", new_str="a - b"),
    ])
    plans = [builtin_plan(), *llm_plans(settings(tmp_path), 1, models=[overfit])]
    task = Task(workspace=ws.path, test_command="python -m pytest -q", test_timeout=120)
    try:
        with LocalSandbox(ws.path) as sandbox:
            result = ScalingEngine(plans, early_stop=False, workers=2).repair(
                task, sandbox, Budget(max_steps=2, time_limit=300), lambda e, f: None)
    finally:
        ws.cleanup()
    by_id = {c["id"]: c for c in result.details["selection"]["candidates"]}
    assert by_id["a1"]["evidence"]["targets"] == "1/1" and by_id["a1"]["evidence"]["regressions"] == [
        "tests/test_ops.py::test_mul"]
    assert result.details["selection"]["winner"] == "builtin" and by_id["builtin"]["evidence"]["plausible"]
    assert result.status == "fixed" and result.failing_before == ("tests/test_ops.py::test_add",)
    assert "+    return a + b" in result.patch and "return a * b" not in result.patch  # mul untouched


class SlowModel(ScriptedModel):
    """Each reply takes ``delay`` seconds, as a thinking model's do."""

    def __init__(self, script: list[ModelReply], delay: float) -> None:
        super().__init__(script)
        self.delay = delay

    def complete(self, messages, tools):  # type: ignore[no-untyped-def]
        import time

        time.sleep(self.delay)
        return super().complete(messages, tools)


def test_time_limit_holds_across_attempts(workspace: Path, tmp_path: Path) -> None:
    import time

    models = [SlowModel([call("view", path="calc/stats.py")] * 100, delay=0.25) for _ in range(3)]
    plans = llm_plans(settings(tmp_path), 3, models=models)
    started = time.monotonic()
    result, _ = run(ScalingEngine(plans, workers=1), workspace, Budget(max_steps=0, time_limit=3))
    elapsed = time.monotonic() - started
    attempts = {a["id"]: a for a in result.details["attempts"]}
    assert attempts["a1"]["limit_hit"] == "time_limit" and 2 < len(models[0].calls) < 100
    assert attempts["a2"]["status"] == attempts["a3"]["status"] == "skipped"  # the run's time was spent
    assert attempts["a2"]["why"] == "time limit" and models[1].calls == models[2].calls == []
    assert result.status == "not_fixed" and result.limit_hit == "time_limit"
    assert elapsed < 30  # nowhere near the 75 s the scripts would take unchecked
