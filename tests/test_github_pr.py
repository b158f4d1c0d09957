"""Branch names, issue preconditions and the text swebot posts."""

from __future__ import annotations

from pathlib import Path

import pytest

from swebot.github.api import Comment, Issue, PullRequest
from swebot.github.pr import (
    MARKER,
    branch_name,
    check_issue,
    failure_comment,
    pr_body,
    pr_title,
    problem_statement,
    slugify,
    success_comment,
)
from swebot.repair import FixReport

PATCH = "--- a/calc.py\n+++ b/calc.py\n@@ -1 +1 @@\n-    return a - b\n+    return a + b\n"


def report(status: str = "fixed", **overrides) -> FixReport:
    values = dict(
        status=status,
        patch=PATCH,
        files_changed=("calc.py",),
        failing_before=("tests/test_calc.py::test_add", "tests/test_calc.py::test_sum"),
        failing_after=() if status == "fixed" else ("tests/test_calc.py::test_add",),
        candidates_tried=12,
        seconds=3.25,
        run_dir=Path("/tmp/run"),
        limit_hit=None if status == "fixed" else "time_limit",
        cost=0.0,
        description="replaced '-' with '+' in calc.add (calc.py:1)",
    )
    values.update(overrides)
    return FixReport(**values)


def issue(**overrides) -> Issue:
    values = dict(number=42, title="add() subtracts!", body="calc.add(2, 2) == 0", state="open", locked=False)
    values.update(overrides)
    return Issue(**values)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("add() subtracts!", "add-subtracts"),
        ("Crash on EMPTY list", "crash-on-empty-list"),
        ("Ünïcödé títle", "unicode-title"),
        ("$(rm -rf /); `echo pwned`", "rm-rf-echo-pwned"),
        ("!!!", "fix"),
        ("a very long title that goes on and on about many different things", "a-very-long-title-that-goes-on-and-on"),
    ],
)
def test_slugify(title: str, slug: str):
    assert slugify(title) == slug
    assert len(slugify(title)) <= 40


def test_branch_name():
    assert branch_name(42, "add() subtracts!") == "swebot/issue-42-add-subtracts"


def test_preconditions():
    assert check_issue(issue(), []) is None
    assert check_issue(issue(state="closed"), []).reason == "closed"
    assert check_issue(issue(locked=True), []).reason == "locked"
    assert check_issue(issue(is_pull_request=True), []).reason == "pull_request"
    mine = PullRequest(7, "https://x/pull/7", "swebot/issue-42-add-subtracts")
    skip = check_issue(issue(), [PullRequest(5, "u", "feature/issue-42"), mine])
    assert skip.reason == "existing_pr" and skip.pull == mine
    # a swebot PR for another issue (42 is a prefix of 421) is not ours
    assert check_issue(issue(), [PullRequest(8, "u", "swebot/issue-421-x")]) is None
    assert check_issue(issue(), [PullRequest(9, "u", "swebot/issue-42-x", state="closed")]) is None


def test_problem_statement_skips_bot_comments_and_triggers():
    text = problem_statement(
        issue(comments=(
            Comment("alice", "It fails with ZeroDivisionError"),
            Comment("maint", "/swebot fix"),
            Comment("swebot[bot]", f"{MARKER}\nswebot did not find a fix", user_type="Bot"),
        )),
        trigger="/swebot fix",
    )
    assert text.startswith("# add() subtracts!\n\ncalc.add(2, 2) == 0")
    assert "## Comment by alice" in text and "ZeroDivisionError" in text
    assert "/swebot fix" not in text and "did not find" not in text


def test_pr_body_states_problem_change_tests_cost_and_fixes():
    body = pr_body(issue(title="add() subtracts @everyone <!-- x"), report(cost=0.0123), test_command="python -m pytest", engine="llm")
    assert body.startswith(MARKER)
    assert "### What was wrong" in body and "tests/test_calc.py::test_add" in body
    assert "### What changed" in body and "replaced '-' with '+'" in body and "- `calc.py`" in body
    assert "```diff\n" + PATCH.rstrip("\n") in body
    assert "### Test evidence" in body and "Now passing:" in body and "full test suite passes" in body
    assert "$0.0123" in body and "12 candidate" in body
    assert body.rstrip().endswith("Fixes #42")
    assert "@everyone" not in body and "<!-- x" not in body  # untrusted title defused
    assert pr_title(issue()) == "Fix #42: add() subtracts!"


def test_comments():
    ok = success_comment("https://github.com/o/r/pull/9", report())
    assert "https://github.com/o/r/pull/9" in ok and "2 failing test(s) now pass" in ok
    bad = failure_comment(report("not_fixed"), test_command="pytest -x", run_url="https://run/1")
    assert "no pull request was opened" in bad and "time_limit" in bad and "12 candidate" in bad
    assert "Best partial attempt" in bad and "https://run/1" in bad
    assert "tests/test_calc.py::test_sum" in bad
    none = failure_comment(report("nothing_to_fix", patch="", failing_before=(), failing_after=()), test_command="pytest")
    assert "could not reproduce" in none and "`pytest`" in none
