"""Reproduction tests: written by the model, checked by the harness on the original code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from swebot.agent.config import AgentSettings, LLMSettings
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


def run_script(script: ScriptedModel, make_repo: Callable[..., Path], tmp_path: Path,
               steps: int = 14, tries: int = 4) -> tuple[object, str]:
    ws = snapshot(make_repo(FILES))
    engine = LLMEngine(LLMSettings(model="scripted", provider="custom", trajectory_path=tmp_path / "t.json",
                                   agent=AgentSettings(reproduction_tries=tries)), model=script)
    try:
        with LocalSandbox(ws.path) as sandbox:
            result = engine.repair(Task(workspace=ws.path, test_command=None, issue=ISSUE), sandbox,
                                   Budget(max_steps=steps), lambda e, f: None)
            return result, sandbox_diff(sandbox)
    finally:
        ws.cleanup()


def tool_texts(script: ScriptedModel) -> list[str]:
    return [m.content for m in script.calls[-1][0] if m.role == "tool"]


def test_reproduction_comes_first_is_checked_on_the_original_code_and_verifies_the_repair(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    passing = "from calc.stats import mean\n\n\ndef test_mean():\n    assert mean([2]) == 2\n"
    fix_by_shell = ("python - <<'EOF'\nimport pathlib\np = pathlib.Path('calc/stats.py')\n"
                    "p.write_text(p.read_text().replace('    return sum', '    if not values:\\n"
                    "        return 0.0\\n    return sum'))\nEOF")
    script = ScriptedModel([
        call("edit_symbol", path="calc/stats.py", symbol="mean", code=CORRECT_A),  # refused: no reproduction yet
        call("submit", summary="too early"),  # refused too
        call("bash", command=fix_by_shell),  # the shell is not guarded...
        call("create_file", path=PATH, content=REPRO),  # test files may be written
        call("bash", command="git add -A -N ."),  # new files marked intent-to-add, as diffs leave them
        call("reproduce", path=PATH),  # ...yet the test runs on the original code: accepted
        call("create_file", path="calc/helpers.py", content="ZERO = 0.0\n"),  # allowed from now on
        call("create_file", path="tests/test_other.py", content=passing),
        call("reproduce", path="tests/test_other.py"),  # passes on the original code: rejected
        call("reproduce", path="tests/test_stats.py"),  # an existing file: rejected
        call("submit", summary="empty mean is 0.0"),
    ])
    result, diff = run_script(script, make_repo, tmp_path)
    tools = tool_texts(script)
    assert tools[0].startswith("refused: reproduce the issue before editing calc/stats.py") and "3 more" in tools[0]
    assert tools[1].startswith("refused: reproduce the issue before submitting") and "2 more" in tools[1]
    assert "reproduction accepted" in tools[5] and "ZeroDivisionError" in tools[5]
    assert "created calc/helpers.py" in tools[6]
    assert "reproduction rejected: every test in tests/test_other.py passes on the original code" in tools[8]
    assert "put the reproduction in a new file" in tools[9]
    assert result.details["submits"] == 1 and result.details["end_reason"] == "submitted"
    assert "reproduce" in [t["function"]["name"] for t in script.calls[0][1]]
    repro = result.details["reproduction"]
    assert [a["tests"] for a in repro["accepted"]] == [[f"{PATH}::test_empty_mean"]] and len(repro["rejected"]) == 2
    assert repro["refused"] == ["editing calc/stats.py", "submitting"] and not repro["waived"]
    assert result.status == "fixed" and result.details["verified_by_tests"]
    assert "+    if not values:" in result.patch and PATH not in result.patch  # left out without --keep-tests
    assert PATH not in diff


def test_a_model_that_cannot_reproduce_may_go_on_but_its_patch_is_not_verified(
        make_repo: Callable[..., Path], tmp_path: Path) -> None:
    passing = "from calc.stats import mean\n\n\ndef test_mean():\n    assert mean([2]) == 2\n"
    script = ScriptedModel([
        call("create_file", path=PATH, content=passing),
        call("reproduce", path=PATH),  # passes on the original code: rejected (1)
        call("edit_symbol", path="calc/stats.py", symbol="mean", code=CORRECT_A),  # refused (2): waived now
        call("edit_symbol", path="calc/stats.py", symbol="mean", code=CORRECT_A),  # lands
        call("submit", summary="empty mean is 0.0"),
    ])
    result, _ = run_script(script, make_repo, tmp_path, tries=2)
    tools = tool_texts(script)
    assert "swebot stops insisting" in tools[2] and "not verified" in tools[2]
    assert tools[3].startswith("edit e") and result.details["end_reason"] == "submitted"
    repro = result.details["reproduction"]
    assert repro["waived"] and repro["accepted"] == [] and repro["refused"] == ["editing calc/stats.py"]
    assert result.status == "not_fixed" and not result.details["verified_by_tests"]
    assert "+    if not values:" in result.patch  # handed back as the best partial result
    assert "no reproduction test was accepted" in result.description
