"""Reproduction tests: written by the model, checked by the harness on the original code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from swebot.agent.config import LLMSettings
from swebot.agent.reproduce import judge
from swebot.engines.llm import LLMEngine
from swebot.models.base import Message, ModelReply, ToolCall
from swebot.models.scripted import ScriptedModel
from swebot.sandbox.local import LocalSandbox
from swebot.types import Budget, Task
from swebot.types import TestCase as Case
from swebot.types import TestReport as Report
from swebot.workspace import sandbox_diff, snapshot
from tests.test_scaling_engine import CORRECT_A, FILES, ISSUE, REPRO

PATH = "tests/test_repro.py"


def report(*cases: Case, errors: tuple[str, ...] = ()) -> Report:
    return Report(cases=cases, exit_code=1, collection_errors=errors)


def test_judge_accepts_failures_that_fit_the_issue_only() -> None:
    issue = "mean([]) raises ZeroDivisionError"
    fails = Case(f"{PATH}::test_a", "failed", "ZeroDivisionError: division by zero")
    asserts = Case(f"{PATH}::test_b", "failed", "assert None == 0.0")
    passes = Case(f"{PATH}::test_c", "passed")
    assert judge(report(fails, asserts, passes), PATH, issue) == ((f"{PATH}::test_a", f"{PATH}::test_b"), "")
    tests, why = judge(report(passes), PATH, issue)
    assert tests == () and "passes on the original code" in why
    tests, why = judge(report(Case(f"{PATH}::test_a", "failed", "ModuleNotFoundError: No module named 'x'")), PATH, issue)
    assert tests == () and "on ModuleNotFoundError, not for the reason the issue describes" in why
    tests, why = judge(report(Case(f"{PATH}::test_a", "failed", "KeyError: 'k'")), PATH, issue)
    assert tests == () and "with KeyError while the issue speaks of ZeroDivisionError" in why
    tests, why = judge(report(errors=(PATH,)), PATH, issue)
    assert tests == () and "could not even be collected" in why


def call(name: str, **arguments: object) -> ModelReply:
    return ModelReply(Message("assistant", tool_calls=(ToolCall(f"c-{name}", name, json.dumps(arguments)),)))


def test_reproduction_that_does_not_fail_is_rejected_and_the_repair_is_verified_against_the_accepted_one(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    ws = snapshot(make_repo(FILES))
    passing = "from calc.stats import mean\n\n\ndef test_mean():\n    assert mean([2]) == 2\n"
    script = ScriptedModel([
        call("edit_symbol", path="calc/stats.py", symbol="mean", code=CORRECT_A),  # fixes first...
        call("create_file", path=PATH, content=REPRO),
        call("create_file", path="calc/helpers.py", content="ZERO = 0.0\n"),
        call("bash", command="git add -A -N ."),  # new files marked intent-to-add, as diffs leave them
        call("reproduce", path=PATH),  # ...yet the test runs on the original code: accepted
        call("create_file", path="tests/test_other.py", content=passing),
        call("reproduce", path="tests/test_other.py"),  # passes on the original code: rejected
        call("reproduce", path="tests/test_stats.py"),  # an existing file: rejected
        call("submit", summary="empty mean is 0.0"),
    ])
    engine = LLMEngine(LLMSettings(model="scripted", provider="custom", trajectory_path=tmp_path / "t.json"),
                       model=script)
    try:
        with LocalSandbox(ws.path) as sandbox:
            result = engine.repair(Task(workspace=ws.path, test_command=None, issue=ISSUE), sandbox,
                                   Budget(max_steps=14), lambda e, f: None)
            diff = sandbox_diff(sandbox)
    finally:
        ws.cleanup()
    tools = [m.content for m in script.calls[-1][0] if m.role == "tool"]
    assert "reproduction accepted" in tools[4] and "ZeroDivisionError" in tools[4]
    assert "reproduction rejected: every test in tests/test_other.py passes on the original code" in tools[6]
    assert "put the reproduction in a new file" in tools[7]
    assert result.details["submits"] == 1 and result.details["end_reason"] == "submitted"
    assert "reproduce" in [t["function"]["name"] for t in script.calls[0][1]]
    repro = result.details["reproduction"]
    assert [a["tests"] for a in repro["accepted"]] == [[f"{PATH}::test_empty_mean"]] and len(repro["rejected"]) == 2
    assert result.status == "fixed" and result.details["verified_by_tests"]
    assert "+    if not values:" in result.patch and PATH not in result.patch  # left out without --keep-tests
    assert PATH not in diff
