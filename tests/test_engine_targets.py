"""The builtin engine edits the code under test, never the tests or their helpers."""

from __future__ import annotations

from pathlib import Path

from swebot.engines.builtin import BuiltinEngine
from swebot.engines.targets import edit_targets, in_test_tree
from swebot.localize.sbfl import SuspiciousLine
from swebot.sandbox.local import LocalSandbox
from swebot.types import Budget, EngineResult, Task
from swebot.workspace import snapshot


def test_the_test_tree_is_folders_named_tests_or_testing_and_pytest_s_file_names() -> None:
    for path in ("tests/utils.py", "django/tests/admin/helpers.py", "testing/conftest.py", "testing/logging/util.py",
                 "src/test_x.py", "pkg/x_test.py", "conftest.py", "pkg\\tests\\h.py"):
        assert in_test_tree(path), path
    for path in ("src/_pytest/skipping.py", "django/db/models/query.py", "pkg/testsuite.py", "contest.py",
                 "pkg/latest_tests.py", "testing.py", "src/_pytest/pytester.py", "test_data.txt.bak"):
        assert not in_test_tree(path), path


def test_edit_targets_keep_the_ranking_s_order_without_test_files() -> None:
    ranking = [SuspiciousLine("testing/helpers.py", 3, 0.9), SuspiciousLine("src/a.py", 5, 0.8),
               SuspiciousLine("tests/conftest.py", 1, 0.7), SuspiciousLine("src/b.py", 2, 0.6)]
    assert edit_targets(ranking) == [ranking[1], ranking[3]]


# The mean is wrong in a way no single or double edit of calc.py repairs (it needs a division
# written); weakening the helper the failing test checks through would make it pass.
HELPER_ONLY = {
    "calc.py": "def mean(values):\n    return max(values)\n",
    "testing/checks.py": "def check_close(actual, expected):\n    assert abs(actual - expected) < 1e-9, (actual, expected)\n",
    "testing/test_calc.py": ("from calc import mean\nfrom checks import check_close\n\n\n"
                             "def test_mean():\n    check_close(mean([5, 10, 30]), 45 / 3)\n\n\n"
                             "def test_single():\n    assert mean([4]) == 4\n"),
    "pytest.ini": "[pytest]\ntestpaths = testing\npythonpath = . testing\n",
}


def repair_logged(repo: Path, command: str) -> tuple[EngineResult, dict]:
    """The builtin engine's result on ``repo`` and its localize event (what it ranked, what it left out)."""
    workspace = snapshot(repo)
    sandbox = LocalSandbox(workspace.path)
    events: list[tuple[str, dict]] = []
    try:
        task = Task(workspace=workspace.path, test_command=command, test_timeout=60)
        result = BuiltinEngine(lanes=1).repair(task, sandbox, Budget(time_limit=300),
                                               lambda e, f: events.append((e, dict(f))))
    finally:
        sandbox.close()
        workspace.cleanup()
    localize = [f for e, f in events if e == "stage" and "ranking" in f]
    assert localize, events
    return result, localize[0]


def test_a_helper_of_the_tests_is_never_edited_even_when_that_alone_would_pass(make_repo) -> None:
    result, localize = repair_logged(make_repo(HELPER_ONLY), "python -m pytest")
    assert "testing/" not in (result.patch or "")
    assert result.status == "not_fixed", result.patch
    assert localize["ranking"] and all(p.startswith("calc.py:") for p in localize["ranking"])
